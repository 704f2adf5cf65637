"""Helpers for the /api/v1 tests: the world of tests/places/world.py and the contract's error body."""
from __future__ import annotations

import pytest

from ..places.world import build_world

ERROR_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               409: "conflict", 413: "too_large", 422: "invalid", 429: "rate_limited"}


def assert_error(response, status: int, *fields: str) -> dict:
    """The response is CONTRACT §2's error body with `status`; `fields` are named in it."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["code"] == ERROR_CODES[status], body
    assert isinstance(error["message"], str) and error["message"].strip(), body
    assert set(error) <= {"code", "message", "fields"}, body
    if "fields" in error:
        assert isinstance(error["fields"], dict) and error["fields"], body
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in error["fields"].items()), body
    for field in fields:
        assert field in error.get("fields", {}), body
    return error


@pytest.fixture
def world(make):
    return build_world(make)


@pytest.fixture
def as_role(api, world):
    """as_role("secretary") → an API client with that person's bearer token (none for "anonymous")."""
    def client(role: str):
        return api.as_(None if role == "anonymous" else world.user(role))
    return client
