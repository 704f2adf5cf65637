"""CONTRACT §4 "Administration" with bearer tokens: who gets 201, 403, 401, 404, 422, 400, 413."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import pytest

from ..factories import PASSWORD
from .conftest import assert_error

UNKNOWN = 987654
TOO_BIG = 10**20  # an id no column can hold: still just "not found"


@dataclass(frozen=True)
class Route:
    name: str
    path: Callable          # world -> path
    body: Callable          # world -> a valid body
    allowed: tuple
    forbidden: tuple
    bad: Callable           # world -> an invalid body
    bad_fields: tuple
    unknown: tuple = ()     # paths with ids that do not exist

    def __str__(self):
        return self.name


ROUTES = [
    Route("create_community", lambda w: "/admin/communities", lambda w: {"name": "芳星园二区社区"},
          allowed=("street_admin",),
          forbidden=("staff", "secretary", "building_lead", "resident", "pending", "property", "department"),
          bad=lambda w: {"name": "   "}, bad_fields=("name",)),
    Route("create_building", lambda w: f"/admin/communities/{w.communities['C1'].id}/buildings",
          lambda w: {"name": "3号楼", "units": [{"label": "1-101", "area_m2": 58.5},
                                                {"label": "1-102", "area_m2": "61.20"}],
                     "property_org_id": w.orgs["P"].id},
          allowed=("staff", "street_admin"),
          forbidden=("other_staff", "secretary", "building_lead", "resident", "property", "department"),
          bad=lambda w: {"name": "3号楼", "units": [{"label": "101", "area_m2": 60},
                                                     {"label": "102", "area_m2": -5}]},
          bad_fields=("units.1.area_m2",),
          unknown=(f"/admin/communities/{UNKNOWN}/buildings", f"/admin/communities/{TOO_BIG}/buildings")),
    Route("create_organization", lambda w: "/admin/organizations",
          lambda w: {"name": "首开物业方庄分公司", "kind": "property"},
          allowed=("street_admin",), forbidden=("staff", "other_staff", "secretary", "property", "department"),
          bad=lambda w: {"name": "某学校", "kind": "school"}, bad_fields=("kind",)),
    Route("create_user", lambda w: "/admin/users",
          lambda w: {"login": "wangfang", "password": "long-enough-1", "display_name": "王芳",
                     "phone": "13812345678"},
          allowed=("street_admin", "staff"),
          forbidden=("secretary", "building_lead", "resident", "pending", "property", "department"),
          bad=lambda w: {"login": "ab", "password": "short", "display_name": "王芳"},
          bad_fields=("login", "password")),
    Route("set_courtyard_member", lambda w: f"/admin/courtyards/{w.courtyards['A1'].id}/members",
          lambda w: {"user_id": w.user("property").id, "role": "building_lead"},
          allowed=("staff", "street_admin"),
          forbidden=("other_staff", "secretary", "building_lead", "resident", "property", "neighbour"),
          bad=lambda w: {"user_id": w.user("property").id, "role": "resident"}, bad_fields=("unit_id",),
          unknown=(f"/admin/courtyards/{UNKNOWN}/members", f"/admin/courtyards/{TOO_BIG}/members")),
    Route("add_organization_member", lambda w: f"/admin/organizations/{w.orgs['P'].id}/members",
          lambda w: {"user_id": w.user("neighbour").id},
          allowed=("street_admin",), forbidden=("staff", "property", "secretary", "resident"),
          bad=lambda w: {"user_id": UNKNOWN}, bad_fields=("user_id",),
          unknown=(f"/admin/organizations/{UNKNOWN}/members",)),
    Route("add_community_staff", lambda w: f"/admin/communities/{w.communities['C1'].id}/staff",
          lambda w: {"user_id": w.user("secretary").id},
          allowed=("street_admin",), forbidden=("staff", "other_staff", "secretary", "resident"),
          bad=lambda w: {"user_id": "nobody"}, bad_fields=("user_id",),
          unknown=(f"/admin/communities/{UNKNOWN}/staff",)),
]


def _cases(attr):
    return [pytest.param(r, role, id=f"{r.name}-{role}") for r in ROUTES for role in getattr(r, attr)]


@pytest.mark.parametrize("route, role", _cases("allowed"))
def test_allowed_roles_create(as_role, world, route, role):
    r = as_role(role).post(route.path(world), route.body(world))
    assert r.status_code == 201, r.get_json()
    assert isinstance(r.get_json(), dict)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_wrong_roles_are_forbidden_whatever_they_send(as_role, world, route):
    for role in route.forbidden:
        client = as_role(role)
        for body in (route.body(world), {}, route.bad(world)):
            r = client.post(route.path(world), body)
            assert r.status_code == 403, (role, body, r.get_json())
            assert_error(r, 403)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_or_invalid_token_is_unauthenticated(api, as_role, world, route):
    assert_error(api.post(route.path(world), route.body(world)), 401)
    bogus = api.post(route.path(world), route.body(world), headers={"Authorization": "Bearer not-a-token"})
    assert_error(bogus, 401)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_bad_input_is_invalid_and_names_the_fields(as_role, world, route):
    assert_error(as_role(route.allowed[0]).post(route.path(world), route.bad(world)), 422, *route.bad_fields)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_missing_fields_are_named(as_role, world, route):
    error = assert_error(as_role(route.allowed[0]).post(route.path(world), {}), 422)
    required = {k for k in route.body(world) if k not in ("units", "property_org_id", "phone", "is_owner",
                                                           "unit_id")}
    assert required <= set(error["fields"]), error


@pytest.mark.parametrize("route", [r for r in ROUTES if r.unknown], ids=str)
def test_unknown_id_is_not_found(as_role, world, route):
    for path in route.unknown:
        assert_error(as_role(route.allowed[0]).post(path, route.body(world)), 404)


UNREADABLE = [
    (b'{"name": ', "application/json"),                      # malformed JSON
    (b'["a", "list"]', "application/json"),                  # JSON, but not an object
    (b"\xff\xfe{}", "application/json"),                     # not UTF-8
    (b"name=x", "application/x-www-form-urlencoded"),        # a form, not JSON
    (b'{"name": "x"}', "text/plain"),                         # JSON under the wrong type
    (b"", "application/json"),                               # nothing at all
]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_unreadable_body_is_bad_request(as_role, world, route):
    client = as_role(route.allowed[0])
    for data, content_type in UNREADABLE:
        r = client.request("POST", route.path(world), data=data, headers={"Content-Type": content_type})
        assert r.status_code == 400, (data, content_type, r.get_json())
        assert_error(r, 400)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_body_over_the_limit_is_too_large(app, as_role, world, route, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    body = route.body(world) | {"padding": "x" * 4096}
    assert_error(as_role(route.allowed[0]).post(route.path(world), body), 413)


def test_the_real_limit_answers_too_large(app, as_role):
    data = b'{"name": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    r = as_role("street_admin").request("POST", "/admin/communities", data=data,
                                        headers={"Content-Type": "application/json"})
    assert_error(r, 413)


# --- what a success looks like -------------------------------------------------------------

def _aware(ts: str) -> bool:
    return datetime.fromisoformat(ts).tzinfo is not None


def test_community_shape(as_role):
    r = as_role("street_admin").post("/admin/communities", {"name": "  芳星园二区社区 "})
    assert r.status_code == 201
    body = r.get_json()
    assert body["name"] == "芳星园二区社区" and isinstance(body["id"], int) and _aware(body["created_at"])
    assert_error(as_role("street_admin").post("/admin/communities", {"name": "芳星园二区社区"}), 422, "name")


def test_building_comes_with_its_courtyard_and_units(as_role, world):
    route = ROUTES[1]
    r = as_role("staff").post(route.path(world), route.body(world))
    assert r.status_code == 201
    b = r.get_json()
    assert b["name"] == "3号楼" and b["community_id"] == world.communities["C1"].id
    assert b["property_org_id"] == world.orgs["P"].id
    assert isinstance(b["courtyard_id"], int)
    assert [(u["label"], u["area_m2"]) for u in b["units"]] == [("1-101", 58.5), ("1-102", 61.2)]
    assert len({u["id"] for u in b["units"]}) == 2 and all(isinstance(u["id"], int) for u in b["units"])
    assert len(b["invite_code"]) == 8
    # the courtyard exists and is the building's
    cy = as_role("staff").get(f"/courtyards/{b['courtyard_id']}").get_json()
    assert cy["building"]["id"] == b["id"] and cy["community"]["id"] == world.communities["C1"].id
    # and the units can be joined with the invite code
    invite = as_role("outsider").get(f"/invites/{b['invite_code']}").get_json()
    assert [u["id"] for u in invite["units"]] == [u["id"] for u in b["units"]]


def test_building_rejects_a_department_as_property_company(as_role, world):
    r = as_role("street_admin").post(ROUTES[1].path(world), {"name": "5号楼", "property_org_id": world.orgs["D"].id})
    assert_error(r, 422, "property_org_id")


def test_building_names_every_bad_unit(as_role, world):
    body = {"name": "6号楼", "units": [{"label": "", "area_m2": "abc"}, {"label": "101", "area_m2": 0},
                                       {"label": "x" * 33, "area_m2": 1e9}, {"label": "101", "area_m2": 50}]}
    error = assert_error(as_role("staff").post(ROUTES[1].path(world), body), 422)
    assert set(error["fields"]) == {"units.0.label", "units.0.area_m2", "units.1.area_m2", "units.2.label",
                                    "units.2.area_m2", "units.3.label"}, error


def test_building_units_must_be_objects(as_role, world):
    body = {"name": "6号楼", "units": [{"label": "101", "area_m2": 50}, "102"]}
    assert_error(as_role("staff").post(ROUTES[1].path(world), body), 422, "units.1")
    assert_error(as_role("staff").post(ROUTES[1].path(world), {"name": "6号楼", "units": "101"}), 422, "units")


def test_organization_shape(as_role):
    r = as_role("street_admin").post("/admin/organizations", {"name": "方庄街道城管执法队", "kind": "department"})
    assert r.status_code == 201
    assert {k: r.get_json()[k] for k in ("name", "kind")} == {"name": "方庄街道城管执法队", "kind": "department"}


def test_created_user_can_log_in_and_never_shows_a_password(api, as_role):
    r = as_role("street_admin").post("/admin/users", ROUTES[3].body(None))
    assert r.status_code == 201
    user = r.get_json()
    assert user["login"] == "wangfang" and user["display_name"] == "王芳" and user["phone"] == "13812345678"
    assert not any("password" in k for k in user)
    assert api.post("/auth/token", {"login": "wangfang", "password": "long-enough-1"}).status_code == 201
    assert_error(as_role("street_admin").post("/admin/users", ROUTES[3].body(None)), 422, "login")


def test_courtyard_member_is_active_at_once_and_one_per_courtyard(as_role, world):
    path = ROUTES[4].path(world)
    unit = world.courtyards["A1"].building.units[3]
    someone = world.user("property")
    r = as_role("staff").post(path, {"user_id": someone.id, "role": "resident", "unit_id": unit.id, "is_owner": True})
    assert r.status_code == 201
    m = r.get_json()
    assert (m["role"], m["status"], m["unit"]["id"], m["is_owner"]) == ("resident", "active", unit.id, True)
    assert m["courtyard_id"] == world.courtyards["A1"].id and m["user"]["id"] == someone.id
    again = as_role("staff").post(path, {"user_id": someone.id, "role": "secretary"}).get_json()
    assert again["id"] == m["id"] and again["role"] == "secretary"
    me = as_role("property").get("/me").get_json()
    assert [(x["courtyard_id"], x["role"]) for x in me["memberships"]] == [(world.courtyards["A1"].id, "secretary")]


def test_courtyard_member_unit_must_be_of_this_building(as_role, world):
    other_unit = world.courtyards["B1"].building.units[0]
    r = as_role("street_admin").post(ROUTES[4].path(world), {"user_id": world.user("property").id,
                                                             "role": "resident", "unit_id": other_unit.id})
    assert_error(r, 422, "unit_id")
    r = as_role("street_admin").post(ROUTES[4].path(world), {"user_id": world.user("property").id,
                                                             "role": "mayor"})
    assert_error(r, 422, "role")


def test_organization_member_becomes_its_staff(as_role, world):
    r = as_role("street_admin").post(ROUTES[5].path(world), {"user_id": world.user("neighbour").id})
    assert r.status_code == 201
    body = r.get_json()
    assert body["organization"]["id"] == world.orgs["P"].id and body["user"]["id"] == world.user("neighbour").id
    assert "property_staff" in as_role("neighbour").get("/me").get_json()["roles"]


def test_appointed_community_staff_administers_that_community_only(as_role, world):
    r = as_role("street_admin").post(ROUTES[6].path(world), {"user_id": world.user("secretary").id})
    assert r.status_code == 201
    assert r.get_json()["community"]["id"] == world.communities["C1"].id
    listed = as_role("secretary").get("/admin/communities").get_json()
    assert [c["id"] for c in listed["items"]] == [world.communities["C1"].id]
    assert as_role("secretary").post(ROUTES[1].path(world), {"name": "9号楼"}).status_code == 201
    c2 = f"/admin/communities/{world.communities['C2'].id}/buildings"
    assert_error(as_role("secretary").post(c2, {"name": "9号楼"}), 403)


# --- the lists a client needs to fill its forms --------------------------------------------

def test_buildings_of_a_community(as_role, world):
    path = f"/admin/communities/{world.communities['C1'].id}/buildings"
    body = as_role("staff").get(path).get_json()
    assert body["total"] == 2 and [b["name"] for b in body["items"]] == ["1号楼", "2号楼"]
    assert all(b["units"] and b["courtyard_id"] and b["invite_code"] for b in body["items"])
    assert_error(as_role("other_staff").get(path), 403)
    assert_error(as_role("secretary").get(path), 403)
    assert_error(as_role("staff").get(f"/admin/communities/{UNKNOWN}/buildings"), 404)


def test_organizations_list(as_role, world):
    body = as_role("staff").get("/admin/organizations?kind=property").get_json()
    assert [o["id"] for o in body["items"]] == [world.orgs["P"].id] and body["total"] == 1
    assert as_role("street_admin").get("/admin/organizations").get_json()["total"] == 2
    assert_error(as_role("staff").get("/admin/organizations?kind=school"), 422, "kind")
    assert_error(as_role("resident").get("/admin/organizations"), 403)
    assert_error(as_role("property").get("/admin/organizations"), 403)


def test_user_search(as_role, world):
    body = as_role("staff").get("/admin/users?q=NEIGHB&per_page=5").get_json()
    assert [u["login"] for u in body["items"]] == ["neighbour"]
    assert (body["page"], body["per_page"], body["total"]) == (1, 5, 1)
    assert as_role("staff").get("/admin/users?q=%25").get_json()["total"] == 0  # % is a character, not a wildcard
    assert_error(as_role("staff").get("/admin/users?q=a%00b"), 422, "q")
    assert_error(as_role("secretary").get("/admin/users?q=a"), 403)
    assert_error(as_role("anonymous").get("/admin/users"), 401)


def test_factory_password_still_works(api, world):
    """The world's people log in with tests.factories.PASSWORD (a guard for the tests above)."""
    assert api.post("/auth/token", {"login": "staff", "password": PASSWORD}).status_code == 201
