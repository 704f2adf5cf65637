"""What every JSON answer shares: the base of response models, the error body, list envelopes.

Response models describe the JSON the payload builders (courtyard/*/payloads.py) return; the
OpenAPI document (courtyard/api/openapi.py) is generated from them and tests/api/test_openapi.py
checks real answers against it. They are documentation: nothing validates an answer at run
time. A key that is always there is a field without a default (`X | None` when it may be
null); a key that only some answers carry is `sometimes(...)`, saying when.
"""
from __future__ import annotations

from functools import cache
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

T = TypeVar("T", bound=BaseModel)


class Out(BaseModel):
    """Base of response models."""


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def sometimes(when: str) -> Any:
    """A key present only in some answers (`when` says which); never null when present."""
    return Field(default=None, description=when, json_schema_extra=_drop_default)


class ErrorDetail(Out):
    code: Literal["bad_request", "unauthenticated", "forbidden", "not_found", "conflict", "too_large",
                  "invalid", "rate_limited"]
    message: str = Field(description="Human readable, in the caller's language")
    fields: dict[str, str] = sometimes("With `invalid` (and some `bad_request`): field → message")


class Error(Out):
    """CONTRACT §2: every JSON error."""

    error: ErrorDetail


class Ok(Out):
    ok: bool


class Page(Out, Generic[T]):
    """CONTRACT §4: a paginated list (`?page=&per_page=`)."""

    items: list[T]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    total: int = Field(ge=0)


class Items(Out, Generic[T]):
    """A whole list, not paginated."""

    items: list[T]


@cache
def page_of(item: type[BaseModel]) -> type[BaseModel]:
    """The paginated envelope of `item`, named after it (TopicPage)."""
    return create_model(f"{_stem(item)}Page", __base__=Page[item], __module__=item.__module__)


@cache
def items_of(item: type[BaseModel]) -> type[BaseModel]:
    """The {"items": [...]} envelope of `item`, named after it (MembershipList)."""
    return create_model(f"{_stem(item)}List", __base__=Items[item], __module__=item.__module__)


def _stem(model: type[BaseModel]) -> str:
    return model.__name__.removesuffix("Out")


class OpenAPIDocument(Out):
    """An OpenAPI 3.1 document (this one)."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]
