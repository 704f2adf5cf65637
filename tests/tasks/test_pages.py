"""Task pages through the Flask test client, without JavaScript: dispatch, the work queue, the task page's
buttons and photo form, acceptance and rating on the topic page, 吹哨 and 报到, the service-time page."""
from __future__ import annotations

import io
import re

import pytest

from courtyard.extensions import db
from courtyard.tasks import policy as service_policy
from courtyard.tasks import services
from courtyard.tasks.models import Task, TaskStatus

from .conftest import png_bytes




def fresh(task) -> Task:
    db.session.expire_all()
    return db.session.get(Task, task.id)


def test_the_secretary_dispatches_a_topic_from_its_page(w, open_as):
    topic = w.topic()
    b = open_as(w.secretary)
    html = b.text(f"/topics/{topic.id}")
    assert f'href="/topics/{topic.id}/tasks/new"' in html
    form = b.text(f"/topics/{topic.id}/tasks/new")
    assert "the building&#39;s property company" in form and w.department.name in form
    assert "The service time for Repairs and leaks is 72 hours." in form
    r = b.post(f"/topics/{topic.id}/tasks", {"assignee_org_id": str(w.org.id), "title": "", "due_at": ""})
    assert r.status_code == 302
    task = db.session.query(Task).one()
    assert r.headers["Location"].endswith(f"/tasks/{task.id}")
    assert (task.title, task.assignee_org_id) == (topic.title, w.org.id)
    page = b.text(f"/topics/{topic.id}")
    assert f'id="task-{task.id}"' in page and "Assigned" in page


def test_a_bad_dispatch_form_is_shown_again_with_its_error(w, open_as):
    topic = w.topic()
    b = open_as(w.secretary)
    r = b.post(f"/topics/{topic.id}/tasks", {"assignee_org_id": str(w.org.id), "due_at": "next week"})
    assert r.status_code == 422 and "Must be a date and time" in r.get_data(as_text=True)
    w.task(topic)
    r = b.post(f"/topics/{topic.id}/tasks", {"assignee_org_id": str(w.org.id)})
    assert r.status_code == 409 and "already has an open task" in r.get_data(as_text=True)


def test_residents_cannot_dispatch(w, open_as):
    topic = w.topic()
    b = open_as(w.author)
    assert "/tasks/new" not in b.text(f"/topics/{topic.id}")
    assert b.get(f"/topics/{topic.id}/tasks/new").status_code == 403
    assert b.post(f"/topics/{topic.id}/tasks", {"assignee_org_id": str(w.org.id)}).status_code == 403
    assert open_as(w.outsider).get(f"/topics/{topic.id}/tasks/new").status_code == 404


def test_the_property_manager_works_the_task_from_the_phone(w, open_as):
    task = w.task()
    b = open_as(w.staff)
    assert 'id="nav-tasks"' in b.text("/tasks")
    queue = b.text("/tasks")
    assert f'href="/tasks/{task.id}"' in queue and task.title in queue
    page = b.text(f"/tasks/{task.id}")
    assert "Take on the task" in page and "The discussion that led to it" in page
    assert b.post(f"/tasks/{task.id}/step", {"status": "accepted"}).status_code == 302
    assert "Start the work" in b.text(f"/tasks/{task.id}")
    b.post(f"/tasks/{task.id}/step", {"status": "in_progress"})
    page = b.text(f"/tasks/{task.id}")
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "Mark as done" in page
    # without a photo: refused, the note is kept
    r = b.post(f"/tasks/{task.id}/updates", {"done-status": "done", "done-note": "屋面已重做"},
               content_type="multipart/form-data")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Add at least one photo" in html and "屋面已重做" in html
    r = b.post(f"/tasks/{task.id}/updates", {"done-status": "done", "done-note": "屋面已重做",
                                             "done-photos": (io.BytesIO(png_bytes()), "after.png")},
               content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    task = fresh(task)
    assert task.status == TaskStatus.done
    photo = task.updates[-1].photos[0].upload_id
    assert b.get(f"/uploads/{photo}").status_code == 200
    assert open_as(w.neighbour).get(f"/uploads/{photo}").status_code == 200
    assert open_as(w.outsider).get(f"/uploads/{photo}").status_code == 404


def test_a_note_with_a_photo_and_a_bad_photo(w, open_as):
    task = w.task()
    b = open_as(w.staff)
    r = b.post(f"/tasks/{task.id}/updates",
               {"note-note": "材料已到", "note-photos": (io.BytesIO(b"not an image"), "x.png")},
               content_type="multipart/form-data")
    assert r.status_code == 422 and "x.png" in r.get_data(as_text=True)
    r = b.post(f"/tasks/{task.id}/updates", {"note-note": "材料已到",
                                             "note-photos": (io.BytesIO(png_bytes()), "site.png")},
               content_type="multipart/form-data")
    assert r.status_code == 302
    assert fresh(task).updates[-1].note == "材料已到"


def test_others_do_not_get_the_work_buttons(w, open_as):
    task = w.task()
    for person in (w.secretary, w.author, w.community_staff):
        b = open_as(person)
        assert "Take on the task" not in b.text(f"/tasks/{task.id}")
        assert b.post(f"/tasks/{task.id}/step", {"status": "accepted"}).status_code == 302
        assert fresh(task).status == TaskStatus.assigned  # refused, with a message
    assert open_as(w.author).post(f"/tasks/{task.id}/updates", {"note-note": "x"},
                                  content_type="multipart/form-data").status_code == 403
    assert open_as(w.outsider).get(f"/tasks/{task.id}").status_code == 404
    assert open_as(w.outsider).get(f"/tasks/{task.id}/card").status_code == 404
    assert open_as(w.other_staff).get(f"/tasks/{task.id}").status_code == 404


def test_the_author_accepts_and_neighbours_rate_on_the_topic_page(w, open_as):
    task = w.done(w.task())
    author = open_as(w.author)
    page = author.text(f"/topics/{task.topic_id}")
    assert "says the work is done. Please check it." in page and "Accept the work" in page
    assert "Accept the work" not in open_as(w.neighbour).text(f"/topics/{task.topic_id}")
    r = author.post(f"/tasks/{task.id}/verification", {"accepted": "1", f"v{task.id}-note": "不漏了",
                                                       "next": f"/topics/{task.topic_id}"})
    assert r.headers["Location"].endswith(f"/topics/{task.topic_id}#task-{task.id}")
    assert fresh(task).status == TaskStatus.verified
    neighbour = open_as(w.neighbour)
    page = neighbour.text(f"/topics/{task.topic_id}")
    assert "Basically satisfied" in page
    neighbour.post(f"/tasks/{task.id}/ratings", {"score": "basically_satisfied", "next": f"/topics/{task.topic_id}"})
    neighbour.post(f"/tasks/{task.id}/ratings", {"score": "satisfied", "next": f"/topics/{task.topic_id}"})
    assert services.rating_counts(fresh(task)) == {"satisfied": 1, "basically_satisfied": 0, "unsatisfied": 0}
    card = neighbour.text(f"/tasks/{task.id}/card")
    assert re.search(r'rating-satisfied"\s+aria-pressed="true"', card)
    assert "100% satisfied" in card


def test_reopen_from_the_task_page(w, open_as):
    task = w.done(w.task())
    lead = open_as(w.lead)
    lead.post(f"/tasks/{task.id}/verification", {"accepted": "0", f"v{task.id}-note": "北屋还在漏"})
    task = fresh(task)
    assert task.status == TaskStatus.reopened and task.updates[-1].note == "北屋还在漏"
    assert "Start the work" in open_as(w.staff).text(f"/tasks/{task.id}")


def test_whistle_and_report(w, open_as):
    task = w.task()
    sec = open_as(w.secretary)
    r = sec.post(f"/tasks/{task.id}/escalations", {"reason": "", "to_org_id": ""})
    assert r.status_code == 422 and "This field is required." in r.get_data(as_text=True)
    sec.post(f"/tasks/{task.id}/escalations", {"reason": "物业一周没有动静", "to_org_id": ""})
    assert fresh(task).escalation_level == 1
    staff = open_as(w.community_staff)
    inbox = staff.text("/escalations")
    assert "物业一周没有动静" in inbox and "Acknowledge" in inbox
    assert 'id="nav-escalations"' in inbox
    e = fresh(task).escalations[0]
    staff.post(f"/escalations/{e.id}/acknowledgement", {"note": "已约物业经理", "next": "inbox"})
    db.session.expire_all()
    assert fresh(task).escalations[0].acknowledged_by_id == w.community_staff.id
    assert "Acknowledged by" in open_as(w.author).text(f"/tasks/{task.id}")
    assert open_as(w.author).get("/escalations").status_code == 403


def test_navigation_asks_the_permissions(w, open_as):
    assert 'id="nav-tasks"' not in open_as(w.author).text("/courtyards")
    assert 'id="nav-escalations"' not in open_as(w.staff).text("/notifications")  # /courtyards: to the queue
    admin = open_as(w.admin).text("/courtyards")
    assert 'id="nav-audit"' in admin and 'id="nav-escalations"' in admin
    assert 'id="nav-audit"' not in open_as(w.community_staff).text("/courtyards")
    assert 'id="nav-escalations"' in open_as(w.dept_staff).text("/notifications")


def test_the_community_edits_its_service_times(w, open_as):
    b = open_as(w.community_staff)
    page = b.text(f"/communities/{w.community.id}/service-times")
    assert "Street default: 72 h" in page
    r = b.post(f"/communities/{w.community.id}/service-times", {
        "reminder_hours": "6", "level1_after_hours": "24", "level2_after_hours": "12", "hours_repairs": "0"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Must be more than the hours before the community is called." in html
    assert "Must be a whole number of hours from 1 to 2160." in html
    r = b.post(f"/communities/{w.community.id}/service-times", {
        "reminder_hours": "6", "level1_after_hours": "24", "level2_after_hours": "48", "hours_repairs": "36",
        "level2_org_id": str(w.department.id)})
    assert r.status_code == 302
    assert service_policy.service_hours(w.community.id, "repairs") == 36
    policy, department, source = service_policy.policy_for(w.community.id)
    assert (policy.level2_after_hours, department, source) == (48, w.department.id, "community")
    assert open_as(w.other_community_staff).get(f"/communities/{w.community.id}/service-times").status_code == 403
    assert open_as(w.community_staff).get("/service-times").status_code == 403
    assert open_as(w.admin).get("/service-times").status_code == 200


def test_the_queue_filters_and_order(w, open_as, fake_clock):
    from datetime import timedelta
    late = w.task(due_at=(fake_clock.now() + timedelta(hours=1)).isoformat())
    later = w.task(w.topic(title="楼道灯不亮"), due_at=(fake_clock.now() + timedelta(hours=30)).isoformat())
    fake_clock.advance(hours=2)
    b = open_as(w.staff)
    html = b.text("/tasks")
    assert html.index(f'/tasks/{late.id}"') < html.index(f'/tasks/{later.id}"')
    overdue = b.text("/tasks?view=overdue")
    assert f'/tasks/{late.id}"' in overdue and f'/tasks/{later.id}"' not in overdue
    assert b.get("/tasks?view=nonsense&org_id=x&page=zz").status_code == 200
