"""GET /api/v1/openapi.json: generated from the URL map, valid OpenAPI 3.1, every route in it."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from courtyard.api.core import DOCS

CONVERTER = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")
# Operations of CONTRACT §3/§4 (issue 2) that take a JSON body.
WITH_BODY = [
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/admin/communities"),
    ("post", "/api/v1/admin/communities/{community_id}/buildings"),
    ("post", "/api/v1/admin/organizations"),
    ("post", "/api/v1/admin/users"),
    ("post", "/api/v1/admin/courtyards/{courtyard_id}/members"),
    ("post", "/api/v1/admin/organizations/{org_id}/members"),
    ("post", "/api/v1/admin/communities/{community_id}/staff"),
    ("post", "/api/v1/join"),
    ("post", "/api/v1/memberships/{membership_id}/decision"),
]


@pytest.fixture
def document(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")]


def test_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    errors = [str(e.message) for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []


def test_lists_every_api_rule_with_each_method(app, document):
    expected = {(m.lower(), CONVERTER.sub(r"{\1}", rule.rule))
                for rule in api_rules(app) for m in rule.methods - {"HEAD", "OPTIONS"}}
    listed = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert listed == expected


def test_every_api_route_is_described_with_doc(app):
    undocumented = sorted(rule.endpoint for rule in api_rules(app) if rule.endpoint not in DOCS)
    assert undocumented == []


def test_operation_ids_are_unique_and_path_parameters_typed(document):
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    op = document["paths"]["/api/v1/courtyards/{courtyard_id}"]["get"]
    assert op["parameters"] == [{"name": "courtyard_id", "in": "path", "required": True,
                                 "schema": {"type": "integer", "minimum": 0}}]


def resolve(document, schema):
    ref = schema.get("$ref")
    if ref is None:
        return schema
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_request_bodies_have_schemas(document, method, path):
    op = document["paths"][path][method]
    schema = resolve(document, op["requestBody"]["content"]["application/json"]["schema"])
    assert schema["type"] == "object" and schema["properties"]
    assert op["responses"]["default"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_documented_body_resolves(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            for media_type, content in op.get("requestBody", {}).get("content", {}).items():
                schema = resolve(document, content["schema"])
                assert schema.get("type") == "object" and schema.get("properties"), (method, path, media_type)


def test_building_body_schema_names_its_fields(document):
    op = document["paths"]["/api/v1/admin/communities/{community_id}/buildings"]["post"]
    schema = resolve(document, op["requestBody"]["content"]["application/json"]["schema"])
    assert set(schema["properties"]) == {"name", "units", "property_org_id"} and schema["required"] == ["name"]
    assert "201" in op["responses"]


def test_lists_and_the_token_route_say_so(document):
    listing = document["paths"]["/api/v1/courtyards"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "per_page"}
    assert document["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
    users = document["paths"]["/api/v1/admin/users"]["get"]
    assert {p["name"] for p in users["parameters"]} == {"q", "page", "per_page"}
