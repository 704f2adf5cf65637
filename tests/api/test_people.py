"""CONTRACT §4 "People and places": /me, /courtyards, /courtyards/<id>, joining, phone masking."""
from __future__ import annotations

import pytest

from courtyard.accounts.services import issue_token
from courtyard.extensions import socketio
from courtyard.places import payloads

from .conftest import assert_error

UNKNOWN = 987654


# --- /me -----------------------------------------------------------------------------------

ROLES_OF = {
    "resident": ["resident"],
    "pending": [],                       # a pending request is not a role yet
    "building_lead": ["building_lead"],
    "secretary": ["secretary"],
    "staff": ["community_staff"],
    "property": ["property_staff"],
    "department": ["department_staff"],
    "street_admin": ["street_admin"],
}


def test_me_lists_roles(as_role, world):
    got = {}
    for role in ROLES_OF:
        me = as_role(role).get("/me").get_json()
        assert me["id"] == world.user(role).id
        got[role] = me["roles"]
    assert got == ROLES_OF


def test_me_has_memberships_and_places(as_role, world):
    me = as_role("pending").get("/me").get_json()
    a1 = world.courtyards["A1"]
    assert [(m["courtyard_id"], m["role"], m["status"]) for m in me["memberships"]] == [(a1.id, "resident", "pending")]
    assert me["memberships"][0]["unit"]["building_id"] == a1.building_id
    assert me["phone"] == "13900001111"  # one's own number in full
    staff = as_role("staff").get("/me").get_json()
    assert [c["id"] for c in staff["community_staff"]] == [world.communities["C1"].id] and staff["memberships"] == []
    prop = as_role("property").get("/me").get_json()
    assert [(o["id"], o["kind"]) for o in prop["organizations"]] == [(world.orgs["P"].id, "property")]


def test_me_needs_someone(api):
    assert_error(api.get("/me"), 401)


# --- /courtyards ---------------------------------------------------------------------------

VISIBLE = {
    "resident": {"A1"}, "pending": set(), "secretary": {"A1"}, "staff": {"A1", "A2"},
    "other_staff": {"B1", "B2"}, "property": set(), "department": set(),
    "street_admin": {"A1", "A2", "B1", "B2"}, "neighbour": {"A2"},
}


def test_courtyards_lists_what_the_caller_belongs_to_or_oversees(as_role, world):
    listed, opened = {}, {}
    for role in VISIBLE:
        client = as_role(role)
        body = client.get("/courtyards").get_json()
        assert set(body) == {"items", "page", "per_page", "total"} and body["total"] == len(body["items"])
        listed[role] = {world.name_of_courtyard(world.courtyards_by_id[c["id"]]) for c in body["items"]}
        # … and each listed courtyard opens; each other one is "not found"
        opened[role] = set()
        for name, cy in world.courtyards.items():
            r = client.get(f"/courtyards/{cy.id}")
            if r.status_code == 200:
                opened[role].add(name)
            else:
                assert_error(r, 404)
    assert listed == opened == VISIBLE


def test_courtyards_pagination(as_role):
    admin = as_role("street_admin")
    first = admin.get("/courtyards?per_page=3").get_json()
    assert (len(first["items"]), first["page"], first["per_page"], first["total"]) == (3, 1, 3, 4)
    second = admin.get("/courtyards?per_page=3&page=2").get_json()
    assert (len(second["items"]), second["page"]) == (1, 2)
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in second["items"]}
    assert admin.get("/courtyards?page=9").get_json()["items"] == []
    assert admin.get("/courtyards").get_json()["per_page"] == 20


def test_courtyards_pagination_rejects_bad_pages(as_role):
    admin = as_role("street_admin")
    for query, field in [("per_page=0", "per_page"), ("per_page=101", "per_page"), ("page=0", "page"),
                         ("page=abc", "page"), ("page=99999999999999999999", "page"), ("per_page=1.5", "per_page")]:
        assert_error(admin.get(f"/courtyards?{query}"), 422, field)


def test_courtyard_detail_counts_members_and_who_is_online(app, as_role, world):
    a1 = world.courtyards["A1"]
    body = as_role("resident").get(f"/courtyards/{a1.id}").get_json()
    assert body["id"] == a1.id and body["name"] == "芳城园一区社区 · 1号楼"
    assert body["building"] == {"id": a1.building_id, "name": "1号楼", "property_org_id": world.orgs["P"].id}
    assert body["community"]["id"] == world.communities["C1"].id
    assert body["member_count"] == 3  # resident, building lead, secretary; not the pending request
    assert body["online_count"] == 0
    assert body["my_role"] == "resident" and body["can_moderate"] is False and "invite_code" not in body
    sock = socketio.test_client(app, auth={"token": issue_token(world.user("secretary"))})
    try:
        assert sock.is_connected()
        assert as_role("resident").get(f"/courtyards/{a1.id}").get_json()["online_count"] == 1
        assert as_role("neighbour").get(f"/courtyards/{world.courtyards['A2'].id}").get_json()["online_count"] == 0
    finally:
        sock.disconnect()
    assert as_role("resident").get(f"/courtyards/{a1.id}").get_json()["online_count"] == 0


def test_a_socket_counts_for_its_tokens_person_not_the_last_caller(app, as_role, world):
    a1, a2 = world.courtyards["A1"], world.courtyards["A2"]
    assert as_role("resident").get(f"/courtyards/{a1.id}").status_code == 200
    sock = socketio.test_client(app, auth={"token": issue_token(world.user("neighbour"))})
    try:
        assert as_role("resident").get(f"/courtyards/{a1.id}").get_json()["online_count"] == 0
        assert as_role("neighbour").get(f"/courtyards/{a2.id}").get_json()["online_count"] == 1
    finally:
        sock.disconnect()


def test_moderators_see_the_invite_code(as_role, world):
    a1 = world.courtyards["A1"]
    for role in ("secretary", "building_lead", "staff"):
        body = as_role(role).get(f"/courtyards/{a1.id}").get_json()
        assert body["can_moderate"] is True and body["invite_code"] == a1.building.invite_code


def test_a_hidden_courtyard_and_a_missing_one_look_the_same(as_role, world):
    client = as_role("resident")
    hidden = client.get(f"/courtyards/{world.courtyards['B1'].id}")
    missing = client.get(f"/courtyards/{UNKNOWN}")
    assert_error(hidden, 404)
    assert hidden.get_json() == missing.get_json()
    assert_error(client.get("/courtyards/99999999999999999999"), 404)
    assert_error(as_role("anonymous").get(f"/courtyards/{world.courtyards['A1'].id}"), 401)


# --- joining with an invite code, and the decision -----------------------------------------

def test_join_is_invisible_until_approved_then_visible(api, as_role, make, world):
    a1 = world.courtyards["A1"]
    newcomer = make.user("newcomer", phone="13011112222")
    me = api.as_(newcomer)
    invite = me.get(f"/invites/{a1.building.invite_code.lower()}").get_json()
    assert invite["building"] == {"id": a1.building_id, "name": "1号楼"}
    assert invite["community"]["name"] == "芳城园一区社区"
    assert [u["label"] for u in invite["units"]] == [u.label for u in a1.building.units]
    unit_id = invite["units"][2]["id"]

    r = me.post("/join", {"invite_code": a1.building.invite_code, "unit_id": unit_id, "is_owner": True})
    assert r.status_code == 201
    m = r.get_json()
    assert (m["status"], m["role"], m["unit"]["id"], m["is_owner"]) == ("pending", "resident", unit_id, True)
    assert me.get("/courtyards").get_json()["items"] == []
    assert_error(me.get(f"/courtyards/{a1.id}"), 404)
    assert_error(me.post("/join", {"invite_code": a1.building.invite_code, "unit_id": unit_id}), 409)

    pending = as_role("building_lead").get(f"/courtyards/{a1.id}/pending").get_json()["items"]
    mine = next(p for p in pending if p["id"] == m["id"])
    assert mine["user"]["phone"] == "13011112222"  # the building lead needs to call them
    r = as_role("building_lead").post(f"/memberships/{m['id']}/decision", {"approve": True})
    assert r.status_code == 200 and r.get_json()["status"] == "active"

    assert [c["id"] for c in me.get("/courtyards").get_json()["items"]] == [a1.id]
    assert me.get(f"/courtyards/{a1.id}").get_json()["my_role"] == "resident"
    assert_error(as_role("building_lead").post(f"/memberships/{m['id']}/decision", {"approve": False}), 409)


def test_rejected_request_stays_invisible_and_can_be_made_again(api, as_role, make, world):
    a1 = world.courtyards["A1"]
    me = api.as_(make.user("newcomer"))
    unit_id = a1.building.units[0].id
    m = me.post("/join", {"invite_code": a1.building.invite_code, "unit_id": unit_id}).get_json()
    decided = as_role("secretary").post(f"/memberships/{m['id']}/decision", {"approve": False})
    assert decided.get_json()["status"] == "rejected"
    assert_error(me.get(f"/courtyards/{a1.id}"), 404)
    assert me.post("/join", {"invite_code": a1.building.invite_code, "unit_id": unit_id}).status_code == 201


def test_join_names_the_bad_field(api, make, world):
    code = world.courtyards["A1"].building.invite_code
    b1_unit = world.courtyards["B1"].building.units[0].id
    me = api.as_(make.user("newcomer"))
    for body, field in [
        ({"invite_code": "NOPE2345", "unit_id": 1}, "invite_code"),
        ({"invite_code": "", "unit_id": 1}, "invite_code"),
        ({"unit_id": 1}, "invite_code"),
        ({"invite_code": code}, "unit_id"),
        ({"invite_code": code, "unit_id": b1_unit}, "unit_id"),   # a flat of another building
        ({"invite_code": code, "unit_id": UNKNOWN}, "unit_id"),
        ({"invite_code": code, "unit_id": "abc"}, "unit_id"),
        ({"invite_code": code, "unit_id": 1, "is_owner": "perhaps"}, "is_owner"),
    ]:
        assert_error(me.post("/join", body), 422, field)
    assert me.get("/me").get_json()["memberships"] == []


def test_invite_lookup(as_role, world):
    assert_error(as_role("resident").get("/invites/NOPE2345"), 404)
    assert_error(as_role("resident").get("/invites/" + "X" * 40), 404)
    assert_error(as_role("anonymous").get(f"/invites/{world.courtyards['A1'].building.invite_code}"), 401)
    assert_error(as_role("anonymous").post("/join", {"invite_code": "x", "unit_id": 1}), 401)


def test_decisions_belong_to_the_courtyards_moderators(as_role, world):
    from courtyard.extensions import db
    from courtyard.places.models import Membership
    m = db.session.scalar(db.select(Membership).filter_by(user_id=world.user("pending").id))
    assert_error(as_role("resident").post(f"/memberships/{m.id}/decision", {"approve": True}), 403)
    assert_error(as_role("resident").get(f"/courtyards/{m.courtyard_id}/pending"), 403)
    # those who cannot see the courtyard do not learn the request exists
    for role in ("other_staff", "neighbour", "pending", "property"):
        assert_error(as_role(role).post(f"/memberships/{m.id}/decision", {"approve": True}), 404)
        assert_error(as_role(role).get(f"/courtyards/{m.courtyard_id}/pending"), 404)
    assert_error(as_role("secretary").post(f"/memberships/{UNKNOWN}/decision", {"approve": True}), 404)
    assert_error(as_role("secretary").post(f"/memberships/{m.id}/decision", {"approve": "maybe"}), 422, "approve")
    assert_error(as_role("secretary").post(f"/memberships/{m.id}/decision", {}), 422, "approve")
    assert as_role("staff").post(f"/memberships/{m.id}/decision", {"approve": True}).status_code == 200


# --- phone numbers: masked except for the person and the staff who need them ----------------

def test_phone_is_masked_like_138_stars_1234(world):
    resident, neighbour = world.user("resident"), world.user("neighbour")
    assert payloads.user_json(resident, neighbour)["phone"] == "138****1234"
    assert payloads.user_json(resident, None)["phone"] == "138****1234"
    assert payloads.user_json(resident, resident)["phone"] == "13812341234"
    assert payloads.user_json(resident, world.user("secretary"))["phone"] == "13812341234"
    assert payloads.user_json(resident, world.user("other_staff"))["phone"] == "138****1234"


def test_staff_search_shows_numbers_of_their_own_community_only(as_role, world):
    items = as_role("staff").get("/admin/users?per_page=100").get_json()["items"]
    phones = {u["login"]: u["phone"] for u in items}
    assert phones["resident"] == "13812341234" and phones["neighbour"] == "13200006666"
    assert phones["outsider"] == "131****7777" and phones["property"] == "133****5555"
    everyone = as_role("street_admin").get("/admin/users?per_page=100").get_json()["items"]
    assert {u["login"]: u["phone"] for u in everyone}["outsider"] == "13100007777"


def test_a_building_of_another_community_is_not_found(as_role, world):
    b1 = world.courtyards["B1"].building
    assert as_role("other_staff").get(f"/buildings/{b1.id}").status_code == 200
    assert_error(as_role("staff").get(f"/buildings/{b1.id}"), 404)
    assert_error(as_role("staff").get(f"/buildings/{UNKNOWN}"), 404)
