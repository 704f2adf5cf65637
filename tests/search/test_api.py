"""GET /api/v1/search and GET /api/v1/courtyards/<id>/topics/similar: shapes, errors, who sees what."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from courtyard.deliberation import moderation
from courtyard.extensions import db
from courtyard.search.models import SearchEntry
from courtyard.seeding.scale import Plan, seed_scale

from ..api.conftest import assert_error


def test_search_answers_the_page_envelope_with_marked_pieces(api, street):
    topic = street.topic("电动车棚漏水", "下雨天车都淋湿了。")
    message = street.say(topic, "车棚的顶棚破了一个洞")
    r = api.as_(street.resident).get("/api/v1/search?q=车棚&per_page=10")
    assert r.status_code == 200
    body = r.get_json()
    assert (body["total"], body["page"], body["per_page"], body["terms"]) == (2, 1, 10, ["车 棚"])
    kinds = {i["kind"]: i for i in body["items"]}
    assert kinds["topic"]["topic"]["id"] == topic.id and kinds["topic"]["message"] is None
    assert kinds["topic"]["topic"]["courtyard_name"].endswith("1号楼")
    assert {"text": "车棚", "hit": True} in kinds["topic"]["title"]
    assert kinds["message"]["message"]["id"] == message.id
    assert {"text": "车棚", "hit": True} in kinds["message"]["snippet"]
    only = api.as_(street.resident).get(f"/api/v1/search?q=车棚&kind=message&courtyard_id={street.a.id}").get_json()
    assert [i["kind"] for i in only["items"]] == ["message"]


def test_search_errors_follow_the_contract(api, street):
    me = api.as_(street.resident)
    assert_error(api.as_(None).get("/api/v1/search?q=车棚"), 401)
    assert_error(me.get("/api/v1/search"), 422, "q")
    assert_error(me.get("/api/v1/search?q="), 422, "q")
    assert_error(me.get("/api/v1/search?q=" + "车" * 101), 422, "q")
    assert_error(me.get("/api/v1/search?q=！！"), 422, "q")
    assert_error(me.get("/api/v1/search?q=车棚&kind=photo"), 422, "kind")
    assert_error(me.get("/api/v1/search?q=车棚&courtyard_id=x"), 422, "courtyard_id")
    assert_error(me.get("/api/v1/search?q=车棚&page=0"), 422, "page")
    assert_error(me.get("/api/v1/search?q=车棚&per_page=51"), 422, "per_page")
    assert_error(me.get("/api/v1/search", query_string={"q": "\x00车棚"}), 422, "q")


def test_a_resident_finds_neither_another_courtyard_nor_a_hidden_message(api, street):
    other = street.topic("车棚漏水", author=street.outsider, courtyard=street.b)
    topic = street.topic("楼道灯")
    moderation.hide_message(street.secretary, street.say(topic, "车棚那个人是骗子"))
    r = api.as_(street.resident).get("/api/v1/search?q=车棚").get_json()
    assert r["total"] == 0 and r["items"] == []
    assert api.as_(street.outsider).get("/api/v1/search?q=车棚").get_json()["items"][0]["topic"]["id"] == other.id
    hidden = api.as_(street.secretary).get("/api/v1/search?q=骗子").get_json()["items"]
    assert hidden[0]["message"]["hidden"] is True


def test_similar_topics_with_whether_the_caller_may_support(api, street):
    shed = street.topic("电动车棚漏水")
    mine = street.topic("车棚没有灯", author=street.neighbour)
    r = api.as_(street.neighbour).get(f"/api/v1/courtyards/{street.a.id}/topics/similar?title=车棚")
    assert r.status_code == 200
    items = {i["id"]: i for i in r.get_json()["items"]}
    assert set(items) == {shed.id, mine.id}
    assert items[shed.id]["can_support"] is True and items[shed.id]["supported"] is False
    assert items[mine.id]["can_support"] is False
    api.as_(street.neighbour).post(f"/api/v1/topics/{shed.id}/support")
    again = api.as_(street.neighbour).get(f"/api/v1/courtyards/{street.a.id}/topics/similar?title=车棚").get_json()
    assert {i["id"]: i["supported"] for i in again["items"]}[shed.id] is True


def test_similar_topics_errors(api, street):
    me = api.as_(street.resident)
    assert_error(me.get(f"/api/v1/courtyards/{street.a.id}/topics/similar"), 422, "title")
    assert_error(me.get(f"/api/v1/courtyards/{street.a.id}/topics/similar?title=" + "车" * 101), 422, "title")
    assert_error(api.as_(street.outsider).get(f"/api/v1/courtyards/{street.a.id}/topics/similar?title=车棚"), 404)
    assert_error(me.get("/api/v1/courtyards/99999999999/topics/similar?title=车棚"), 404)
    assert_error(api.as_(None).get(f"/api/v1/courtyards/{street.a.id}/topics/similar?title=车棚"), 401)
    assert me.get(f"/api/v1/courtyards/{street.a.id}/topics/similar?title=。。").get_json() == {"items": []}


def test_seed_scale_and_the_reindex_command_fill_the_index(app):
    counts = seed_scale(Plan(seed=3, communities=1, buildings=2, residents=40, days=20, topics_per_building=30,
                             until=date(2026, 6, 15)), echo=lambda *_: None)
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry))
    assert entries == counts["topics"] + counts["messages"] == counts["search_entries"]
    r = app.test_cli_runner().invoke(args=["search-reindex"])
    assert r.exit_code == 0 and f"{entries:,} entries" in r.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry)) == entries
