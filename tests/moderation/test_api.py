"""Moderation, stakeholder and blocked-word routes: shapes, permissions and CONTRACT §2 errors."""
from __future__ import annotations

import pytest

from courtyard import events
from courtyard.deliberation import services

from ..api.conftest import assert_error
from .conftest import INVITERS, MODERATORS, NON_READERS, READERS


def status_for(role, allowed, ok=200):
    if role == "anonymous":
        return 401
    if role in NON_READERS:
        return 404
    return ok if role in allowed else 403


# --- messages ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", READERS + NON_READERS)
def test_hide_message(as_role, message, role):
    r = as_role(role).post(f"/messages/{message.id}/hide")
    want = status_for(role, MODERATORS)
    if want != 200:
        assert_error(r, want)
        return
    assert r.status_code == 200
    body = r.get_json()
    assert body["id"] == message.id and body["hidden"] is True and body["body"] == ""


def test_hide_then_unhide_and_what_readers_see(as_role, topic, message):
    with events.capture() as sent:
        assert as_role("secretary").post(f"/messages/{message.id}/hide").status_code == 200
    assert sent == [("message.hidden", f"topic:{topic.id}", {"topic_id": topic.id, "message_id": message.id})]
    assert as_role("resident").get(f"/topics/{topic.id}/messages").get_json()["items"] == []
    assert_error(as_role("resident").post(f"/messages/{message.id}/unhide"), 404)  # hidden: not theirs to know
    assert_error(as_role("resident").post(f"/messages/{message.id}/reports", {}), 404)
    r = as_role("building_lead").post(f"/messages/{message.id}/unhide")
    assert r.status_code == 200 and r.get_json()["hidden"] is False and r.get_json()["body"] == "今天又漏了"
    assert_error(as_role("resident").post(f"/messages/{message.id}/unhide"), 403)


def test_unknown_messages_are_not_found(as_role):
    for path in ("/messages/424242/hide", "/messages/424242/unhide", "/messages/99999999999999999999/hide"):
        assert_error(as_role("secretary").post(path), 404)
    assert_error(as_role("secretary").post("/messages/424242/reports", {}), 404)


# --- reports -------------------------------------------------------------------------------

def test_report_a_message_then_moderators_list_and_resolve_it(as_role, topic, other_message):
    r = as_role("resident").post(f"/messages/{other_message.id}/reports", {"reason": "广告"})
    assert r.status_code == 201
    assert set(r.get_json()) == {"id", "message_id", "reason", "resolved", "created_at"}
    report_id = r.get_json()["id"]
    assert_error(as_role("resident").post(f"/messages/{other_message.id}/reports", {"reason": "又"}), 409)
    assert_error(as_role("building_lead").post(f"/messages/{other_message.id}/reports", {"reason": "x" * 201}),
                 422, "reason")
    assert_error(as_role("building_lead").post(f"/messages/{other_message.id}/reports", {"reason": 5}), 422, "reason")
    assert_error(as_role("building_lead").post(f"/messages/{other_message.id}/reports", data="nope",
                                               headers={"Content-Type": "text/plain"}), 400)

    cy = topic.courtyard_id
    r = as_role("secretary").get(f"/courtyards/{cy}/reports")
    assert r.status_code == 200
    page = r.get_json()
    assert set(page) == {"items", "page", "per_page", "total"} and page["total"] == 1
    item = page["items"][0]
    assert set(item) == {"id", "message", "topic", "reporter", "reason", "resolved", "resolved_at", "created_at"}
    assert item["message"]["id"] == other_message.id and item["message"]["body"] == "物业说下周修"
    assert item["topic"] == {"id": topic.id, "title": topic.title} and item["reason"] == "广告"

    assert_error(as_role("resident").get(f"/courtyards/{cy}/reports"), 403)
    assert_error(as_role("outsider").get(f"/courtyards/{cy}/reports"), 404)
    assert_error(as_role("property").get(f"/courtyards/{cy}/reports"), 404)
    assert_error(as_role("resident").post(f"/reports/{report_id}/resolve", {}), 403)
    assert_error(as_role("outsider").post(f"/reports/{report_id}/resolve", {}), 404)
    assert_error(as_role("secretary").post(f"/reports/{report_id}/resolve", {"hide": "perhaps"}), 422, "hide")

    with events.capture() as sent:
        r = as_role("secretary").post(f"/reports/{report_id}/resolve", {"hide": True})
    assert r.status_code == 200 and r.get_json()["resolved"] is True and r.get_json()["resolved_at"]
    assert [e for e, _, _ in sent] == ["message.hidden"]
    assert as_role("secretary").get(f"/courtyards/{cy}/reports").get_json()["total"] == 0
    assert_error(as_role("secretary").post(f"/reports/{report_id}/resolve", {}), 409)
    assert_error(as_role("secretary").post("/reports/424242/resolve", {}), 404)


def test_the_author_cannot_report_their_own_message(as_role, message):
    assert_error(as_role("resident").post(f"/messages/{message.id}/reports", {}), 403)


# --- topics --------------------------------------------------------------------------------

@pytest.mark.parametrize("act", ["lock", "unlock", "pin", "unpin"])
@pytest.mark.parametrize("role", READERS + NON_READERS)
def test_lock_and_pin_permissions(as_role, topic, role, act):
    r = as_role(role).post(f"/topics/{topic.id}/{act}")
    want = status_for(role, MODERATORS)
    if want != 200:
        assert_error(r, want)
    else:
        assert r.status_code == 200 and r.get_json()["id"] == topic.id


def test_lock_then_post_is_refused_and_pin_shows(as_role, topic):
    body = as_role("secretary").post(f"/topics/{topic.id}/lock").get_json()
    assert body["locked"] is True
    assert_error(as_role("resident").post(f"/topics/{topic.id}/messages", {"body": "hi", "client_id": "c"}), 403)
    assert as_role("secretary").post(f"/topics/{topic.id}/unlock").get_json()["locked"] is False
    assert as_role("secretary").post(f"/topics/{topic.id}/pin").get_json()["pinned"] is True
    assert as_role("resident").get(f"/topics/{topic.id}").get_json()["pinned"] is True


def test_merge(as_role, world, topic):
    dup = services.create_topic(world.user("building_lead"), world.courtyards["A1"], title="车棚漏水",
                                body="同一个问题", category="facilities")
    assert_error(as_role("resident").post(f"/topics/{dup.id}/merge", {"into_topic_id": topic.id}), 403)
    assert_error(as_role("outsider").post(f"/topics/{dup.id}/merge", {"into_topic_id": topic.id}), 404)
    sec = as_role("secretary")
    assert_error(sec.post(f"/topics/{dup.id}/merge", {}), 422, "into_topic_id")
    assert_error(sec.post(f"/topics/{dup.id}/merge", {"into_topic_id": "abc"}), 422, "into_topic_id")
    assert_error(sec.post(f"/topics/{dup.id}/merge", {"into_topic_id": dup.id}), 422, "into_topic_id")
    assert_error(sec.post(f"/topics/{dup.id}/merge", {"into_topic_id": 424242}), 422, "into_topic_id")
    r = sec.post(f"/topics/{dup.id}/merge", {"into_topic_id": topic.id})
    assert r.status_code == 200
    assert r.get_json()["status"] == "merged" and r.get_json()["merged_into_id"] == topic.id
    assert_error(sec.post(f"/topics/{dup.id}/merge", {"into_topic_id": topic.id}), 409)
    assert as_role("resident").get(f"/topics/{topic.id}").get_json()["support_count"] == 1


# --- stakeholders --------------------------------------------------------------------------

@pytest.mark.parametrize("role", READERS + NON_READERS)
def test_invite_permissions(as_role, world, topic, role):
    r = as_role(role).post(f"/topics/{topic.id}/invitations", {"organization_id": world.orgs["P"].id})
    want = status_for(role, INVITERS, 201)
    if want != 201:
        assert_error(r, want)
    else:
        assert r.status_code == 201


def test_invitations_shape_list_and_withdraw(as_role, world, topic):
    sec = as_role("secretary")
    r = sec.post(f"/topics/{topic.id}/invitations", {"organization_id": world.orgs["P"].id})
    inv = r.get_json()
    assert set(inv) == {"id", "topic_id", "organization", "community", "invited_by", "created_at"}
    assert inv["organization"] == {"id": world.orgs["P"].id, "name": "方庄物业", "kind": "property"}
    assert inv["community"] is None and inv["invited_by"]["id"] == world.user("secretary").id
    r = sec.post(f"/topics/{topic.id}/invitations", {"community": True})
    assert r.status_code == 201 and r.get_json()["community"]["name"] == "芳城园一区社区"

    assert_error(sec.post(f"/topics/{topic.id}/invitations", {"organization_id": world.orgs["P"].id}), 409)
    assert_error(sec.post(f"/topics/{topic.id}/invitations", {}), 422, "organization_id")
    assert_error(sec.post(f"/topics/{topic.id}/invitations", {"organization_id": 424242}), 422, "organization_id")
    assert_error(sec.post(f"/topics/{topic.id}/invitations", {"organization_id": "P"}), 422, "organization_id")
    assert_error(sec.post(f"/topics/{topic.id}/invitations", {"community": "yes please"}), 422, "community")

    listed = as_role("property").get(f"/topics/{topic.id}/invitations").get_json()["items"]
    assert [i["id"] for i in listed] == [inv["id"], inv["id"] + 1]
    assert_error(as_role("department").get(f"/topics/{topic.id}/invitations"), 404)

    assert_error(as_role("building_lead").delete(f"/topics/{topic.id}/invitations/{inv['id']}"), 403)
    assert_error(sec.delete(f"/topics/{topic.id}/invitations/424242"), 404)
    r = sec.delete(f"/topics/{topic.id}/invitations/{inv['id']}")
    assert r.status_code == 204 and r.get_data() == b""
    assert_error(as_role("property").get(f"/topics/{topic.id}"), 404)


def test_invited_staff_see_one_topic_and_are_badged(as_role, world, topic, message):
    second = services.create_topic(world.user("resident"), world.courtyards["A1"], title="楼道堆物",
                                   body="x", category="safety")
    as_role("secretary").post(f"/topics/{topic.id}/invitations", {"organization_id": world.orgs["P"].id})
    prop = as_role("property")
    assert prop.get(f"/topics/{topic.id}").status_code == 200
    assert_error(prop.get(f"/topics/{second.id}"), 404)
    assert_error(prop.get(f"/courtyards/{topic.courtyard_id}"), 404)
    assert_error(prop.get(f"/courtyards/{topic.courtyard_id}/topics"), 404)
    assert prop.get("/courtyards").get_json()["total"] == 0
    assert [m["id"] for m in prop.get(f"/topics/{topic.id}/messages").get_json()["items"]] == [message.id]
    r = prop.post(f"/topics/{topic.id}/messages", {"body": "明天来修", "client_id": "p1"})
    assert r.status_code == 201 and r.get_json()["badge"] == {"kind": "property", "name": "方庄物业"}
    mine = prop.get("/invited-topics").get_json()
    assert [t["id"] for t in mine["items"]] == [topic.id] and mine["total"] == 1
    assert as_role("department").get("/invited-topics").get_json()["total"] == 0


# --- blocked words -------------------------------------------------------------------------

def test_blocked_words_routes(as_role, topic):
    admin = as_role("street_admin")
    r = admin.post("/admin/blocked-words", {"word": "傻瓜"})
    assert r.status_code == 201 and set(r.get_json()) == {"id", "word", "created_at"}
    word_id = r.get_json()["id"]
    assert admin.get("/admin/blocked-words").get_json()["items"][0]["word"] == "傻瓜"
    assert_error(admin.post("/admin/blocked-words", {"word": "傻瓜"}), 422, "word")
    assert_error(admin.post("/admin/blocked-words", {"word": ""}), 422, "word")
    assert_error(admin.post("/admin/blocked-words", {}), 422, "word")
    for role in ("secretary", "staff", "resident"):
        assert_error(as_role(role).post("/admin/blocked-words", {"word": "x"}), 403)
        assert_error(as_role(role).get("/admin/blocked-words"), 403)
        assert_error(as_role(role).delete(f"/admin/blocked-words/{word_id}"), 403)
    assert_error(as_role("anonymous").get("/admin/blocked-words"), 401)

    err = assert_error(as_role("resident").post(f"/topics/{topic.id}/messages",
                                                {"body": "你这个傻瓜", "client_id": "b"}), 422, "body")
    assert "傻瓜" in err["fields"]["body"]
    assert admin.delete(f"/admin/blocked-words/{word_id}").status_code == 204
    assert_error(admin.delete(f"/admin/blocked-words/{word_id}"), 404)
    assert as_role("resident").post(f"/topics/{topic.id}/messages",
                                    {"body": "你这个傻瓜", "client_id": "b"}).status_code == 201


def test_every_new_route_is_in_the_openapi_document(api):
    paths = api.get("/openapi.json").get_json()["paths"]
    for path in ("/api/v1/messages/{message_id}/hide", "/api/v1/messages/{message_id}/reports",
                 "/api/v1/courtyards/{courtyard_id}/reports", "/api/v1/reports/{report_id}/resolve",
                 "/api/v1/topics/{topic_id}/merge", "/api/v1/topics/{topic_id}/invitations",
                 "/api/v1/admin/blocked-words", "/api/v1/notifications", "/api/v1/topics/{topic_id}/mute"):
        assert path in paths, path
