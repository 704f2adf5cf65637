"""CONTRACT §4 "Topics and messages" over /api/v1 with bearer tokens."""
from __future__ import annotations

import io

import pytest

from courtyard import events
from courtyard.deliberation import services
from courtyard.deliberation.models import Category, Topic
from courtyard.extensions import db

from ..api.conftest import assert_error
from ..uploads.images import image_bytes

TOO_BIG = 10**20
TOPIC_KEYS = {"id", "courtyard_id", "title", "body", "category", "status", "locked", "pinned", "merged_into_id", "place", "location",
              "author", "support_count", "message_count", "photos", "created_at", "updated_at",
              "last_activity_at", "supported"}
MESSAGE_KEYS = {"id", "topic_id", "author", "body", "client_id", "badge", "hidden", "created_at"}

READERS = ("resident", "building_lead", "secretary", "staff", "street_admin")
NOT_READERS = ("pending", "other_staff", "property", "department", "neighbour", "outsider")


@pytest.fixture
def a1(world):
    return world.courtyards["A1"]


@pytest.fixture
def topic(world, a1):
    return services.create_topic(world.user("resident"), a1, title="电动车棚漏雨", body="下雨天车棚顶漏水，电瓶车淋湿。",
                                 category="facilities")


def new_topic(**over):
    return {"title": "楼顶漏雨", "body": "顶层 601 天花板渗水", "category": "repairs", **over}


# --- categories ------------------------------------------------------------------------------

def test_categories_are_labelled_in_the_callers_language(api):
    zh = api.get("/categories").get_json()
    en = api.get("/categories", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()
    assert [c["code"] for c in zh] == [c.value for c in Category] == [c["code"] for c in en]
    assert all(set(c) == {"code", "label"} for c in zh)
    labels_zh, labels_en = {c["code"]: c["label"] for c in zh}, {c["code"]: c["label"] for c in en}
    assert labels_zh["sanitation"] == "环境卫生" and labels_zh["parking"] == "停车"
    assert labels_en["sanitation"] == "Sanitation" and labels_en["parking"] == "Parking"


# --- raising and reading ---------------------------------------------------------------------

@pytest.mark.parametrize("role", ["resident", "building_lead", "secretary", "staff"])
def test_members_and_staff_raise_topics(as_role, a1, role):
    with events.capture() as sent:
        r = as_role(role).post(f"/courtyards/{a1.id}/topics", new_topic())
    assert r.status_code == 201, r.get_json()
    t = r.get_json()
    assert set(t) == TOPIC_KEYS
    assert (t["title"], t["category"], t["status"], t["support_count"], t["supported"]) == (
        "楼顶漏雨", "repairs", "open", 0, False)
    assert [(e, room, p["id"]) for e, room, p in sent if e.startswith("topic.")] == [
        ("topic.created", f"courtyard:{a1.id}", t["id"])]
    assert "supported" not in sent[0][2]  # events carry what everyone may see, nothing about one reader


@pytest.mark.parametrize("role", NOT_READERS)
def test_people_outside_the_courtyard_cannot_raise_or_learn_it_exists(as_role, a1, role):
    assert_error(as_role(role).post(f"/courtyards/{a1.id}/topics", new_topic()), 404)
    assert db.session.query(Topic).count() == 0


def test_raising_needs_a_login_and_a_known_courtyard(as_role, a1):
    assert_error(as_role("anonymous").post(f"/courtyards/{a1.id}/topics", new_topic()), 401)
    assert_error(as_role("resident").post("/courtyards/987654/topics", new_topic()), 404)
    assert_error(as_role("resident").post(f"/courtyards/{TOO_BIG}/topics", new_topic()), 404)


@pytest.mark.parametrize("body, fields", [
    ({"title": " ", "body": "x", "category": "repairs"}, ("title",)),
    ({"title": "x" * 101, "body": "x", "category": "repairs"}, ("title",)),
    ({"title": "t", "body": "", "category": "roof"}, ("body", "category")),
    ({"title": "t", "body": "b"}, ("category",)),
    ({"title": 5, "body": "b", "category": "repairs"}, ("title",)),
    ({"title": "t", "body": "b", "category": "repairs", "photo_ids": [987654]}, ("photo_ids",)),
    ({"title": "t", "body": "b", "category": "repairs", "photo_ids": [TOO_BIG]}, ("photo_ids",)),
    ({"title": "t", "body": "b", "category": "repairs", "photo_ids": "1"}, ("photo_ids",)),
    ({"title": "t", "body": "b", "category": "repairs", "photo_ids": list(range(1, 12))}, ("photo_ids",)),
    ({"title": "t\x00", "body": "b", "category": "repairs"}, ("title",)),
])
def test_bad_topics_are_invalid(as_role, a1, body, fields):
    assert_error(as_role("resident").post(f"/courtyards/{a1.id}/topics", body), 422, *fields)


def test_malformed_bodies_are_bad_requests(as_role, a1):
    client = as_role("resident")
    assert_error(client.post(f"/courtyards/{a1.id}/topics", data="{", content_type="application/json"), 400)
    assert_error(client.post(f"/courtyards/{a1.id}/topics", data="title=x", content_type="text/plain"), 400)
    assert_error(client.post(f"/courtyards/{a1.id}/topics", [1, 2]), 400)


def test_photos_are_the_authors_own_uploads(api, world, a1):
    resident, lead = world.user("resident"), world.user("building_lead")

    def photo(user):
        r = api.as_(user).post("/uploads", data={"file": (io.BytesIO(image_bytes()), "p.jpg", "image/jpeg")},
                               content_type="multipart/form-data")
        return r.get_json()["id"]

    mine, theirs = photo(resident), photo(lead)
    assert_error(api.as_(resident).post(f"/courtyards/{a1.id}/topics", new_topic(photo_ids=[theirs])), 422,
                 "photo_ids")
    r = api.as_(resident).post(f"/courtyards/{a1.id}/topics", new_topic(photo_ids=[mine]))
    assert r.status_code == 201
    assert r.get_json()["photos"] == [{"id": mine, "url": f"/uploads/{mine}"}]
    # Now the neighbours who read the topic may see the photo too.
    assert api.as_(lead).client.get(f"/uploads/{mine}", headers=api.as_(lead)._headers()).status_code == 200


@pytest.mark.parametrize("role", READERS)
def test_readers_get_a_topic(as_role, topic, role):
    r = as_role(role).get(f"/topics/{topic.id}")
    assert r.status_code == 200 and set(r.get_json()) == TOPIC_KEYS
    assert r.get_json()["author"]["display_name"] == topic.author.display_name


@pytest.mark.parametrize("role", NOT_READERS)
def test_others_do_not_learn_a_topic_exists(as_role, topic, role):
    assert_error(as_role(role).get(f"/topics/{topic.id}"), 404)
    assert_error(as_role(role).get(f"/topics/{topic.id}/messages"), 404)
    assert_error(as_role(role).post(f"/topics/{topic.id}/messages", {"body": "hi", "client_id": "c"}), 404)
    assert_error(as_role(role).post(f"/topics/{topic.id}/support"), 404)
    assert_error(as_role(role).patch(f"/topics/{topic.id}", {"status": "closed"}), 404)


def test_unknown_topics_and_anonymous_callers(as_role, topic):
    for path in ("/topics/987654", f"/topics/{TOO_BIG}", "/topics/987654/messages"):
        assert_error(as_role("resident").get(path), 404)
    assert_error(as_role("anonymous").get(f"/topics/{topic.id}"), 401)
    assert_error(as_role("anonymous").get(f"/courtyards/{topic.courtyard_id}/topics"), 401)


# --- lists -----------------------------------------------------------------------------------

def test_the_list_is_paginated_pinned_first_then_latest_activity(as_role, world, a1):
    author = world.user("resident")
    made = [services.create_topic(author, a1, title=f"议题{i}", body="b", category="other") for i in range(5)]
    made[1].pinned = True
    db.session.commit()
    client = as_role("secretary")
    first = client.get(f"/courtyards/{a1.id}/topics?per_page=2").get_json()
    second = client.get(f"/courtyards/{a1.id}/topics?per_page=2&page=2").get_json()
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 5)
    ids = [t["id"] for t in first["items"] + second["items"]]
    assert ids[0] == made[1].id and len(set(ids)) == 4
    assert ids[1:] == [made[4].id, made[3].id, made[2].id]
    assert_error(client.get(f"/courtyards/{a1.id}/topics?per_page=0"), 422, "per_page")
    assert_error(client.get(f"/courtyards/{a1.id}/topics?page=x"), 422, "page")


def test_the_list_filters_by_status_and_category(as_role, world, a1):
    author = world.user("resident")
    parking = services.create_topic(author, a1, title="乱停车", body="b", category="parking")
    leak = services.create_topic(author, a1, title="漏水", body="b", category="repairs")
    services.change_status(world.user("secretary"), leak, "deliberating")
    client = as_role("resident")

    def ids(query):
        r = client.get(f"/courtyards/{a1.id}/topics{query}")
        assert r.status_code == 200, r.get_json()
        return [t["id"] for t in r.get_json()["items"]]

    assert ids("?category=parking") == [parking.id]
    assert ids("?status=deliberating") == [leak.id]
    assert ids("?status=open&category=repairs") == []
    assert set(ids("")) == {parking.id, leak.id}
    assert_error(client.get(f"/courtyards/{a1.id}/topics?status=nope"), 422, "status")
    assert_error(client.get(f"/courtyards/{a1.id}/topics?category=nope"), 422, "category")


def test_the_list_says_which_topics_i_support(as_role, world, topic, a1):
    services.support(world.user("building_lead"), topic)
    items = as_role("building_lead").get(f"/courtyards/{a1.id}/topics").get_json()["items"]
    assert [(t["id"], t["supported"], t["support_count"]) for t in items] == [(topic.id, True, 1)]
    items = as_role("resident").get(f"/courtyards/{a1.id}/topics").get_json()["items"]
    assert [(t["supported"], t["support_count"]) for t in items] == [(False, 1)]


@pytest.mark.parametrize("role", NOT_READERS + ("anonymous",))
def test_outsiders_get_no_list(as_role, topic, role):
    status = 401 if role == "anonymous" else 404
    assert_error(as_role(role).get(f"/courtyards/{topic.courtyard_id}/topics"), status)


# --- support ---------------------------------------------------------------------------------

def test_support_is_idempotent(as_role, topic):
    client = as_role("building_lead")
    with events.capture() as sent:
        once = client.post(f"/topics/{topic.id}/support")
        twice = client.post(f"/topics/{topic.id}/support")
    assert once.status_code == twice.status_code == 200
    assert (once.get_json()["support_count"], once.get_json()["supported"]) == (1, True)
    assert (twice.get_json()["support_count"], twice.get_json()["supported"]) == (1, True)
    assert [e for e, _r, _p in sent if e.startswith("topic.")] == ["topic.updated"]
    assert as_role("building_lead").get(f"/topics/{topic.id}").get_json()["supported"] is True
    assert as_role("secretary").get(f"/topics/{topic.id}").get_json()["supported"] is False


def test_staff_who_live_elsewhere_cannot_support(as_role, topic):
    assert_error(as_role("staff").post(f"/topics/{topic.id}/support"), 403)


# --- status ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["secretary", "building_lead", "staff", "street_admin"])
def test_moderators_move_a_topic_along(as_role, topic, role):
    client = as_role(role)
    with events.capture() as sent:
        r = client.patch(f"/topics/{topic.id}", {"status": "deliberating"})
    assert r.status_code == 200 and r.get_json()["status"] == "deliberating"
    assert [(e, room) for e, room, _p in sent if e.startswith("topic.")] == [
        ("topic.updated", f"courtyard:{topic.courtyard_id}")]
    assert client.patch(f"/topics/{topic.id}", {"status": "decided"}).get_json()["status"] == "decided"
    assert client.patch(f"/topics/{topic.id}", {"status": "closed"}).get_json()["status"] == "closed"


def test_status_changes_that_are_not_allowed(as_role, world, topic):
    secretary = as_role("secretary")
    assert_error(secretary.patch(f"/topics/{topic.id}", {"status": "decided"}), 409)  # open → decided skips a step
    assert_error(secretary.patch(f"/topics/{topic.id}", {"status": "finished"}), 422, "status")
    assert_error(secretary.patch(f"/topics/{topic.id}", {"status": "merged"}), 422, "status")
    assert_error(secretary.patch(f"/topics/{topic.id}", {}), 422, "status")
    assert_error(secretary.patch(f"/topics/{topic.id}", data="x", content_type="text/plain"), 400)
    neighbour = world.user("building_lead")  # a moderator, but let a plain resident try:
    other = services.create_topic(neighbour, topic.courtyard, title="绿化", body="b", category="greening")
    assert_error(as_role("resident").patch(f"/topics/{other.id}", {"status": "closed"}), 403)
    assert_error(as_role("resident").patch(f"/topics/{other.id}", {"status": "withdrawn"}), 403)
    assert_error(as_role("resident").patch(f"/topics/{other.id}", {"status": "nonsense"}), 403)  # 403 before body


def test_the_author_may_withdraw_but_not_moderate(as_role, topic):
    author = as_role("resident")
    assert_error(author.patch(f"/topics/{topic.id}", {"status": "deliberating"}), 403)
    r = author.patch(f"/topics/{topic.id}", {"status": "withdrawn"})
    assert r.status_code == 200 and r.get_json()["status"] == "withdrawn"
    assert_error(author.patch(f"/topics/{topic.id}", {"status": "withdrawn"}), 409)
    assert_error(author.post(f"/topics/{topic.id}/messages", {"body": "还在吗", "client_id": "late"}), 403)


# --- messages --------------------------------------------------------------------------------

def test_posting_returns_201_then_200_for_a_repeated_client_id(as_role, topic):
    client = as_role("building_lead")
    with events.capture() as sent:
        first = client.post(f"/topics/{topic.id}/messages", {"body": "  我去看过了  ", "client_id": "abc-1"})
        again = client.post(f"/topics/{topic.id}/messages", {"body": "我去看过了", "client_id": "abc-1"})
    assert first.status_code == 201 and again.status_code == 200
    m = first.get_json()
    assert set(m) == MESSAGE_KEYS and m["body"] == "我去看过了" and m["client_id"] == "abc-1"
    assert again.get_json() == m
    assert [(e, room) for e, room, _p in sent if e.startswith("message.")] == [("message.posted", f"topic:{topic.id}")]
    items = client.get(f"/topics/{topic.id}/messages").get_json()["items"]
    assert [i["id"] for i in items] == [m["id"]]
    # The same client_id from someone else is their own message.
    other = as_role("secretary").post(f"/topics/{topic.id}/messages", {"body": "收到", "client_id": "abc-1"})
    assert other.status_code == 201 and other.get_json()["id"] != m["id"]


def test_messages_after_and_limit_in_ascending_order(as_role, world, topic):
    author = world.user("resident")
    ids = [services.post_message(author, topic, body=f"第{i}条", client_id=f"c{i}")[0].id for i in range(7)]
    client = as_role("secretary")

    def got(query):
        r = client.get(f"/topics/{topic.id}/messages{query}")
        assert r.status_code == 200, r.get_json()
        assert set(r.get_json()) == {"items"}
        return [m["id"] for m in r.get_json()["items"]]

    assert got("") == ids
    assert got(f"?after={ids[2]}") == ids[3:]
    assert got(f"?after={ids[2]}&limit=2") == ids[3:5]
    assert got(f"?after={ids[-1]}") == []
    assert got("?after=0&limit=1") == ids[:1]
    assert got(f"?after={TOO_BIG}") == []
    for query, field in (("?after=-1", "after"), ("?after=x", "after"), ("?limit=0", "limit"),
                         ("?limit=501", "limit"), ("?limit=ten", "limit")):
        assert_error(client.get(f"/topics/{topic.id}/messages{query}"), 422, field)


def test_a_message_is_text_between_1_and_2000_characters(as_role, topic):
    client = as_role("resident")
    path = f"/topics/{topic.id}/messages"
    assert_error(client.post(path, {"body": "   ", "client_id": "a"}), 422, "body")
    assert_error(client.post(path, {"body": "x" * 2001, "client_id": "b"}), 422, "body")
    assert_error(client.post(path, {"body": "hi"}), 422, "client_id")
    assert_error(client.post(path, {"body": "hi", "client_id": "x" * 65}), 422, "client_id")
    assert_error(client.post(path, {"body": ["hi"], "client_id": "c"}), 422, "body")
    assert_error(client.post(path, data="hi", content_type="text/plain"), 400)
    r = client.post(path, {"body": "<b>不是</b> HTML", "client_id": "d"})
    assert r.status_code == 201 and r.get_json()["body"] == "<b>不是</b> HTML"
    assert client.post(path, {"body": "x" * 2000, "client_id": "e"}).status_code == 201


def test_a_pending_member_gets_404_everywhere(as_role, topic):
    client = as_role("pending")
    assert_error(client.get(f"/topics/{topic.id}/messages"), 404)
    assert_error(client.post(f"/topics/{topic.id}/messages", {"body": "hi", "client_id": "c"}), 404)


def test_a_locked_topic_refuses_new_messages(as_role, topic):
    topic.locked = True
    db.session.commit()
    assert_error(as_role("resident").post(f"/topics/{topic.id}/messages", {"body": "hi", "client_id": "c"}), 403)
    assert as_role("resident").get(f"/topics/{topic.id}/messages").status_code == 200


def test_community_staff_messages_carry_a_badge(as_role, world, topic):
    r = as_role("staff").post(f"/topics/{topic.id}/messages", {"body": "社区已收到", "client_id": "s1"})
    assert r.status_code == 201
    assert r.get_json()["badge"] == {"kind": "community", "name": world.communities["C1"].name}
    r = as_role("resident").post(f"/topics/{topic.id}/messages", {"body": "谢谢", "client_id": "r1"})
    assert r.get_json()["badge"] is None


def test_the_openapi_document_describes_these_routes(api):
    doc = api.get("/openapi.json").get_json()
    for path, method in (("/api/v1/courtyards/{courtyard_id}/topics", "get"),
                         ("/api/v1/courtyards/{courtyard_id}/topics", "post"),
                         ("/api/v1/topics/{topic_id}", "patch"), ("/api/v1/topics/{topic_id}/support", "post"),
                         ("/api/v1/topics/{topic_id}/messages", "post"), ("/api/v1/categories", "get"),
                         ("/api/v1/uploads", "post")):
        assert method in doc["paths"][path], path
    assert "multipart/form-data" in doc["paths"]["/api/v1/uploads"]["post"]["requestBody"]["content"]
    from openapi_spec_validator import validate
    validate(doc)
