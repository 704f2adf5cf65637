"""The pool's JSON routes: the contract's error body for every refusal, never a 500."""
from __future__ import annotations

import pytest

from .conftest import assert_error


@pytest.fixture
def as_(api):
    return lambda user: api.as_(user)


def test_create_read_and_list(w, as_):
    admin = as_(w.admin)
    r = admin.post("/projects", {"title": "芳城园加装电梯", "owner_org_id": w.dept.id, "budget_amount": 1200000,
                                 "budget_source": "district_finance", "budget_note": "区财政补贴 + 居民自筹",
                                 "task_id": w.task.id, "milestones": [{"title": "意见征询", "due_on": "2027-01-15"}]})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["budget"] == {"amount": "1200000.00", "currency": "CNY", "source": "district_finance",
                              "note": "区财政补贴 + 居民自筹"}
    assert body["links"][0]["task_id"] == w.task.id and body["courtyard_ids"] == [w.east.id]
    assert body["milestones"][0]["due_on"] == "2027-01-15"
    pid = body["id"]
    assert as_(w.resident).get(f"/projects/{pid}").status_code == 200
    assert_error(as_(w.outsider).get(f"/projects/{pid}"), 404)
    assert_error(as_(None).get("/projects"), 401)
    assert as_(w.staff).get(f"/projects?org_id={w.dept.id}").get_json()["total"] == 1
    assert as_(w.staff).get(f"/projects?community_id={w.elsewhere.building.community_id}").get_json()["total"] == 0
    assert as_(w.staff).get("/projects?org_id=99999999999").get_json()["total"] == 0
    assert_error(as_(w.staff).get("/projects?org_id=abc"), 422, "org_id")


@pytest.mark.parametrize("body,field", [
    ({"title": "x", "owner_org_id": "nope", "budget_source": "street_fund"}, "owner_org_id"),
    ({"title": "x", "budget_source": "street_fund", "budget_amount": "1,2,3.4.5"}, "budget_amount"),
    ({"title": "x", "budget_source": "street_fund", "budget_amount": [1]}, "budget_amount"),
    ({"title": "x", "budget_source": 7}, "budget_source"),
    ({"title": "\x00", "budget_source": "street_fund"}, "title"),
    ({"title": "x", "budget_source": "street_fund", "milestones": [{"title": "a", "due_on": "soon"}]}, "milestones"),
    ({"title": "x", "budget_source": "street_fund", "milestones": "abc"}, "milestones"),
])
def test_bad_bodies_are_422_naming_the_field(w, as_, body, field):
    body = {"owner_org_id": w.dept.id, **body}
    assert_error(as_(w.admin).post("/projects", body), 422, field)


def test_malformed_json_and_wrong_people(w, as_, api):
    admin = as_(w.admin)
    r = api.as_(w.admin).request("POST", "/projects", data="{nope", content_type="application/json")
    assert_error(r, 400)
    assert_error(as_(w.dept_staff).post("/projects", {"title": "x"}), 403)
    pid = w.project().id
    assert_error(admin.patch(f"/projects/{pid}", {"status": "flying"}), 422, "status")
    assert_error(admin.patch(f"/projects/{pid}/milestones/123456", {"done": True}), 404)
    assert_error(admin.patch(f"/projects/{pid}/milestones/1", {"done": "maybe"}), 422, "done")
    assert_error(admin.post(f"/projects/{pid}/links", {"topic_id": w.far_topic.id * 0 + 99999999}), 422, "topic_id")
    assert_error(as_(w.staff).post(f"/projects/{pid}/links", {"topic_id": w.far_topic.id}), 422, "topic_id")
    assert_error(as_(w.resident).post(f"/projects/{pid}/links", {"topic_id": w.topic.id}), 403)
    assert_error(admin.delete(f"/projects/{pid}/links/999999"), 404)
    assert_error(admin.get("/projects/999999"), 404)
    assert_error(admin.patch(f"/projects/{pid}", {"status": "completed"}), 409)


def test_a_patch_whose_move_is_refused_changes_nothing(w, as_):
    pid = w.project().id
    admin = as_(w.admin)
    assert_error(admin.patch(f"/projects/{pid}", {"title": "新名字", "status": "completed"}), 409)
    assert_error(admin.patch(f"/projects/{pid}", {"title": "新名字", "status": "nope"}), 422, "status")
    assert_error(as_(w.dept_staff).patch(f"/projects/{pid}", {"title": "新名字", "status": "approved"}), 403)
    assert admin.get(f"/projects/{pid}").get_json()["title"] == "老旧小区电动车集中充电棚改造"
    r = admin.patch(f"/projects/{pid}", {"title": "新名字", "status": "approved", "note": "批复"})
    assert r.status_code == 200 and r.get_json()["title"] == "新名字" and r.get_json()["status"] == "approved"
