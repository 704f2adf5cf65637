"""/api/v1/notifications and /topics/<id>/mute: shapes and errors (CONTRACT §2, §4)."""
from __future__ import annotations

import pytest

from courtyard.deliberation import services

from ..api.conftest import assert_error


def reply(world, topic, body):
    services.post_message(world.user("secretary"), topic, body=body, client_id=body)


@pytest.fixture
def three(world, topic):
    """Three notifications for the resident: two topics' replies and a status change."""
    other = services.create_topic(world.user("resident"), world.courtyards["A1"], title="二", body="x",
                                  category="other")
    reply(world, topic, "一")
    reply(world, other, "二")
    services.change_status(world.user("secretary"), topic, "deliberating")
    return topic


def test_the_list_is_paginated_newest_first_and_filtered_by_unread(as_role, three):
    me = as_role("resident")
    r = me.get("/notifications?per_page=2")
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) == {"items", "page", "per_page", "total"} and body["total"] == 3 and len(body["items"]) == 2
    first = body["items"][0]
    assert set(first) == {"id", "kind", "text", "url", "topic_id", "created_at", "read", "count", "group", "steps"}
    assert first["kind"] == "status" and first["read"] is False
    assert me.get("/notifications/unread-count").get_json() == {"unread": 3}

    r = me.post(f"/notifications/{first['id']}/read")
    assert r.status_code == 200 and r.get_json()["read"] is True
    assert me.get("/notifications?unread=true").get_json()["total"] == 2
    assert me.get("/notifications?unread=false").get_json()["total"] == 1
    assert me.get("/notifications/unread-count").get_json() == {"unread": 2}

    r = me.post("/notifications/read-all")
    assert r.get_json() == {"updated": 2, "unread": 0}
    assert me.get("/notifications?unread=1").get_json()["items"] == []


def test_the_text_follows_the_callers_language(as_role, three):
    r = as_role("resident").get("/notifications", headers={"Accept-Language": "en"})
    assert r.get_json()["items"][-1]["text"].startswith(three.courtyard.building.name) is False
    assert "replied in" in r.get_json()["items"][-1]["text"]


def test_errors(as_role, three):
    assert_error(as_role("anonymous").get("/notifications"), 401)
    assert_error(as_role("anonymous").get("/notifications/unread-count"), 401)
    me = as_role("resident")
    assert_error(me.get("/notifications?unread=maybe"), 422, "unread")
    assert_error(me.get("/notifications?per_page=0"), 422, "per_page")
    mine = me.get("/notifications").get_json()["items"][0]["id"]
    assert_error(as_role("secretary").post(f"/notifications/{mine}/read"), 404)
    assert_error(me.post("/notifications/999999/read"), 404)
    assert_error(me.post("/notifications/99999999999999999999/read"), 404)
    assert as_role("secretary").get("/notifications").get_json()["total"] == 0


def test_mute_and_unmute(as_role, world, topic):
    me = as_role("resident")
    r = me.post(f"/topics/{topic.id}/mute")
    assert r.status_code == 200 and r.get_json() == {"topic_id": topic.id, "muted": True}
    assert me.post(f"/topics/{topic.id}/mute").get_json()["muted"] is True
    reply(world, topic, "静音")
    assert me.get("/notifications/unread-count").get_json() == {"unread": 0}
    r = me.delete(f"/topics/{topic.id}/mute")
    assert r.status_code == 200 and r.get_json() == {"topic_id": topic.id, "muted": False}
    reply(world, topic, "恢复")
    assert me.get("/notifications/unread-count").get_json() == {"unread": 1}


@pytest.mark.parametrize("role", ["outsider", "property", "neighbour", "other_staff"])
def test_mute_hides_whether_a_topic_exists(as_role, topic, role):
    assert_error(as_role(role).post(f"/topics/{topic.id}/mute"), 404)
    assert_error(as_role(role).delete(f"/topics/{topic.id}/mute"), 404)
    assert_error(as_role("resident").post("/topics/424242/mute"), 404)
    assert_error(as_role("anonymous").post(f"/topics/{topic.id}/mute"), 401)
