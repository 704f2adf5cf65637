"""GET /api/v1/openapi.json, generated from the URL map and each route's @doc."""
from __future__ import annotations

import re

from flask import current_app, jsonify

from .core import DOCS, bp, doc

ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "enum": ["bad_request", "unauthenticated", "forbidden", "not_found",
                                            "conflict", "too_large", "invalid", "rate_limited"]},
        "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}},
}
_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def sub(m):
        conv, name = m.group(1) or "string", m.group(2)
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer" if conv == "int" else "string"}})
        return "{" + name + "}"

    return _CONVERTER.sub(sub, rule), params


def _component(components: dict, model) -> dict:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        components[name] = sub
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_document() -> dict:
    components: dict = {"Error": ERROR_SCHEMA}
    paths: dict = {}
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(bp.name + "."):
            continue
        path, params = _path(rule.rule)
        info = DOCS.get(rule.endpoint, {})
        view = current_app.view_functions[rule.endpoint]
        summary = ((view.__doc__ or "").strip().splitlines() or [rule.endpoint])[0]
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for method in methods:
            status = str(info.get("status", 200))
            name = rule.endpoint.split(".", 1)[1]
            op = {"operationId": name if len(methods) == 1 else f"{name}_{method.lower()}",
                  "summary": summary, "tags": [info.get("tag") or "misc"], "parameters": list(params),
                  "responses": {status: {"description": "OK"}, "default": {
                      "description": "Error",
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
            if info.get("paginated"):
                op["parameters"] += [{"name": n, "in": "query", "schema": {"type": "integer", "minimum": 1}}
                                     for n in ("page", "per_page")]
            query = info.get("query")
            if query is not None:
                for name, field in query.model_fields.items():
                    op["parameters"].append({"name": name, "in": "query", "required": field.is_required(),
                                             "schema": {"type": "string"}})
            if info.get("body") is not None:
                op["requestBody"] = {"required": True, "content": {
                    info.get("content_type", "application/json"): {"schema": _component(components, info["body"])}}}
            if not info.get("auth", True):
                op["security"] = []
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Courtyard (掌上四合院) API", "version": "1"},
        "servers": [{"url": "/"}],
        "components": {"schemas": components, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "session"}}},
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": paths,
    }


@bp.get("/openapi.json")
@doc(tag="meta", auth=False)
def openapi():
    """This document."""
    return jsonify(build_document())
