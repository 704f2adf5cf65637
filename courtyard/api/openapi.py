"""GET /api/v1/openapi.json: every route of the URL map, described by its @doc.

The document is built with openapi-pydantic: its models of the OpenAPI 3.1 objects, and
`construct_open_api_with_schema_class`, which turns the pydantic models named by @doc —
request bodies, responses, the error body — into `components/schemas` and references.
Query parameters are read from the query model's JSON schema, by the names a client sends
(pydantic aliases: `/stats?from=&to=`).
"""
from __future__ import annotations

import re
from http import HTTPStatus
from typing import Annotated, Any

from flask import current_app, jsonify
from openapi_pydantic import (Components, Info, MediaType, OpenAPI, Operation, Parameter, PathItem, RequestBody,
                              Response, SecurityScheme, Server)
from openapi_pydantic.util import PydanticSchema, construct_open_api_with_schema_class
from pydantic import BaseModel, Field, TypeAdapter

from .core import DOCS, MAX_PAGE, File, PageQuery, Required, RouteDoc, bp, doc
from .schemas import Error, OpenAPIDocument, page_of

REF = "#/components/schemas/{model}"
_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_PATH_TYPES = {"int": {"type": "integer", "minimum": 0}, "float": {"type": "number"}}
PAGE_PARAMS = {"page": Annotated[int, Field(ge=1, le=MAX_PAGE)], "per_page": Annotated[int, Field(ge=1, le=100)]}
ERRORS = {
    400: "Malformed JSON or the wrong content type",
    401: "Not signed in, or the token is not valid",
    403: "Signed in, but not allowed",
    404: "No such thing, or one the caller may not know of",
    409: "The state does not allow it",
    413: "The body or upload is over its limit",
    422: "A field is not valid: `fields` names it",
    429: "Too many requests",
}


_BOUNDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}


def _tidy(node):
    """openapi-pydantic keeps bounds as floats: write a whole bound as an integer (1, not 1.0)."""
    if isinstance(node, dict):
        return {k: int(v) if k in _BOUNDS and isinstance(v, float) and v.is_integer() else _tidy(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    return node


def _path(rule: str) -> tuple[str, list[Parameter]]:
    params: list[Parameter] = []

    def sub(m):
        conv, name = m.group(1) or "string", m.group(2)
        params.append(Parameter(name=name, param_in="path", required=True,
                                param_schema=_PATH_TYPES.get(conv, {"type": "string"})))
        return "{" + name + "}"

    return _CONVERTER.sub(sub, rule), params


def _without_null(schema: dict) -> dict:
    """An optional query parameter is one left out, never a null: drop `null` from its schema."""
    options = [s for s in schema.get("anyOf", ()) if s != {"type": "null"}]
    if len(options) == len(schema.get("anyOf", ())):
        return schema
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    return {**rest, **options[0]} if len(options) == 1 else {**rest, "anyOf": options}


def _query_parameters(model: type[BaseModel], types: dict[str, Any], defs: dict) -> list[Parameter]:
    """One parameter per field of `model`, by alias; `types` narrows fields read as text."""
    schema = model.model_json_schema(by_alias=True, ref_template=REF)
    defs.update(schema.pop("$defs", {}))
    required = set(schema.get("required", ()))
    out = []
    for name, prop in schema.get("properties", {}).items():
        prop = _without_null(prop)
        if name in types:
            kind = types[name]
            if isinstance(kind, Required):
                kind = kind.type
                required.add(name)
            typed = TypeAdapter(kind).json_schema(ref_template=REF)
            defs.update(typed.pop("$defs", {}))
            prop = {**{k: v for k, v in prop.items() if k in ("title", "description", "default")},
                    **_without_null(typed)}
        description = prop.pop("description", None)
        out.append(Parameter(name=name, param_in="query", required=name in required, description=description,
                             param_schema=prop))
    return out


def _json(model: type[BaseModel]) -> dict[str, MediaType]:
    return {"application/json": MediaType(media_type_schema=PydanticSchema(schema_class=model))}


def _error_statuses(info: RouteDoc, has_path_params: bool) -> list[int]:
    codes = set(info.errors)
    if info.auth:
        codes.add(401)
    if info.body is not None:
        codes |= {400, 422} if info.content_type == "application/json" else {400}
    if info.query is not None or info.paginated:
        codes.add(422)
    if has_path_params:
        codes.add(404)
    return sorted(codes)


def _responses(info: RouteDoc, has_path_params: bool) -> dict[str, Response]:
    out: dict[str, Response] = {}
    for status in (info.status, *info.also):
        description = HTTPStatus(status).phrase
        if status == 204 or info.response is None:
            out[str(status)] = Response(description=description)
        elif isinstance(info.response, File):
            out[str(status)] = Response(description=info.response.description, content={
                media_type: MediaType(media_type_schema={"type": "string", "contentMediaType": media_type})
                for media_type in info.response.media_types})
        else:
            model = page_of(info.response) if info.paginated else info.response
            out[str(status)] = Response(description=description, content=_json(model))
    for status in _error_statuses(info, has_path_params):
        out[str(status)] = Response(description=ERRORS[status], content=_json(Error))
    out["default"] = Response(description="An error (CONTRACT §2)", content=_json(Error))
    return out


def _operation(name: str, view, info: RouteDoc, path_params: list[Parameter], defs: dict) -> Operation:
    lines = (view.__doc__ or "").strip().splitlines() or [name]
    params = list(path_params)
    if info.query is not None:
        params += _query_parameters(info.query, info.params, defs)
    if info.paginated:
        params += _query_parameters(PageQuery, PAGE_PARAMS, defs)
    op = Operation(operationId=name, summary=lines[0].strip(), tags=[info.tag or "misc"],
                   description=" ".join(line.strip() for line in lines[1:]).strip() or None,
                   parameters=params or None, responses=_responses(info, bool(path_params)))
    if info.body is not None:
        op.requestBody = RequestBody(required=True, content={
            info.content_type: MediaType(media_type_schema=PydanticSchema(schema_class=info.body))})
    if not info.auth:
        op.security = []
    return op


def build_document() -> dict:
    """The OpenAPI 3.1 document of /api/v1 as JSON-ready data."""
    paths: dict[str, PathItem] = {}
    defs: dict[str, Any] = {}
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(bp.name + "."):
            continue
        path, path_params = _path(rule.rule)
        info = DOCS.get(rule.endpoint) or RouteDoc(None, None, {}, None, 200, (), (), None, True, False,
                                                   "application/json")
        view = current_app.view_functions[rule.endpoint]
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        item = paths.setdefault(path, PathItem())
        for method in methods:
            name = rule.endpoint.split(".", 1)[1]
            name = name if len(methods) == 1 else f"{name}_{method.lower()}"
            setattr(item, method.lower(), _operation(name, view, info, path_params, defs))
    document = OpenAPI(
        openapi="3.1.0",
        info=Info(title="Courtyard (掌上四合院) API", version="1"),
        servers=[Server(url="/")],
        paths=paths,
        components=Components(securitySchemes={
            "bearer": SecurityScheme(type="http", scheme="bearer"),
            "cookie": SecurityScheme(type="apiKey", security_scheme_in="cookie", name="session")}),
        security=[{"bearer": []}, {"cookie": []}],
    )
    document = construct_open_api_with_schema_class(document)
    out = _tidy(document.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_unset=True))
    schemas = out["components"]["schemas"]
    for name, schema in defs.items():
        schemas.setdefault(name, schema)
    return out


@bp.get("/openapi.json")
@doc(tag="meta", auth=False, response=OpenAPIDocument)
def openapi():
    """This document."""
    ext = current_app.extensions
    if "courtyard.openapi" not in ext:
        ext["courtyard.openapi"] = build_document()
    return jsonify(ext["courtyard.openapi"])
