"""Notifications grouped: one unread entry per task (all its task_* steps) or per topic (its
status changes), under one id, pushed again as it grows; read, the next step starts anew."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtyard import events
from courtyard.notifications import grouping
from courtyard.notifications import services as notifications
from courtyard.notifications.models import Notification
from courtyard.tasks import services as tasks

from ..tasks.conftest import World
from ..web.browser import Browser


@pytest.fixture
def w(make) -> World:
    return World(make)


def entries(user, *, unread=True):
    q = Notification.query.filter_by(user_id=user.id)
    if unread:
        q = q.filter(Notification.read_at.is_(None))
    return q.order_by(Notification.id).all()


def thirteen_steps(w, task):
    """accepted; then four rounds of in progress, done, reopened: 13 steps the dispatcher hears of."""
    tasks.add_update(w.staff, task, status="accepted")
    for _ in range(4):
        tasks.add_update(w.staff, task, status="in_progress")
        tasks.add_update(w.staff, task, status="done", note="修好了", photo_ids=[w.photo()])
        tasks.verify(w.lead, task, accepted=False, note="还在漏")


def test_thirteen_steps_of_a_task_make_one_unread_entry(w):
    task = w.task()
    with events.capture() as sent:
        thirteen_steps(w, task)
    [entry] = [n for n in entries(w.secretary) if n.kind.startswith("task_")]
    assert entry.data["count"] == 13 and entry.data["group"] == f"task:{task.id}"
    assert entry.kind == "task_reopened"  # the latest step's kind and sentence
    assert len(entry.data["steps"]) == grouping.STEPS_KEPT
    assert [s["kind"] for s in entry.data["steps"]][-3:] == ["task_status", "task_done", "task_reopened"]
    pushed = [p for e, room, p in sent if e == "notification.created" and room == f"user:{w.secretary.id}"
              and p["kind"].startswith("task_")]
    assert len(pushed) == 13 and {p["id"] for p in pushed} == {entry.id}  # live: the same entry each time
    assert [p["count"] for p in pushed] == list(range(1, 14))
    last = pushed[-1]
    assert last["group"] == f"task:{task.id}" and len(last["steps"]) == grouping.STEPS_KEPT
    assert all(s["text"] and s["at"] for s in last["steps"])
    assert notifications.unread_count(w.secretary) == len(entries(w.secretary))


def test_each_task_has_its_own_entry_and_reading_starts_a_new_one(w):
    topic = w.topic()
    first = w.task(topic)
    second = w.task(topic, assignee_org_id=w.department.id)
    for task, staff in ((first, w.staff), (second, w.dept_staff)):
        tasks.add_update(staff, task, status="accepted")
        tasks.add_update(staff, task, status="in_progress")
    groups = {n.data["group"]: n.data["count"] for n in entries(w.author) if n.kind.startswith("task_")}
    assert groups == {f"task:{first.id}": 2, f"task:{second.id}": 2}
    [entry] = [n for n in entries(w.author) if n.data["group"] == f"task:{first.id}"]
    notifications.mark_read(w.author, entry)
    w.done(first)
    [fresh] = [n for n in entries(w.author) if n.data.get("group") == f"task:{first.id}"]
    assert fresh.id != entry.id and fresh.data["count"] == 1 and fresh.kind == "task_done"


def test_a_topics_status_changes_gather_in_one_entry(w):
    topic = w.topic()
    tasks_first = w.task(topic)  # open → decided
    w.done(tasks_first)
    tasks.verify(w.lead, tasks_first, accepted=True)  # decided → closed (已办结)
    [entry] = [n for n in entries(w.author) if n.kind == "status"]
    assert entry.data["group"] == f"topic:{topic.id}" and entry.data["count"] == 2
    assert [s["data"]["status"] for s in entry.data["steps"]] == ["decided", "closed"]


def test_the_pure_rules():
    assert grouping.group_key("task_done", {"task_id": 7}, 3) == "task:7"
    assert grouping.group_key("status", {}, 3) == "topic:3"
    assert grouping.group_key("reply", {}, 3) == "reply:3"
    assert grouping.group_key("invitation", {}, 3) is None
    assert grouping.group_key("status", {}, None) is None
    first = grouping.gathered(None, "task_status", {"title": "t", "task_id": 1, "status": "accepted"}, "a", "task:1")
    assert first["count"] == 1 and first["steps"] == [{"kind": "task_status", "at": "a", "data": {"status": "accepted"}}]
    # an entry stored before steps were kept becomes the first step
    older = grouping.gathered(("task_assigned", {"title": "t", "task_id": 1, "count": 1}, "z"), "task_status",
                              {"title": "t", "task_id": 1, "status": "accepted"}, "b", "task:1")
    assert older["count"] == 2 and [s["kind"] for s in older["steps"]] == ["task_assigned", "task_status"]
    replies = grouping.gathered(("reply", {"count": 4}, "z"), "reply", {"actor": "x"}, "b", "reply:1")
    assert replies["count"] == 5 and "steps" not in replies


def test_the_centre_shows_the_count_and_the_steps(w, app):
    task = w.task()
    thirteen_steps(w, task)
    page = Browser(app.test_client()).login(w.secretary).text("/notifications")  # Chinese, the default
    assert "13 条进展" in page
    assert page.count('class="notification-step"') == grouping.STEPS_KEPT
    english = Browser(app.test_client()).english().login(w.secretary).text("/notifications")
    assert "13 steps" in english


task_steps = st.lists(st.sampled_from(["task_assigned", "task_status", "task_done", "task_reopened",
                                       "task_escalated", "task_overdue"]), min_size=1, max_size=40)


@given(task_steps)
def test_any_run_of_steps_counts_them_all_and_keeps_the_latest(kinds):
    data = None
    for i, kind in enumerate(kinds):
        previous = (kinds[i - 1], data, f"t{i - 1}") if data is not None else None
        data = grouping.gathered(previous, kind, {"title": "t", "task_id": 5, "n": i}, f"t{i}", "task:5")
    assert data["count"] == len(kinds) and data["n"] == len(kinds) - 1
    assert [s["kind"] for s in data["steps"]] == kinds[-grouping.STEPS_KEPT:]
    assert [s["at"] for s in data["steps"]] == [f"t{i}" for i in range(len(kinds))][-grouping.STEPS_KEPT:]
    assert all("title" not in s["data"] and "task_id" not in s["data"] for s in data["steps"])
