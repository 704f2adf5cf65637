"""The /api/v1 blueprint and the few helpers every JSON route uses."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import BadRequest, Forbidden, Invalid, Unauthenticated
from ..pagination import MAX_PAGE, Pagination
from ..pagination import paginate as paginate_select
from ..validation import unstorable

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# endpoint -> documentation, read by courtyard/api/openapi.py
DOCS: dict[str, RouteDoc] = {}


class Body(BaseModel):
    """Base of request bodies: shapes and types only; the services hold the rules."""

    model_config = ConfigDict(extra="ignore")


@dataclass(frozen=True)
class File:
    """An answer that is a file download, not JSON: its media types."""

    media_types: tuple[str, ...]
    description: str = "A file"


@dataclass(frozen=True)
class Required:
    """In doc(params=...): a parameter the route refuses to go without (422 naming it)."""

    type: Any


@dataclass(frozen=True)
class RouteDoc:
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    params: dict[str, Any]
    response: type[BaseModel] | File | None
    status: int
    also: tuple[int, ...]
    errors: tuple[int, ...]
    tag: str | None
    auth: bool
    paginated: bool
    content_type: str


def doc(*, body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
        params: dict[str, Any] | None = None, response: type[BaseModel] | File | None = None,
        status: int = 200, also: tuple[int, ...] = (), errors: tuple[int, ...] = (), tag: str | None = None,
        auth: bool = True, paginated: bool = False, content_type: str = "application/json"):
    """Describe a route for the OpenAPI document; the route list itself comes from the URL map.

    `body` and `query` are the models the route parses (parse_body, parse_query). `params`
    documents the type of query fields the model takes as text for the service to check, by
    name as sent (`{"from": date}`). `response` is the model of the answer — of each item
    when `paginated` ({"items", "page", "per_page", "total"}) — or a `File`; a 204 has none.
    `status` is the success status, `also` other success statuses with the same answer,
    `errors` the error statuses beyond those every such route may answer (401 unless
    `auth=False`, 400 and 422 with a body, 422 with a query, 404 with an id in the path).
    """
    if query is not None and params:
        names = {f.alias or n for n, f in query.model_fields.items()}
        if unknown := set(params) - names:
            raise TypeError(f"{query.__name__} reads no query parameter {sorted(unknown)}")

    def deco(fn):
        DOCS[f"{bp.name}.{fn.__name__}"] = RouteDoc(
            body=body, query=query, params=dict(params or {}), response=response, status=status,
            also=tuple(also), errors=tuple(errors), tag=tag, auth=auth, paginated=paginated,
            content_type=content_type)
        return fn
    return deco


def require(allowed: bool) -> None:
    """Forbidden unless `allowed`: routes ask permissions.py before reading the body, so the
    wrong role hears 403 whatever it sent (the service asks again)."""
    if not allowed:
        raise Forbidden()


def login_required(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise Unauthenticated()
        return fn(*args, **kwargs)
    return wrapper


_MESSAGES = {
    "missing": _l("This field is required."),
    "string_type": _l("Must be text."),
    "int_type": _l("Must be a whole number."),
    "int_parsing": _l("Must be a whole number."),
    "bool_type": _l("Must be true or false."),
    "bool_parsing": _l("Must be true or false."),
    "list_type": _l("Must be a list."),
    "dict_type": _l("Must be an object."),
    "model_type": _l("Must be an object."),
    "float_type": _l("Must be a number."),
    "float_parsing": _l("Must be a number."),
    "decimal_parsing": _l("Must be a number."),
    "literal_error": _l("Not one of the allowed values."),
    "enum": _l("Not one of the allowed values."),
    "datetime_parsing": _l("Must be a date and time (ISO 8601)."),
    "datetime_type": _l("Must be a date and time (ISO 8601)."),
    "greater_than_equal": _l("Too small."),
    "less_than_equal": _l("Too large."),
}


def _fields_from(err: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for e in err.errors():
        name = ".".join(str(p) for p in e["loc"]) or "body"
        fields.setdefault(name, _MESSAGES.get(e["type"], _l("Invalid value.")))
    return fields


def _unstorable_fields(data, path: str = "") -> dict[str, str]:
    """Strings anywhere in `data` that no column can hold, by field path (units.0.label)."""
    found: dict[str, str] = {}
    if isinstance(data, str):
        if unstorable(data):
            found[path or "body"] = _l("Contains characters that cannot be stored.")
    elif isinstance(data, dict):
        for key, value in data.items():
            found.update(_unstorable_fields(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.update(_unstorable_fields(value, f"{path}.{i}" if path else str(i)))
    return found


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The JSON body as `model`: BadRequest if it is not a JSON object, Invalid on wrong fields."""
    if not request.is_json:
        raise BadRequest(_l("Send a JSON body with Content-Type: application/json."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest(_l("The body is not a JSON object."))
    if bad := _unstorable_fields(data):
        raise Invalid(fields=bad)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise Invalid(fields=_fields_from(err))


def parse_query(model: type[BaseModel]) -> BaseModel:
    args = request.args.to_dict()
    if bad := _unstorable_fields(args):
        raise Invalid(fields=bad)
    try:
        return model.model_validate(args)
    except ValidationError as err:
        raise Invalid(fields=_fields_from(err))


class PageQuery(Body):
    page: int = 1
    per_page: int = 20


def page_args(*, max_per_page: int = 100) -> tuple[int, int]:
    """?page=&per_page=, checked: Invalid names the one that is out of range."""
    q = parse_query(PageQuery)
    fields = {}
    if not 1 <= q.page <= MAX_PAGE:
        fields["page"] = _l("Must be between 1 and %(n)s.", n=MAX_PAGE)
    if not 1 <= q.per_page <= max_per_page:
        fields["per_page"] = _l("Must be between 1 and %(n)s.", n=max_per_page)
    if fields:
        raise Invalid(fields=fields)
    return q.page, q.per_page


def page_json(pagination: Pagination, to_json) -> dict:
    """CONTRACT §4's envelope of a db.paginate page: {"items", "page", "per_page", "total"}."""
    return {"items": [to_json(r) for r in pagination.items], "page": pagination.page,
            "per_page": pagination.per_page, "total": pagination.total}


def paginate(select: sa.Select, to_json, *, max_per_page: int = 100) -> dict:
    """The page of `select` that ?page=&per_page= name, as the contract's envelope (422 out of range)."""
    page, per_page = page_args(max_per_page=max_per_page)
    return page_json(paginate_select(select, page=page, per_page=per_page), to_json)
