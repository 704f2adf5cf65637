"""The task routes of CONTRACT §4 over JSON: the whole loop, shapes, and the error for each wrong move."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from courtyard.extensions import db
from courtyard.tasks.models import Task

from .conftest import assert_error, png_bytes

TASK_FIELDS = {"id", "topic_id", "proposal_id", "courtyard_id", "community_id", "title", "category", "status",
               "assignee_org", "assignee_org_id", "topic", "created_by", "created_at", "updated_at", "due_at",
               "accepted_at", "started_at", "done_at", "verified_at", "overdue", "escalation_level", "ratings", "seq"}


def upload(api, user) -> int:
    r = api.as_(user).post("/uploads", data={"file": (io.BytesIO(png_bytes()), "after.png")},
                           content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_the_loop_over_json(w, api):
    topic = w.topic()
    sec, staff, author, neighbour = (api.as_(u) for u in (w.secretary, w.staff, w.author, w.neighbour))
    r = sec.post(f"/topics/{topic.id}/tasks", {})
    assert r.status_code == 201
    task = r.get_json()
    assert TASK_FIELDS | {"timeline", "escalations", "my_rating", "can"} == set(task)
    assert task["status"] == "assigned" and task["assignee_org"] == {"id": w.org.id, "name": w.org.name,
                                                                     "kind": "property"}
    assert task["overdue"] is False and task["escalation_level"] == 0
    assert task["due_at"].endswith("+00:00")
    tid = task["id"]
    assert staff.get(f"/tasks/{tid}").get_json()["can"]["work"] is True
    for status in ("accepted", "in_progress"):
        r = staff.post(f"/tasks/{tid}/updates", {"status": status})
        assert r.status_code == 201 and r.get_json()["status"] == status
    photo = upload(api, w.staff)
    r = staff.post(f"/tasks/{tid}/updates", {"status": "done", "note": "修好了", "photo_ids": [photo]})
    assert r.status_code == 201
    body = r.get_json()
    assert body["status"] == "done"
    assert body["timeline"][-1]["photos"] == [{"id": photo, "url": f"/uploads/{photo}"}]
    assert author.get(f"/tasks/{tid}").get_json()["can"]["verify"] is True
    r = author.post(f"/tasks/{tid}/verification", {"accepted": True, "note": "看过了"})
    assert r.status_code == 200 and r.get_json()["status"] == "verified"
    r = neighbour.post(f"/tasks/{tid}/ratings", {"score": "satisfied"})
    assert r.status_code == 201 and r.get_json()["my_rating"] == "satisfied"
    r = neighbour.post(f"/tasks/{tid}/ratings", {"score": "unsatisfied"})
    assert r.status_code == 200 and r.get_json()["ratings"] == {"satisfied": 0, "basically_satisfied": 0,
                                                                 "unsatisfied": 1}
    kinds = [(u["kind"], u["to_status"]) for u in neighbour.get(f"/tasks/{tid}").get_json()["timeline"]]
    assert kinds == [("created", "assigned"), ("status", "accepted"), ("status", "in_progress"), ("status", "done"),
                     ("verified", "verified")]


def test_from_an_adopted_proposal(w, api, fake_clock):
    from courtyard.voting import services as voting
    topic = w.topic()
    proposal = voting.create_proposal(w.secretary, topic, title="重做屋面防水", body="维修资金")
    sec = api.as_(w.secretary)
    assert_error(sec.post(f"/proposals/{proposal.id}/tasks", {}), 409)
    voting.open_ballot(w.secretary, proposal, rule="majority", closes_at=fake_clock.now() + timedelta(hours=1))
    voting.cast_vote(w.author, proposal, "yes")
    voting.close_ballot(w.secretary, proposal)
    assert_error(api.as_(w.author).post(f"/proposals/{proposal.id}/tasks", {}), 403)
    assert_error(api.as_(w.outsider).post(f"/proposals/{proposal.id}/tasks", {}), 404)
    r = sec.post(f"/proposals/{proposal.id}/tasks", {"assignee_org_id": w.department.id, "title": "屋面防水"})
    assert r.status_code == 201
    assert (r.get_json()["proposal_id"], r.get_json()["title"]) == (proposal.id, "屋面防水")
    assert_error(sec.post("/proposals/999999/tasks", {}), 404)


def test_wrong_people_wrong_moves_wrong_bodies(w, api):
    topic = w.topic()
    tid = api.as_(w.secretary).post(f"/topics/{topic.id}/tasks", {}).get_json()["id"]
    staff = api.as_(w.staff)
    # dispatching
    assert_error(api.as_(w.author).post(f"/topics/{topic.id}/tasks", {}), 403)
    assert_error(api.as_(w.outsider).post(f"/topics/{topic.id}/tasks", {}), 404)
    assert_error(api.as_(None).post(f"/topics/{topic.id}/tasks", {}), 401)
    assert_error(api.as_(w.secretary).post(f"/topics/{topic.id}/tasks", {"assignee_org_id": "x"}), 422,
                 "assignee_org_id")
    assert_error(api.as_(w.secretary).post(f"/topics/{topic.id}/tasks", {"due_at": "soon"}), 422, "due_at")
    assert_error(api.as_(w.secretary).post(f"/topics/{topic.id}/tasks", {}), 409)  # the same org again
    # the lifecycle
    assert_error(api.as_(w.author).post(f"/tasks/{tid}/updates", {"status": "accepted"}), 403)
    assert_error(api.as_(w.other_staff).post(f"/tasks/{tid}/updates", {"status": "accepted"}), 404)
    photo = upload(api, w.staff)
    assert_error(staff.post(f"/tasks/{tid}/updates", {"status": "done", "note": "x", "photo_ids": [photo]}), 409)
    assert_error(staff.post(f"/tasks/{tid}/updates", {"status": "verified"}), 409)
    assert_error(staff.post(f"/tasks/{tid}/updates", {"status": "nonsense"}), 422, "status")
    assert_error(staff.post(f"/tasks/{tid}/updates", {"photo_ids": "1"}), 422, "photo_ids")
    assert_error(staff.post(f"/tasks/{tid}/updates", "[]"), 400)
    assert_error(staff.post(f"/tasks/{tid}/updates", data="note=x"), 400)
    assert_error(api.as_(w.author).post(f"/tasks/{tid}/verification", {"accepted": True}), 409)
    assert_error(api.as_(w.neighbour).post(f"/tasks/{tid}/verification", {"accepted": True}), 403)
    assert_error(api.as_(w.author).post(f"/tasks/{tid}/verification", {}), 422, "accepted")
    assert_error(api.as_(w.neighbour).post(f"/tasks/{tid}/ratings", {"score": "satisfied"}), 409)
    assert_error(api.as_(w.neighbour).post(f"/tasks/{tid}/ratings", {"score": "great"}), 422, "score")
    assert_error(staff.post(f"/tasks/{tid}/ratings", {"score": "satisfied"}), 403)
    # unknown tasks
    for path in ("/tasks/999999", "/tasks/0"):
        assert_error(staff.get(path), 404)
    assert_error(staff.post("/tasks/999999/updates", {"note": "x"}), 404)
    assert_error(api.as_(w.outsider).get(f"/tasks/{tid}"), 404)


@pytest.mark.parametrize("steps, skip", [
    ((), "done"), ((), "in_progress"), (("accepted",), "done"), ((), "verified"),
    (("accepted", "in_progress"), "accepted"),
])
@pytest.mark.parametrize("with_photo", [False, True])
def test_a_skip_is_a_conflict_with_or_without_a_photo(w, api, steps, skip, with_photo):
    """CONTRACT §4's lifecycle: a move that skips a state answers 409 and changes nothing."""
    tid = api.as_(w.secretary).post(f"/topics/{w.topic().id}/tasks", {}).get_json()["id"]
    staff = api.as_(w.staff)
    for step in steps:
        assert staff.post(f"/tasks/{tid}/updates", {"status": step}).status_code == 201
    before = staff.get(f"/tasks/{tid}").get_json()
    body = {"status": skip, "note": "修好了"}
    if with_photo:
        body["photo_ids"] = [upload(api, w.staff)]
    assert_error(staff.post(f"/tasks/{tid}/updates", body), 409)
    assert_error(staff.post(f"/tasks/{tid}/updates", {"status": skip}), 409)
    after = staff.get(f"/tasks/{tid}").get_json()
    assert (after["status"], after["seq"], after["timeline"]) == (before["status"], before["seq"],
                                                                  before["timeline"])


def test_escalations_over_json(w, api):
    tid = api.as_(w.secretary).post(f"/topics/{w.topic().id}/tasks", {}).get_json()["id"]
    assert_error(api.as_(w.author).post(f"/tasks/{tid}/escalations", {"reason": "慢"}), 403)
    assert_error(api.as_(w.secretary).post(f"/tasks/{tid}/escalations", {}), 422, "reason")
    r = api.as_(w.secretary).post(f"/tasks/{tid}/escalations", {"reason": "三天没人来"})
    assert r.status_code == 201 and r.get_json()["escalation_level"] == 1
    e = r.get_json()["escalations"][0]
    assert (e["level"], e["target"], e["reason"], e["acknowledged_at"]) == (1, "community", "三天没人来", None)
    r = api.as_(w.secretary).post(f"/tasks/{tid}/escalations", {"reason": "要城管", "to_org_id": w.department.id})
    assert r.get_json()["escalation_level"] == 2
    inbox = api.as_(w.community_staff).get("/escalations?pending=true").get_json()
    assert inbox["total"] == 1 and inbox["items"][0]["id"] == e["id"]
    assert api.as_(w.dept_staff).get("/escalations").get_json()["total"] == 1
    assert api.as_(w.admin).get("/escalations?scope=all").get_json()["total"] == 2
    assert_error(api.as_(w.community_staff).get("/escalations?pending=maybe"), 422, "pending")
    assert_error(api.as_(w.secretary).post(f"/escalations/{e['id']}/acknowledgement", {}), 403)
    assert_error(api.as_(w.outsider).post(f"/escalations/{e['id']}/acknowledgement", {}), 404)
    r = api.as_(w.community_staff).post(f"/escalations/{e['id']}/acknowledgement", {"note": "已协调"})
    assert r.status_code == 200 and r.get_json()["acknowledged_by"]["id"] == w.community_staff.id
    assert r.get_json()["hours_to_acknowledge"] is not None
    assert_error(api.as_(w.community_staff).post(f"/escalations/{e['id']}/acknowledgement", {}), 409)


def test_lists_agree_with_objects_and_filter(w, api, make):
    mine = api.as_(w.secretary).post(f"/topics/{w.topic().id}/tasks", {}).get_json()["id"]
    second = api.as_(w.secretary).post(f"/topics/{w.topic(title='楼道灯').id}/tasks",
                                       {"assignee_org_id": w.department.id}).get_json()["id"]
    for person in (w.secretary, w.author, w.staff, w.dept_staff, w.community_staff, w.admin, w.outsider,
                   w.other_staff, w.other_community_staff):
        client = api.as_(person)
        listed = {t["id"] for t in client.get("/tasks?per_page=100").get_json()["items"]}
        readable = {t for t in (mine, second) if client.get(f"/tasks/{t}").status_code == 200}
        assert listed == readable, person.display_name
    staff = api.as_(w.staff)
    assert [t["id"] for t in staff.get("/tasks").get_json()["items"]] == [mine]
    assert api.as_(w.admin).get(f"/tasks?org_id={w.department.id}").get_json()["total"] == 1
    assert api.as_(w.admin).get("/tasks?status=assigned").get_json()["total"] == 2
    assert api.as_(w.admin).get(f"/tasks?courtyard_id={w.courtyard.id}").get_json()["total"] == 2
    item = api.as_(w.admin).get("/tasks").get_json()["items"][0]
    assert TASK_FIELDS == set(item)
    assert_error(api.as_(w.admin).get("/tasks?status=nope"), 422, "status")
    assert_error(api.as_(w.admin).get("/tasks?org_id=abc"), 422, "org_id")
    assert_error(api.as_(None).get("/tasks"), 401)
    topic_tasks = api.as_(w.author).get(f"/topics/{db.session.get(Task, mine).topic_id}/tasks").get_json()
    assert [t["id"] for t in topic_tasks["items"]] == [mine]


def test_the_policy_over_json(w, api):
    staff = api.as_(w.community_staff)
    body = staff.get(f"/communities/{w.community.id}/task-policy").get_json()
    assert body["source"] in ("street", "initial") and len(body["service_hours"]) == 10
    r = staff.request("PUT", f"/communities/{w.community.id}/task-policy", {
        "reminder_hours": 4, "level1_after_hours": 8, "level2_after_hours": 24,
        "service_hours": {"repairs": 12, "parking": None}})
    assert r.status_code == 200
    body = r.get_json()
    assert body["source"] == "community" and body["reminder_hours"] == 4
    assert {"category": "repairs", "own": True, "hours": 12} in body["service_hours"]
    assert_error(staff.request("PUT", f"/communities/{w.community.id}/task-policy", {"reminder_hours": 4}), 422,
                 "level1_after_hours")
    assert_error(staff.request("PUT", f"/communities/{w.community.id}/task-policy", {
        "reminder_hours": 4, "level1_after_hours": 8, "level2_after_hours": 2}), 422, "level2_after_hours")
    assert_error(api.as_(w.secretary).get(f"/communities/{w.community.id}/task-policy"), 403)
    assert_error(api.as_(w.other_community_staff).request("PUT", f"/communities/{w.community.id}/task-policy", {}), 403)
    assert_error(staff.get("/communities/999999/task-policy"), 404)
    assert_error(staff.get("/task-policy"), 403)
    assert api.as_(w.admin).request("PUT", "/task-policy", {"reminder_hours": 1, "level1_after_hours": 2,
                                                  "level2_after_hours": 3}).status_code == 200


@pytest.mark.parametrize("path", ["/tasks/{id}/updates", "/tasks/{id}/verification", "/tasks/{id}/ratings",
                                  "/tasks/{id}/escalations"])
def test_403_before_the_body_is_read(w, api, path):
    tid = api.as_(w.secretary).post(f"/topics/{w.topic().id}/tasks", {}).get_json()["id"]
    wrong = {"/tasks/{id}/updates": w.author, "/tasks/{id}/verification": w.staff,
             "/tasks/{id}/ratings": w.staff, "/tasks/{id}/escalations": w.staff}[path]
    assert_error(api.as_(wrong).post(path.format(id=tid), data="garbage", content_type="text/plain"), 403)
