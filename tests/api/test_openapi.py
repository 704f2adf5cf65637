"""GET /api/v1/openapi.json: valid OpenAPI 3.1, every route in it with its answer, and real
answers that conform to it.

The conformance tests call the routes of every domain through the test client with a small
world and validate each answer — successes and errors alike — against the schema the
document gives for that operation and status (JSON Schema 2020-12, $refs into
components/schemas, formats checked). Objects are validated closed: a key the document does
not name fails, so a payload and its response model cannot drift apart.
"""
from __future__ import annotations

import copy
import io
import re
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from courtyard import clock
from courtyard.api.core import DOCS
from courtyard.deliberation import services as deliberation
from courtyard.extensions import db
from courtyard.tasks import services as tasks
from courtyard.uploads.services import store_upload
from courtyard.voting import services as voting

from ..factories import PASSWORD
from ..tasks.conftest import FakeClock, png_bytes

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
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def document(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")]


def operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield method, path, op


def resolve(document, schema):
    ref = schema.get("$ref")
    if ref is None:
        return schema
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


# --- the document ----------------------------------------------------------------------------

def test_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    errors = [str(e.message) for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []


def test_every_reference_resolves_to_a_component(document):
    schemas = document["components"]["schemas"]
    targets = set(refs(document))
    assert targets and all(t.startswith("#/components/schemas/") for t in targets)
    assert sorted(t for t in targets if t.rsplit("/", 1)[1] not in schemas) == []


def test_lists_every_api_rule_with_each_method(app, document):
    expected = {(m.lower(), CONVERTER.sub(r"{\1}", rule.rule))
                for rule in api_rules(app) for m in rule.methods - {"HEAD", "OPTIONS"}}
    listed = {(method, path) for method, path, _op in operations(document)}
    assert listed == expected


def test_every_api_route_is_described_with_doc(app):
    undocumented = sorted(rule.endpoint for rule in api_rules(app) if rule.endpoint not in DOCS)
    assert undocumented == []


def test_every_operation_documents_its_answer_and_its_errors(document):
    """A success with a schema (JSON from components, or a file's media types), or a 204
    without a body; the error body for `default` and every error status listed."""
    error = {"$ref": "#/components/schemas/Error"}
    for method, path, op in operations(document):
        where = (method, path)
        responses = op["responses"]
        successes = {s: r for s, r in responses.items() if s.startswith("2")}
        assert successes, where
        for status, response in successes.items():
            if status == "204":
                assert "content" not in response, where
                continue
            content = response["content"]
            if "application/json" in content:
                schema = content["application/json"]["schema"]
                assert schema["$ref"].startswith("#/components/schemas/"), where
                assert resolve(document, schema).get("type") in ("object", "array"), where
            else:
                assert all(media["schema"]["type"] == "string" for media in content.values()), where
        for status, response in responses.items():
            if status == "default" or status.startswith("4"):
                assert response["content"]["application/json"]["schema"] == error, (where, status)
        assert "default" in responses, where
        if op.get("security") != []:
            assert "401" in responses, where
        if "{" in path:
            assert "404" in responses, where
        if "requestBody" in op:
            assert "400" in responses, where


def test_lists_are_the_paginated_envelope_of_their_items(document):
    op = document["paths"]["/api/v1/courtyards/{courtyard_id}/topics"]["get"]
    page = resolve(document, op["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(page["properties"]) == {"items", "page", "per_page", "total"} and set(page["required"]) == set(
        page["properties"])
    assert page["properties"]["items"] == {"type": "array", "items": {"$ref": "#/components/schemas/MyTopicOut"},
                                           "title": "Items"}
    topic = document["components"]["schemas"]["MyTopicOut"]
    assert {"id", "title", "status", "category", "author", "supported"} <= set(topic["required"])
    assert resolve(document, topic["properties"]["status"])["enum"] == ["open", "deliberating", "decided", "closed",
                                                                        "withdrawn", "merged"]


def test_no_content_and_files_say_so(document):
    delete = document["paths"]["/api/v1/admin/blocked-words/{word_id}"]["delete"]["responses"]
    assert delete["204"] == {"description": "No Content"}
    exports = document["paths"]["/api/v1/exports"]["get"]["responses"]["200"]["content"]
    assert set(exports) == {"text/csv", XLSX}


def test_operation_ids_are_unique_and_path_parameters_typed(document):
    ids = [op["operationId"] for _m, _p, op in operations(document)]
    assert len(ids) == len(set(ids))
    op = document["paths"]["/api/v1/courtyards/{courtyard_id}"]["get"]
    assert op["parameters"] == [{"name": "courtyard_id", "in": "path", "required": True,
                                 "schema": {"type": "integer", "minimum": 0}}]
    invite = document["paths"]["/api/v1/invites/{code}"]["get"]
    assert invite["parameters"][0]["schema"] == {"type": "string"}


def params(document, method, path) -> dict[str, dict]:
    return {p["name"]: p for p in document["paths"]["/api/v1" + path][method]["parameters"] if p["in"] == "query"}


def test_query_parameters_are_typed_by_the_names_clients_send(document):
    stats = params(document, "get", "/stats")
    assert set(stats) == {"scope", "from", "to"}
    assert stats["from"]["schema"]["format"] == "date" and stats["to"]["schema"]["format"] == "date"
    assert stats["scope"]["required"] is True and not stats["from"]["required"]
    tasks_ = params(document, "get", "/tasks")
    assert tasks_["org_id"]["schema"]["type"] == "integer"
    assert tasks_["status"]["schema"]["enum"] == ["assigned", "accepted", "in_progress", "done", "verified",
                                                  "reopened"]
    assert tasks_["per_page"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "title": "Per Page",
                                            "default": 20}
    messages = params(document, "get", "/topics/{topic_id}/messages")
    assert messages["limit"]["schema"]["type"] == "integer" and messages["limit"]["schema"]["maximum"] == 500
    foresight = params(document, "get", "/foresight")
    assert foresight["threshold"]["schema"]["type"] == "number" and foresight["k"]["schema"]["minimum"] == 2
    assert params(document, "get", "/exports")["format"]["schema"]["enum"] == ["csv", "xlsx"]
    assert params(document, "get", "/escalations")["pending"]["schema"]["enum"] == ["true", "false"]
    audit = params(document, "get", "/audit")
    assert audit["since"]["schema"]["format"] == "date" and audit["actor_id"]["schema"]["type"] == "integer"
    for _method, _path, op in operations(document):
        for p in op.get("parameters", ()):
            assert "null" not in str(p["schema"]), (_path, p)


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_request_bodies_have_schemas(document, method, path):
    op = document["paths"][path][method]
    schema = resolve(document, op["requestBody"]["content"]["application/json"]["schema"])
    assert schema["type"] == "object" and schema["properties"]
    assert op["responses"]["default"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_documented_body_resolves(document):
    for method, path, op in operations(document):
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


# --- real answers conform --------------------------------------------------------------------

def closed(node):
    """The schemas with every object closed (additionalProperties: false) unless it says otherwise."""
    if isinstance(node, dict):
        out = {k: closed(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [closed(v) for v in node]
    return node


class Conformance:
    """Validates answers against the operation and status the document gives them."""

    URI = "urn:courtyard:openapi"

    def __init__(self, document: dict):
        self.document = copy.deepcopy(document)
        self.document["components"]["schemas"] = closed(self.document["components"]["schemas"])
        self.registry = Registry().with_resource(
            self.URI, Resource.from_contents(self.document, default_specification=DRAFT202012))
        self.templates = []
        for path, ops in self.document["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\{(\w+)\\}", r"[^/]+", re.escape(path)) + "$")
            for method in ops:
                self.templates.append((method, pattern, path))
        self.seen: set[tuple[str, str]] = set()

    def operation(self, method: str, url: str) -> tuple[str, dict]:
        path = url.split("?", 1)[0]
        path = path if path.startswith("/api/") else "/api/v1" + path
        found = [(p, self.document["paths"][p][m]) for m, pattern, p in self.templates
                 if m == method and pattern.match(path)]
        assert found, f"{method.upper()} {path} is not in the document"
        # /notifications/read-all over /notifications/{id}/read: the template with fewer parameters
        return min(found, key=lambda f: f[0].count("{"))

    def check(self, method: str, url: str, response) -> None:
        method = method.lower()
        path, op = self.operation(method, url)
        status = str(response.status_code)
        where = f"{method.upper()} {url} → {status}"
        assert status in op["responses"], f"{where}: status not documented ({sorted(op['responses'])})"
        documented = op["responses"][status]
        self.seen.add((method, path.removeprefix("/api/v1")))
        if status == "204":
            assert response.get_data() == b"", where
            return
        assert response.mimetype in documented["content"], (where, response.mimetype)
        if response.mimetype != "application/json":
            return
        schema = {"$ref": self.URI + documented["content"]["application/json"]["schema"]["$ref"]}
        validator = Draft202012Validator(schema, registry=self.registry, format_checker=FormatChecker())
        errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: list(e.absolute_path))
        assert not errors, where + "\n" + "\n".join(
            f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}" for e in errors[:10])


class Checked:
    """An ApiClient whose every answer is checked against the document."""

    def __init__(self, client, conformance: Conformance):
        self.client, self.conformance = client, conformance

    def request(self, method: str, path: str, json=None, **kw):
        r = self.client.request(method, path, json=json, **kw)
        self.conformance.check(method, path, r)
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


class Street:
    """A courtyard with its property company, a department, and one person per role."""

    def __init__(self, make):
        self.org = make.organization("方庄物业", kind="property")
        self.department = make.organization("丰台区城管委", kind="department")
        self.courtyard = make.courtyard(property_org=self.org, units=6, name="1号楼")
        self.community = self.courtyard.building.community
        self.secretary = make.secretary(self.courtyard, user=make.user("secretary", phone="13600003333"))
        self.lead = make.building_lead(self.courtyard)
        self.author = make.resident(self.courtyard, user=make.user("author", phone="13812341234"))
        self.neighbour = make.resident(self.courtyard)
        self.staff = make.community_staff(self.community)
        self.property = make.org_staff(self.org)
        self.dept_staff = make.org_staff(self.department)
        self.admin = make.street_admin("admin")
        self.stranger = make.user("stranger")

    def topic(self, title="2单元顶层漏雨，601、602 天花板渗水", category="repairs", author=None):
        return deliberation.create_topic(author or self.author, self.courtyard, title=title,
                                         body="这几场雨以后，天花板都有水渍。", category=category)

    def photo(self, user) -> int:
        from werkzeug.datastructures import FileStorage
        return store_upload(user, FileStorage(io.BytesIO(png_bytes()), filename="photo.png")).id


@pytest.fixture
def conform(document) -> Conformance:
    return Conformance(document)


@pytest.fixture
def street(make) -> Street:
    return Street(make)


@pytest.fixture
def as_(api, conform):
    """as_(user) → a checked API client with that user's bearer token (None: anonymous)."""
    return lambda user: Checked(api.as_(user), conform)


def covered(conform: Conformance, routes: list[str]) -> None:
    missing = [r for r in routes if tuple(r.split(" ", 1)) not in conform.seen]
    assert missing == []


class Answer:
    """A stand-in for a test response: a status and a JSON body."""

    mimetype = "application/json"

    def __init__(self, status_code: int, body):
        self.status_code, self.body = status_code, body

    def get_json(self):
        return self.body


def test_the_check_fails_an_answer_that_drifts_from_its_model(conform):
    good = {"id": 1, "name": "芳城园", "created_at": "2026-05-01T08:00:00+00:00"}
    conform.check("post", "/admin/communities", Answer(201, good))
    drifted = [{**good, "extra": 1}, {k: v for k, v in good.items() if k != "name"}, {**good, "id": "1"},
               {**good, "created_at": "2026-05-01T08:00:00"}, {**good, "name": None}]
    for body in drifted:
        with pytest.raises(AssertionError):
            conform.check("post", "/admin/communities", Answer(201, body))
    with pytest.raises(AssertionError, match="status not documented"):
        conform.check("post", "/admin/communities", Answer(409, {"error": {"code": "conflict", "message": "x"}}))
    with pytest.raises(AssertionError):
        conform.check("post", "/admin/communities", Answer(403, {"error": {"code": "nope", "message": "x"}}))
    conform.check("post", "/admin/communities", Answer(403, {"error": {"code": "forbidden", "message": "不行"}}))


PLACES = ["post /auth/token", "delete /auth/token", "get /me", "get /courtyards", "get /courtyards/{courtyard_id}",
          "get /courtyards/{courtyard_id}/pending", "get /invites/{code}", "post /join",
          "post /memberships/{membership_id}/decision", "get /buildings/{building_id}", "post /admin/communities",
          "get /admin/communities", "post /admin/communities/{community_id}/buildings",
          "get /admin/communities/{community_id}/buildings", "post /admin/organizations", "get /admin/organizations",
          "post /admin/users", "get /admin/users", "post /admin/courtyards/{courtyard_id}/members",
          "post /admin/organizations/{org_id}/members", "post /admin/communities/{community_id}/staff",
          "get /openapi.json"]


def test_places_and_accounts_answer_as_documented(as_, street, conform):
    anonymous, admin = as_(None), as_(street.admin)
    assert anonymous.get("/me").status_code == 401
    assert anonymous.get("/openapi.json").status_code == 200
    r = anonymous.post("/auth/token", {"login": "author", "password": PASSWORD})
    assert r.status_code == 201
    assert anonymous.post("/auth/token", {"login": "author", "password": "wrong"}).status_code == 401
    assert anonymous.post("/auth/token", "not an object").status_code == 400
    me = as_(street.author)
    assert me.get("/me").status_code == 200
    assert as_(street.property).get("/me").get_json()["organizations"]
    assert me.get("/courtyards").status_code == 200
    assert as_(street.secretary).get(f"/courtyards/{street.courtyard.id}").get_json()["invite_code"]
    assert me.get(f"/courtyards/{street.courtyard.id}").status_code == 200
    assert me.get("/courtyards/987654").status_code == 404

    community = admin.post("/admin/communities", {"name": "芳群园社区"}).get_json()
    assert admin.get("/admin/communities?per_page=0").status_code == 422
    assert admin.get("/admin/communities").get_json()["total"] == 2
    building = admin.post(f"/admin/communities/{community['id']}/buildings",
                          {"name": "11号楼", "units": [{"label": "101", "area_m2": "75.5"}],
                           "property_org_id": street.org.id}).get_json()
    assert admin.get(f"/admin/communities/{community['id']}/buildings").status_code == 200
    assert admin.get(f"/buildings/{building['id']}").status_code == 200
    assert admin.post("/admin/organizations", {"name": "北京芳华物业", "kind": "property"}).status_code == 201
    assert admin.post("/admin/organizations", {"name": "x", "kind": "bank"}).status_code == 422
    assert admin.get("/admin/organizations?kind=department").get_json()["total"] == 1
    user = admin.post("/admin/users", {"login": "newcomer", "password": "secret-pass-1", "display_name": "新来的",
                                       "phone": "13900001111"}).get_json()
    assert admin.get("/admin/users?q=new").get_json()["total"] == 1
    assert as_(street.author).get("/admin/users").status_code == 403
    assert admin.post(f"/admin/courtyards/{building['courtyard_id']}/members",
                      {"user_id": user["id"], "role": "secretary"}).status_code == 201
    assert admin.post(f"/admin/organizations/{street.department.id}/members", {"user_id": user["id"]}).status_code == 201
    assert admin.post(f"/admin/communities/{community['id']}/staff", {"user_id": user["id"]}).status_code == 201

    stranger = as_(street.stranger)
    code = street.courtyard.building.invite_code
    invite = stranger.get(f"/invites/{code}").get_json()
    assert stranger.get("/invites/NOPE").status_code == 404
    membership = stranger.post("/join", {"invite_code": code, "unit_id": invite["units"][-1]["id"]}).get_json()
    assert stranger.post("/join", {"invite_code": code, "unit_id": invite["units"][-1]["id"]}).status_code == 409
    secretary = as_(street.secretary)
    assert secretary.get(f"/courtyards/{street.courtyard.id}/pending").get_json()["items"]
    assert secretary.post(f"/memberships/{membership['id']}/decision", {"approve": True}).status_code == 200
    assert secretary.post(f"/memberships/{membership['id']}/decision", {"approve": True}).status_code == 409
    token = anonymous.post("/auth/token", {"login": "stranger", "password": PASSWORD}).get_json()["token"]
    assert anonymous.delete("/auth/token", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    covered(conform, PLACES)


DELIBERATION = ["get /categories", "get /category-classes", "get /courtyards/{courtyard_id}/topics", "post /courtyards/{courtyard_id}/topics",
                "get /topics/{topic_id}", "patch /topics/{topic_id}", "post /topics/{topic_id}/support",
                "get /topics/{topic_id}/messages", "post /topics/{topic_id}/messages", "post /uploads"]


def test_topics_messages_and_uploads_answer_as_documented(as_, street, conform):
    author, neighbour, secretary = as_(street.author), as_(street.neighbour), as_(street.secretary)
    assert as_(None).get("/categories").status_code == 200
    assert as_(None).get("/category-classes").status_code == 200
    r = author.post("/uploads", data={"file": (io.BytesIO(png_bytes()), "leak.png")},
                    content_type="multipart/form-data")
    assert r.status_code == 201
    assert author.post("/uploads", {"file": "x"}).status_code == 400
    assert author.post("/uploads", data={"other": "x"}, content_type="multipart/form-data").status_code == 422
    cy = street.courtyard.id
    topic = author.post(f"/courtyards/{cy}/topics", {"title": "楼道灯坏了", "body": "三楼的灯不亮。",
                                                     "category": "repairs", "photo_ids": [r.get_json()["id"]]})
    assert topic.status_code == 201 and topic.get_json()["photos"]
    tid = topic.get_json()["id"]
    assert author.post(f"/courtyards/{cy}/topics", {"title": "", "body": "", "category": "x"}).status_code == 422
    assert neighbour.get(f"/courtyards/{cy}/topics?status=open&category=repairs").get_json()["total"] == 1
    assert neighbour.get(f"/courtyards/{cy}/topics?status=nonsense").status_code == 422
    assert neighbour.get(f"/topics/{tid}").status_code == 200
    assert neighbour.post(f"/topics/{tid}/support").get_json()["supported"] is True
    assert neighbour.patch(f"/topics/{tid}", {"status": "closed"}).status_code == 403
    assert secretary.patch(f"/topics/{tid}", {"status": "deliberating"}).status_code == 200
    message = {"body": "我家门口的也坏了", "client_id": "c-1"}
    assert neighbour.post(f"/topics/{tid}/messages", message).status_code == 201
    assert neighbour.post(f"/topics/{tid}/messages", message).status_code == 200
    assert as_(street.property).post(f"/topics/{tid}/messages", message).status_code == 404
    assert author.get(f"/topics/{tid}/messages?after=0&limit=10").get_json()["items"]
    assert author.get(f"/topics/{tid}/messages?limit=9999").status_code == 422
    covered(conform, DELIBERATION)


MODERATION = ["post /messages/{message_id}/hide", "post /messages/{message_id}/unhide",
              "post /messages/{message_id}/reports", "get /courtyards/{courtyard_id}/reports",
              "post /reports/{report_id}/resolve", "post /topics/{topic_id}/lock", "post /topics/{topic_id}/unlock",
              "post /topics/{topic_id}/pin", "post /topics/{topic_id}/unpin", "post /topics/{topic_id}/merge",
              "get /topics/{topic_id}/invitations", "post /topics/{topic_id}/invitations",
              "delete /topics/{topic_id}/invitations/{invitation_id}", "get /invited-topics",
              "get /admin/blocked-words", "post /admin/blocked-words", "delete /admin/blocked-words/{word_id}"]


def test_moderation_and_stakeholders_answer_as_documented(as_, street, conform):
    topic, duplicate = street.topic(), street.topic(title="顶楼漏雨")
    message, _ = deliberation.post_message(street.neighbour, topic, body="楼上也漏", client_id="m-1")
    author, secretary, property_ = as_(street.author), as_(street.secretary), as_(street.property)
    assert author.post(f"/messages/{message.id}/reports", {"reason": "广告"}).status_code == 201
    assert author.post(f"/messages/{message.id}/reports", {}).status_code == 409
    reports = secretary.get(f"/courtyards/{street.courtyard.id}/reports").get_json()
    assert author.get(f"/courtyards/{street.courtyard.id}/reports").status_code == 403
    assert secretary.post(f"/reports/{reports['items'][0]['id']}/resolve", {"hide": False}).status_code == 200
    assert secretary.post(f"/messages/{message.id}/hide").get_json()["hidden"] is True
    assert secretary.post(f"/messages/{message.id}/unhide").status_code == 200
    for act in ("lock", "unlock", "pin", "unpin"):
        assert secretary.post(f"/topics/{topic.id}/{act}").status_code == 200
    assert author.post(f"/topics/{topic.id}/pin").status_code == 403
    assert secretary.post(f"/topics/{duplicate.id}/merge", {"into_topic_id": duplicate.id}).status_code == 422
    assert secretary.post(f"/topics/{duplicate.id}/merge", {"into_topic_id": topic.id}).status_code == 200
    invitation = secretary.post(f"/topics/{topic.id}/invitations", {"organization_id": street.department.id})
    assert invitation.status_code == 201
    assert secretary.post(f"/topics/{topic.id}/invitations", {"community": True}).status_code == 201
    assert author.get(f"/topics/{topic.id}/invitations").get_json()["items"]
    assert as_(street.dept_staff).get("/invited-topics").get_json()["total"] == 1
    assert property_.get("/invited-topics").get_json()["total"] == 0
    assert secretary.delete(f"/topics/{topic.id}/invitations/{invitation.get_json()['id']}").status_code == 204
    admin = as_(street.admin)
    word = admin.post("/admin/blocked-words", {"word": "广告位"}).get_json()
    assert admin.get("/admin/blocked-words").get_json()["items"]
    assert author.get("/admin/blocked-words").status_code == 403
    assert admin.delete(f"/admin/blocked-words/{word['id']}").status_code == 204
    covered(conform, MODERATION)


NOTIFICATIONS = ["get /notifications", "get /notifications/unread-count", "post /notifications/{notification_id}/read",
                 "post /notifications/read-all", "post /topics/{topic_id}/mute", "delete /topics/{topic_id}/mute",
                 "get /notifications/channels", "put /notifications/channels"]


def test_notifications_answer_as_documented(as_, street, conform):
    topic = street.topic()
    deliberation.post_message(street.neighbour, topic, body="我家也是", client_id="n-1")
    deliberation.change_status(street.secretary, topic, "deliberating")
    author = as_(street.author)
    listed = author.get("/notifications?unread=true").get_json()
    assert listed["total"] == 2
    assert author.get("/notifications?unread=maybe").status_code == 422
    assert author.get("/notifications/unread-count").get_json() == {"unread": 2}
    assert author.post(f"/notifications/{listed['items'][0]['id']}/read").get_json()["read"] is True
    assert as_(street.neighbour).post(f"/notifications/{listed['items'][1]['id']}/read").status_code == 404
    assert author.post("/notifications/read-all").get_json()["unread"] == 0
    assert author.post(f"/topics/{topic.id}/mute").get_json() == {"topic_id": topic.id, "muted": True}
    assert author.delete(f"/topics/{topic.id}/mute").get_json()["muted"] is False
    assert author.get("/notifications/channels").get_json() == {"channels": [], "email_address": None}
    assert author.put("/notifications/channels", {"email_address": "a@example.com"}).get_json()["email_address"]
    assert author.put("/notifications/channels", {"sms": True}).status_code == 422  # not configured here
    assert author.put("/notifications/channels", {"email_address": "nope"}).status_code == 422
    covered(conform, NOTIFICATIONS)


VOTING = ["get /topics/{topic_id}/proposals", "post /topics/{topic_id}/proposals", "get /proposals/{proposal_id}",
          "post /proposals/{proposal_id}/ballot", "post /proposals/{proposal_id}/votes",
          "get /proposals/{proposal_id}/tally", "post /proposals/{proposal_id}/close",
          "get /proposals/{proposal_id}/turnout", "get /proposals/{proposal_id}/roll",
          "post /proposals/{proposal_id}/reminders"]


@pytest.mark.parametrize("rule", ["majority", "civil_code"])
def test_proposals_and_ballots_answer_as_documented(as_, street, conform, rule):
    topic = street.topic()
    deliberation.change_status(street.secretary, topic, "deliberating")
    secretary, author, neighbour = as_(street.secretary), as_(street.author), as_(street.neighbour)
    proposal = author.post(f"/topics/{topic.id}/proposals", {"title": "重做屋面防水", "body": "维修基金出。"})
    assert proposal.status_code == 201 and proposal.get_json()["tally"] is None
    pid = proposal.get_json()["id"]
    assert secretary.get(f"/proposals/{pid}/tally").status_code == 409
    assert author.post(f"/proposals/{pid}/ballot", {"rule": "majority", "closes_at": "x"}).status_code == 403
    closes_at = (clock.now() + timedelta(days=3)).isoformat()
    assert secretary.post(f"/proposals/{pid}/ballot", {"rule": "nonsense", "closes_at": closes_at}).status_code == 422
    opened = secretary.post(f"/proposals/{pid}/ballot", {"rule": rule, "closes_at": closes_at, "secret": True,
                                                         "quorum": "0.5", "hide_totals": rule == "majority"})
    assert opened.status_code == 200, opened.get_json()
    assert opened.get_json()["tally"]["thresholds"]
    assert author.post(f"/proposals/{pid}/votes", {"choice": "yes"}).status_code == 201
    assert author.post(f"/proposals/{pid}/votes", {"choice": "no"}).status_code == 200
    assert neighbour.post(f"/proposals/{pid}/votes", {"choice": "maybe"}).status_code == 422
    assert neighbour.post(f"/proposals/{pid}/votes", {"choice": "yes"}).status_code == 201
    assert author.get(f"/proposals/{pid}").get_json()["my_vote"]["choice"] == "no"
    assert neighbour.get(f"/topics/{topic.id}/proposals").get_json()["total"] == 1
    assert neighbour.get(f"/proposals/{pid}/tally").status_code == 200
    assert secretary.get(f"/proposals/{pid}/turnout").get_json()["items"]
    assert neighbour.get(f"/proposals/{pid}/turnout").status_code == 403
    waiting = secretary.get(f"/proposals/{pid}/roll?voted=false").get_json()["items"]
    assert secretary.get(f"/proposals/{pid}/roll?voted=yes").status_code == 422
    assert neighbour.get(f"/proposals/{pid}/roll").status_code == 403
    assert neighbour.post(f"/proposals/{pid}/reminders", {"user_id": street.lead.id}).status_code == 403
    assert secretary.post(f"/proposals/{pid}/reminders", {"unit_id": "x"}).status_code == 422
    if rule == "majority":  # the building lead, without a flat, has not voted
        assert secretary.post(f"/proposals/{pid}/reminders", {"user_id": street.lead.id}).status_code == 201
        assert secretary.post(f"/proposals/{pid}/reminders", {"user_id": street.lead.id}).status_code == 429
    else:  # the Civil Code: the flats left have no owner on the platform, nobody to remind
        assert secretary.post(f"/proposals/{pid}/reminders", {"unit_id": waiting[0]["unit"]["id"]}).status_code == 409
    assert secretary.post(f"/proposals/{pid}/close").status_code == 200
    assert secretary.post(f"/proposals/{pid}/close").status_code == 409
    assert neighbour.get(f"/proposals/{pid}").get_json()["tally"]["status"] in ("adopted", "rejected")
    assert neighbour.get(f"/proposals/{pid}/tally").status_code == 200
    covered(conform, VOTING)


TASKS = ["post /topics/{topic_id}/tasks", "post /proposals/{proposal_id}/tasks", "get /tasks", "get /tasks/{task_id}",
         "get /topics/{topic_id}/tasks", "post /tasks/{task_id}/updates", "post /tasks/{task_id}/verification",
         "post /tasks/{task_id}/ratings", "post /tasks/{task_id}/escalations", "get /escalations",
         "post /escalations/{escalation_id}/acknowledgement", "get /communities/{community_id}/task-policy",
         "put /communities/{community_id}/task-policy", "get /task-policy", "put /task-policy", "get /audit"]


def test_tasks_escalations_policy_and_audit_answer_as_documented(as_, street, conform):
    topic = street.topic()
    secretary, property_, author, neighbour = (as_(u) for u in (street.secretary, street.property, street.author,
                                                                  street.neighbour))
    staff, admin = as_(street.staff), as_(street.admin)
    task = secretary.post(f"/topics/{topic.id}/tasks", {"title": "修屋面防水"})
    assert task.status_code == 201
    tid = task.get_json()["id"]
    assert secretary.post(f"/topics/{topic.id}/tasks", {}).status_code == 409
    assert secretary.post(f"/topics/{topic.id}/tasks", {"due_at": "someday"}).status_code == 422
    assert property_.get("/tasks?status=assigned").get_json()["total"] == 1
    assert property_.get("/tasks?org_id=x").status_code == 422
    assert author.get(f"/topics/{topic.id}/tasks").get_json()["items"]
    assert author.post(f"/tasks/{tid}/updates", {"status": "accepted"}).status_code == 403
    for status in ("accepted", "in_progress"):
        assert property_.post(f"/tasks/{tid}/updates", {"status": status}).status_code == 201
    assert property_.post(f"/tasks/{tid}/updates", {"status": "verified"}).status_code == 409
    escalated = staff.post(f"/tasks/{tid}/escalations", {"reason": "拖了三天"})
    assert escalated.status_code == 201
    inbox = staff.get("/escalations?pending=true&scope=all").get_json()
    assert inbox["total"] == 1
    eid = inbox["items"][0]["id"]
    assert staff.post(f"/escalations/{eid}/acknowledgement", {"note": "已联系物业"}).status_code == 200
    assert staff.post(f"/escalations/{eid}/acknowledgement", {}).status_code == 409
    photo = street.photo(street.property)
    done = property_.post(f"/tasks/{tid}/updates", {"status": "done", "note": "已重做", "photo_ids": [photo]})
    assert done.status_code == 201 and done.get_json()["timeline"][-1]["photos"]
    assert property_.post(f"/tasks/{tid}/updates", {"note": "补一张照片"}).status_code == 201
    assert author.post(f"/tasks/{tid}/verification", {"accepted": True}).status_code == 200
    assert neighbour.post(f"/tasks/{tid}/ratings", {"score": "satisfied"}).status_code == 201
    assert neighbour.post(f"/tasks/{tid}/ratings", {"score": "unsatisfied"}).status_code == 200
    assert neighbour.get(f"/tasks/{tid}").get_json()["my_rating"] == "unsatisfied"

    # the first topic is 已办结 now (its task verified): the ballot is on another one
    proposal = voting.create_proposal(street.secretary, street.topic(), title="换防水材料", body="用更好的卷材。")
    voting.open_ballot(street.secretary, proposal, rule="majority", closes_at=clock.now() + timedelta(days=1))
    voting.cast_vote(street.author, proposal, "yes")
    voting.close_ballot(street.secretary, proposal)
    assert secretary.post(f"/proposals/{proposal.id}/tasks", {"assignee_org_id": street.org.id}).status_code == 201

    cid = street.community.id
    assert staff.get(f"/communities/{cid}/task-policy").get_json()["source"] == "initial"
    policy = {"reminder_hours": 24, "level1_after_hours": 48, "level2_after_hours": 96,
              "level2_org_id": street.department.id, "service_hours": {"repairs": 48, "parking": None}}
    assert staff.put(f"/communities/{cid}/task-policy", policy).get_json()["source"] == "community"
    assert staff.put(f"/communities/{cid}/task-policy", {**policy, "reminder_hours": 999}).status_code == 422
    assert author.get(f"/communities/{cid}/task-policy").status_code == 403
    assert admin.get("/task-policy").status_code == 200
    street_policy = admin.put("/task-policy", {**policy, "level2_org_id": None, "service_hours": {"repairs": 72}})
    assert street_policy.status_code == 200, street_policy.get_json()
    assert street_policy.get_json()["community_id"] is None
    assert admin.get(f"/audit?since=2020-01-01&courtyard_id={street.courtyard.id}").get_json()["items"]
    assert admin.get("/audit?since=yesterday").status_code == 422
    assert author.get("/audit").status_code == 403
    covered(conform, TASKS)


INSIGHT = ["get /stats", "get /communities/{community_id}/ranking", "get /communities/{community_id}/board",
           "get /communities/{community_id}/exposure", "get /foresight", "post /recurring-problems/actions",
           "get /exports", "get /communities/{community_id}/monthly-projects", "post /monthly-projects",
           "post /monthly-projects/{project_id}/outcome", "get /bulletin"]




def test_insight_answers_as_documented(as_, street, conform, fake_clock):
    # A task done, accepted and rated (the board, the rates); one overdue (the exposure);
    # three look-alike topics (a recurring problem).
    done_topic = street.topic(title="单元门禁坏了", category="facilities")
    task = tasks.create_task(street.secretary, done_topic)
    for status in ("accepted", "in_progress"):
        tasks.add_update(street.property, task, status=status)
    tasks.add_update(street.property, task, status="done", note="换了门禁", photo_ids=[street.photo(street.property)])
    tasks.verify(street.author, task, accepted=True, note="好了")
    tasks.rate(street.neighbour, task, score="satisfied")
    late = tasks.create_task(street.secretary, street.topic(title="路灯不亮", category="safety"))
    tasks.add_update(street.property, late, status="accepted", note="在排期")
    db.session.commit()
    for title in ("3单元楼道堆放杂物", "3单元楼道杂物堆放太多", "楼道又堆满杂物"):
        street.topic(title=title, category="sanitation")
    fake_clock.advance(days=20)

    staff, admin, resident = as_(street.staff), as_(street.admin), as_(street.neighbour)
    cid, cy = street.community.id, street.courtyard.id
    for scope in (f"courtyard:{cy}", f"community:{cid}", "street"):
        figures = admin.get(f"/stats?scope={scope}").get_json()
        assert figures["tasks"] == 2 and figures["by_month"] and figures["by_category"]
    assert admin.get(f"/stats?scope=courtyard:{cy}&from=2020-01-01&to=2020-02-01").status_code == 200
    assert staff.get("/stats").status_code == 422
    assert staff.get("/stats?scope=street&from=someday").status_code == 422
    assert resident.get(f"/stats?scope=community:{cid}").status_code == 403
    assert staff.get(f"/stats?scope=community:{cid}").get_json()["property_ranking"]
    ranking = resident.get(f"/communities/{cid}/ranking?sort=satisfaction_rate").get_json()
    assert ranking["property_companies"] and ranking["buildings"]
    assert resident.get(f"/communities/{cid}/ranking?sort=nonsense").status_code == 422
    board = resident.get(f"/communities/{cid}/board").get_json()
    assert board["resolved"] and board["resolved"][0]["after_photos"]
    exposure = resident.get(f"/communities/{cid}/exposure").get_json()
    assert exposure["total"] == 1 and exposure["organizations"][0]["tasks"][0]["reply"]["note"] == "在排期"
    assert as_(street.stranger).get(f"/communities/{cid}/board").status_code == 404
    foresight = staff.get(f"/foresight?scope=community:{cid}&k=3&days=30&threshold=0.2").get_json()
    problems = foresight["recurring"]["problems"]
    assert problems and foresight["hot_spots"]["cells"] and foresight["seasonal"]["categories"]
    assert staff.get(f"/foresight?scope=community:{cid}&k=1").status_code == 422
    assert as_(street.secretary).get(f"/foresight?scope=courtyard:{cy}").status_code == 403
    act = staff.post("/recurring-problems/actions", {"topic_ids": problems[0]["ids"], "make_task": True})
    assert act.status_code == 201 and act.get_json()["task"]["status"] == "assigned"
    assert staff.post("/recurring-problems/actions", {"topic_ids": []}).status_code == 422
    csv = staff.get(f"/exports?scope=community:{cid}&what=tasks")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert staff.get(f"/exports?scope=community:{cid}&format=xlsx").mimetype == XLSX
    assert staff.get(f"/exports?scope=community:{cid}&what=votes").status_code == 422
    project = staff.post("/monthly-projects", {"courtyard_id": cy, "category": "sanitation", "title": "楼道杂物整治",
                                               "body": "本月主动治理"})
    assert project.status_code == 201, project.get_json()
    assert staff.post("/monthly-projects", {"courtyard_id": cy, "category": "sanitation", "title": "再来",
                                            "body": "b"}).status_code == 409
    assert resident.post("/monthly-projects", {"courtyard_id": cy, "category": "sanitation", "title": "x",
                                               "body": "b"}).status_code == 404
    pid = project.get_json()["id"]
    assert staff.post(f"/monthly-projects/{pid}/outcome", {"outcome": "清走了 3 车杂物"}).get_json()["outcome"]
    assert resident.post(f"/monthly-projects/{pid}/outcome", {"outcome": "x"}).status_code == 403
    assert resident.get(f"/communities/{cid}/monthly-projects").get_json()["items"][0]["outcome"] == "清走了 3 车杂物"
    bulletin = admin.get("/bulletin?scope=street&period=month").get_json()
    assert bulletin["property_companies"] and bulletin["staff"] is not None
    assert admin.get("/bulletin?scope=street&period=year").status_code == 422
    covered(conform, INSIGHT)


SEARCH = ["get /search", "get /courtyards/{courtyard_id}/topics/similar"]


def test_search_answers_as_documented(as_, street, conform):
    neighbour = as_(street.neighbour)
    topic = street.topic("电动车棚漏水，一下雨就滴水")
    deliberation.post_message(street.author, topic, body="车棚顶上破了个洞", client_id="s-1")
    found = neighbour.get("/search?q=车棚").get_json()
    assert found["total"] == 2 and {i["kind"] for i in found["items"]} == {"topic", "message"}
    assert neighbour.get(f"/search?q=车棚&kind=topic&courtyard_id={street.courtyard.id}&page=1&per_page=5"
                         ).get_json()["total"] == 1
    assert neighbour.get("/search?q=").status_code == 422
    assert as_(None).get("/search?q=车棚").status_code == 401
    cy = street.courtyard.id
    similar = neighbour.get(f"/courtyards/{cy}/topics/similar?title=车棚漏雨").get_json()["items"]
    assert [t["id"] for t in similar] == [topic.id] and similar[0]["can_support"] is True
    assert neighbour.get(f"/courtyards/{cy}/topics/similar").status_code == 422
    assert as_(street.stranger).get(f"/courtyards/{cy}/topics/similar?title=车棚").status_code == 404
    covered(conform, SEARCH)


EMERGENCIES = ["post /communities/{community_id}/notices", "get /notices", "get /notices/{notice_id}",
               "post /notices/{notice_id}/updates", "post /notices/{notice_id}/resolve",
               "get /notices/{notice_id}/checklist", "post /notices/{notice_id}/visits",
               "get /courtyards/{courtyard_id}/households", "put /units/{unit_id}/flags"]


def test_emergencies_answer_as_documented(as_, street, conform):
    from courtyard.emergencies import services as emergencies
    staff, lead, author = as_(street.staff), as_(street.lead), as_(street.author)
    cid, cy = street.community.id, street.courtyard.id
    unit = street.courtyard.building.units[2]
    assert lead.put(f"/units/{unit.id}/flags", {"kinds": ["living_alone"], "note": "独居老人"}).status_code == 200
    assert lead.put(f"/units/{unit.id}/flags", {"kinds": ["rich"]}).status_code == 422
    assert author.put(f"/units/{unit.id}/flags", {"kinds": []}).status_code == 403
    assert lead.get(f"/courtyards/{cy}/households").get_json()["items"]
    assert author.get(f"/courtyards/{cy}/households").status_code == 403
    notice = staff.post(f"/communities/{cid}/notices", {"kind": "heating", "title": "供暖主管道破裂，暂停供暖",
                                                        "body": "抢修中", "courtyard_ids": [cy]})
    assert notice.status_code == 201
    nid = notice.get_json()["id"]
    assert staff.post(f"/communities/{cid}/notices", {"kind": "flood"}).status_code == 422
    assert author.post(f"/communities/{cid}/notices", {"kind": "water"}).status_code == 403
    assert author.get("/notices?status=active").get_json()["total"] == 1
    assert author.get("/notices?status=x").status_code == 422
    assert author.get(f"/notices/{nid}").status_code == 200
    assert as_(street.stranger).get(f"/notices/{nid}").status_code == 404
    assert staff.post(f"/notices/{nid}/updates", {"text": "一处漏点已焊接"}).status_code == 201
    assert staff.post(f"/notices/{nid}/updates", {"text": ""}).status_code == 422
    assert author.post(f"/notices/{nid}/updates", {"text": "x"}).status_code == 403
    assert lead.get(f"/notices/{nid}/checklist").get_json()["counts"]["total"] == 1
    assert author.get(f"/notices/{nid}/checklist").status_code == 403
    visit = {"unit_id": unit.id, "outcome": "needs_help", "note": "已送电暖气"}
    assert lead.post(f"/notices/{nid}/visits", visit).status_code == 201
    assert lead.post(f"/notices/{nid}/visits", {**visit, "outcome": "ok"}).status_code == 200
    assert lead.post(f"/notices/{nid}/visits", {**visit, "outcome": "x"}).status_code == 422
    assert staff.get(f"/notices/{nid}/checklist").get_json()["items"][0]["visit"]["outcome"] == "ok"
    assert author.post(f"/notices/{nid}/resolve", {}).status_code == 403
    assert staff.post(f"/notices/{nid}/resolve", {"text": "已恢复供暖"}).status_code == 200
    assert staff.post(f"/notices/{nid}/resolve", {}).status_code == 409
    assert lead.post(f"/notices/{nid}/visits", visit).status_code == 409
    assert emergencies.get_notice(street.author, nid).status.value == "resolved"
    covered(conform, EMERGENCIES)


PROJECTS = ["get /projects", "post /projects", "get /projects/{project_id}", "patch /projects/{project_id}",
            "post /projects/{project_id}/updates", "post /projects/{project_id}/milestones",
            "patch /projects/{project_id}/milestones/{milestone_id}", "post /projects/{project_id}/links",
            "patch /projects/{project_id}/links/{link_id}", "delete /projects/{project_id}/links/{link_id}"]


def test_projects_answer_as_documented(as_, street, conform):
    admin, staff, dept = as_(street.admin), as_(street.staff), as_(street.dept_staff)
    author = as_(street.author)
    topic = street.topic()
    other = street.topic(title="院里没有充电桩", category="facilities", author=street.neighbour)
    body = {"title": "老旧小区电动车集中充电棚改造", "owner_org_id": street.department.id, "budget_amount": "480000",
            "budget_source": "street_fund", "budget_note": "街道民生资金", "topic_id": topic.id,
            "milestones": [{"title": "居民议事确定选址"}, {"title": "施工进场", "due_on": "2027-03-01"}]}
    assert staff.post("/projects", body).status_code == 403
    assert admin.post("/projects", {**body, "budget_amount": -1}).status_code == 422
    created = admin.post("/projects", body)
    assert created.status_code == 201
    pid = created.get_json()["id"]
    milestone = created.get_json()["milestones"][0]["id"]
    assert author.get("/projects").get_json()["total"] == 1
    assert author.get("/projects?status=x").status_code == 422
    assert author.get(f"/projects/{pid}").status_code == 200
    assert as_(street.stranger).get(f"/projects/{pid}").status_code == 404
    assert dept.patch(f"/projects/{pid}", {"status": "approved"}).status_code == 403
    assert admin.patch(f"/projects/{pid}", {"status": "approved", "budget_note": "区财政配套"}).status_code == 200
    assert admin.patch(f"/projects/{pid}", {"status": "completed"}).status_code == 409
    assert admin.patch(f"/projects/{pid}", {}).status_code == 422
    assert dept.post(f"/projects/{pid}/updates", {"text": "材料已进场"}).status_code == 201
    assert author.post(f"/projects/{pid}/updates", {"text": "x"}).status_code == 403
    assert dept.post(f"/projects/{pid}/milestones", {"title": "竣工验收"}).status_code == 201
    assert dept.post(f"/projects/{pid}/milestones", {"title": ""}).status_code == 422
    assert dept.patch(f"/projects/{pid}/milestones/{milestone}", {"done": True}).status_code == 200
    assert dept.patch(f"/projects/{pid}/milestones/{milestone}", {"done": True}).status_code == 409
    link = staff.post(f"/projects/{pid}/links", {"topic_id": other.id})
    assert link.status_code == 201 and link.get_json()["confirmed"] is False
    assert staff.post(f"/projects/{pid}/links", {}).status_code == 422
    lid = link.get_json()["id"]
    assert staff.patch(f"/projects/{pid}/links/{lid}", {"confirmed": True}).status_code == 403
    assert admin.patch(f"/projects/{pid}/links/{lid}", {"confirmed": True}).get_json()["confirmed"] is True
    assert admin.patch(f"/projects/{pid}/links/{lid}", {"confirmed": True}).status_code == 409
    assert staff.delete(f"/projects/{pid}/links/{lid}").status_code == 403
    assert admin.delete(f"/projects/{pid}/links/{lid}").status_code == 200
    covered(conform, PROJECTS)


DISTRICTS = ["get /districts", "post /districts", "get /districts/{district_id}", "patch /districts/{district_id}",
             "post /districts/{district_id}/communities", "delete /districts/{district_id}/communities/{community_id}",
             "post /districts/{district_id}/staff", "delete /districts/{district_id}/staff/{user_id}",
             "get /districts/{district_id}/threads", "post /districts/{district_id}/threads",
             "get /districts/threads/{thread_id}", "patch /districts/threads/{thread_id}",
             "get /districts/threads/{thread_id}/posts", "post /districts/threads/{thread_id}/posts",
             "post /topics/{topic_id}/raise-to-district", "get /districts/cases", "post /districts/cases",
             "get /districts/cases/{case_id}", "delete /districts/cases/{case_id}"]


def test_districts_answer_as_documented(as_, street, conform, make):
    admin, staff, secretary, author = as_(street.admin), as_(street.staff), as_(street.secretary), as_(street.author)
    cid = street.community.id
    created = admin.post("/districts", {"name": "芳古片区", "station_name": "芳古片区治理服务站"})
    assert created.status_code == 201
    did = created.get_json()["id"]
    assert admin.post("/districts", {"name": "芳古片区"}).status_code == 422
    assert staff.post("/districts", {"name": "芳城片区"}).status_code == 403
    assert admin.patch(f"/districts/{did}", {"name": "芳古片区", "station_address": "芳古园一区 10 号"}).status_code == 200
    assert admin.post(f"/districts/{did}/communities", {"community_id": cid}).status_code == 200
    assert admin.post(f"/districts/{did}/communities", {}).status_code == 422
    other = make.community()
    assert admin.post(f"/districts/{did}/communities", {"community_id": other.id}).status_code == 200
    assert admin.delete(f"/districts/{did}/communities/{other.id}").status_code == 204
    district_staff = make.user("district_staff")
    assert admin.post(f"/districts/{did}/staff", {"user_id": district_staff.id}).status_code == 201
    assert admin.post(f"/districts/{did}/staff", {"user_id": district_staff.id}).status_code == 200
    assert admin.post(f"/districts/{did}/staff", {"user_id": 987654}).status_code == 422
    leaving = make.user()
    admin.post(f"/districts/{did}/staff", {"user_id": leaving.id})
    assert admin.delete(f"/districts/{did}/staff/{leaving.id}").status_code == 204
    assert admin.delete(f"/districts/{did}/staff/{leaving.id}").status_code == 404
    assert secretary.get("/districts").get_json()["items"][0]["id"] == did
    assert secretary.get(f"/districts/{did}").get_json()["staff"][0]["id"] == district_staff.id
    assert author.get(f"/districts/{did}").status_code == 404
    thread = secretary.post(f"/districts/{did}/threads", {"title": "几个社区都缺电动车充电桩", "body": "一起想办法",
                                                          "category": "facilities"})
    assert thread.status_code == 201
    tid = thread.get_json()["id"]
    assert secretary.post(f"/districts/{did}/threads", {"title": ""}).status_code == 422
    assert author.post(f"/districts/{did}/threads", {"title": "x", "body": "y"}).status_code == 404
    assert staff.get(f"/districts/{did}/threads?status=open").get_json()["total"] == 1
    assert staff.get(f"/districts/{did}/threads?status=x").status_code == 422
    assert staff.get(f"/districts/threads/{tid}").status_code == 200
    assert staff.post(f"/districts/threads/{tid}/posts", {"body": "我们社区也一样"}).status_code == 201
    assert staff.post(f"/districts/threads/{tid}/posts", {"body": " "}).status_code == 422
    assert staff.get(f"/districts/threads/{tid}/posts?after=0").get_json()["total"] == 1
    assert staff.get(f"/districts/threads/{tid}/posts?after=x").status_code == 422
    topic = street.topic(title="电动车棚没有充电桩", category="facilities")
    raised = secretary.post(f"/topics/{topic.id}/raise-to-district", {"reason": "社区单独解决不了电力增容"})
    assert raised.status_code == 201 and raised.get_json()["source_topic"]["id"] == topic.id
    assert secretary.post(f"/topics/{topic.id}/raise-to-district", {"reason": "再来"}).status_code == 409
    assert author.post(f"/topics/{topic.id}/raise-to-district", {"reason": "x"}).status_code == 403
    assert as_(district_staff).patch(f"/districts/threads/{tid}", {"status": "resolved"}).status_code == 200
    assert as_(district_staff).patch(f"/districts/threads/{tid}", {"status": "resolved"}).status_code == 409
    assert as_(district_staff).patch(f"/districts/threads/{tid}", {"status": "x"}).status_code == 422
    assert staff.patch(f"/districts/threads/{tid}", {"status": "open"}).status_code == 403
    assert staff.post(f"/districts/threads/{tid}/posts", {"body": "还有"}).status_code == 409
    case = as_(district_staff).post("/districts/cases", {"thread_id": tid, "summary": "街道统一申请补贴，分批安装。"})
    assert case.status_code == 201
    case_id = case.get_json()["id"]
    assert as_(district_staff).post("/districts/cases", {"thread_id": tid, "summary": "再来"}).status_code == 409
    assert as_(district_staff).post("/districts/cases", {"summary": "x"}).status_code == 422
    assert staff.post("/districts/cases", {"thread_id": tid, "summary": "x"}).status_code == 403
    assert author.get(f"/districts/cases?district_id={did}&category=facilities").get_json()["total"] == 1
    assert author.get("/districts/cases?category=x").status_code == 422
    assert author.get(f"/districts/cases/{case_id}").get_json()["summary"].startswith("街道统一")
    assert author.delete(f"/districts/cases/{case_id}").status_code == 403
    assert as_(district_staff).delete(f"/districts/cases/{case_id}").status_code == 204
    covered(conform, DISTRICTS)


def test_the_conformance_tests_call_every_route(document):
    tested = {tuple(r.split(" ", 1)) for r in PLACES + DELIBERATION + MODERATION + NOTIFICATIONS + VOTING + TASKS
              + INSIGHT + SEARCH + EMERGENCIES + PROJECTS + DISTRICTS}
    every = {(method, path.removeprefix("/api/v1")) for method, path, _op in operations(document)}
    assert sorted(every - tested) == []
