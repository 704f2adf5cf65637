"""The JSON API's errors for the district routes: the contract's error body, never a 500, nothing stored."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.districts.models import DistrictPost, DistrictThread, ExperienceCase
from courtyard.extensions import db

from .conftest import assert_error


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_errors_of_every_route(api, w):
    thread = w.thread()
    topic = w.topic()
    resident, station, secretary = api.as_(w.resident), api.as_(w.station), api.as_(w.secretary_one)
    assert_error(api.as_(None).get("/districts"), 401)
    assert_error(resident.get(f"/districts/{w.gu.id}"), 404)
    assert_error(secretary.get("/districts/987654"), 404)
    assert_error(resident.get(f"/districts/{w.gu.id}/threads"), 404)
    assert_error(resident.get(f"/districts/threads/{thread.id}"), 404)
    assert_error(resident.post(f"/districts/threads/{thread.id}/posts", {"body": "x"}), 404)
    assert_error(secretary.post(f"/districts/threads/{thread.id}/posts", "not json"), 400)
    assert_error(secretary.post(f"/districts/threads/{thread.id}/posts", {"body": 5}), 422, "body")
    assert_error(secretary.post(f"/districts/{w.gu.id}/threads", {"title": "x" * 101, "body": ""}), 422, "title", "body")
    assert_error(secretary.get(f"/districts/{w.gu.id}/threads?page=0"), 422, "page")
    assert_error(station.post("/districts", {"name": "芳星片区"}), 403)
    assert_error(api.as_(w.admin).post("/districts", {"name": ""}), 422, "name")
    assert_error(api.as_(w.admin).patch("/districts/987654", {"name": "x"}), 404)
    assert_error(api.as_(w.admin).post(f"/districts/{w.gu.id}/communities", {"community_id": 987654}), 404)
    assert_error(api.as_(w.admin).delete(f"/districts/{w.gu.id}/communities/{w.three.id}"), 404)
    assert_error(secretary.post(f"/districts/{w.gu.id}/staff", {"user_id": w.stranger.id}), 403)
    assert_error(resident.post(f"/topics/{topic.id}/raise-to-district", {"reason": "x"}), 403)
    assert_error(secretary.post(f"/topics/{topic.id}/raise-to-district", {}), 422, "reason")
    assert_error(secretary.post("/topics/987654/raise-to-district", {"reason": "x"}), 404)
    assert_error(secretary.post("/districts/cases", {"topic_id": topic.id, "summary": "x"}), 403)
    assert_error(station.post("/districts/cases", {"topic_id": topic.id, "summary": "x"}), 422, "topic_id")
    assert_error(station.post("/districts/cases", {"topic_id": "abc", "summary": "x"}), 422, "topic_id")
    assert_error(resident.get("/districts/cases?district_id=abc"), 422, "district_id")
    assert_error(resident.get("/districts/cases/987654"), 404)
    assert_error(api.as_(None).get("/districts/cases"), 401)
    assert count(DistrictPost) == 0 and count(ExperienceCase) == 0 and count(DistrictThread) == 1


@pytest.mark.parametrize("body", [{"reason": "\ud800"}, {"reason": ["a"]}, {"reason": {"a": 1}}, {"reason": "x" * 1001}])
def test_malformed_reasons_are_invalid_and_raise_nothing(api, w, body):
    topic = w.topic()
    assert_error(api.as_(w.secretary_one).post(f"/topics/{topic.id}/raise-to-district", body), 422)
    assert count(DistrictThread) == 0


def test_a_raised_topic_and_its_case_as_json(api, w):
    topic = w.solved_topic()
    r = api.as_(w.staff_one).post(f"/topics/{topic.id}/raise-to-district", {"reason": "几个社区都有"})
    assert r.status_code == 201
    thread = r.get_json()
    assert thread["source_topic"] == {"id": topic.id, "title": topic.title, "courtyard_id": w.cy_one.id}
    assert thread["community_id"] == w.one.id and thread["status"] == "open"
    case = api.as_(w.station).post("/districts/cases", {"topic_id": topic.id, "summary": "物业出资安装"}).get_json()
    assert api.as_(w.resident).get(f"/districts/cases/{case['id']}").get_json()["topic_id"] == topic.id
    assert api.as_(w.secretary_three).get(f"/districts/cases/{case['id']}").get_json()["topic_id"] is None
    assert api.as_(w.secretary_three).get("/districts/cases").get_json()["total"] == 1
