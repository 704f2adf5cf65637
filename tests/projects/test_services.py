"""The pool's acts: who may do what, what is stored, what is refused (and then nothing changes)."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from courtyard import events
from courtyard.audit.models import AuditEntry
from courtyard.errors import Conflict, Forbidden, Invalid, NotFound
from courtyard.extensions import db
from courtyard.projects import permissions, services
from courtyard.projects.models import Project, ProjectLink, ProjectStatus


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_escalated_task_becomes_a_project_linked_to_it_and_its_topic(w):
    assert services.can_take_task(w.admin, w.task) and not services.can_take_task(w.staff, w.task)
    prefill = services.task_prefill(w.admin, w.task.id)
    assert prefill["title"] == w.topic.title and prefill["task_id"] == w.task.id
    with events.capture() as sent:
        project = w.project()
    assert project.status == ProjectStatus.proposed and project.budget_amount == Decimal("480000.00")
    assert [m.title for m in project.milestones][0] == "居民议事确定选址"
    [link] = project.links
    assert (link.task_id, link.topic_id, link.courtyard_id) == (w.task.id, w.topic.id, w.east.id)
    assert link.confirmed_at is not None
    rooms = sorted(room for event, room, _ in sent if event == "project.updated")
    assert rooms == sorted([f"courtyard:{w.east.id}", f"org:{w.dept.id}"])
    assert not services.can_take_task(w.admin, w.task)  # once
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "project.created"))
    assert entry.subject_id == project.id and entry.data["task_ids"] == [w.task.id]


def test_only_street_administrators_create_projects(w):
    for who in (w.staff, w.dept_staff, w.resident, w.stranger):
        with pytest.raises(Forbidden):
            w.project(who)
    assert _count(Project) == 0


@pytest.mark.parametrize("field,value", [
    ("title", "  "), ("title", "x" * 101), ("owner_org_id", None), ("budget_amount", "-1"),
    ("budget_amount", "abc"), ("budget_amount", "1e12"), ("budget_amount", "NaN"), ("budget_source", "lottery"),
    ("milestones", "not a list"), ("task_id", 999999), ("topic_id", "x"),
])
def test_bad_input_names_the_field_and_stores_nothing(w, field, value):
    kw = {field: value}
    if field == "topic_id":
        kw["task_id"] = None
    with pytest.raises(Invalid) as err:
        w.project(**kw)
    assert field in err.value.fields
    assert _count(Project) == 0 and _count(ProjectLink) == 0


def test_the_owner_must_be_a_department(w):
    with pytest.raises(Invalid) as err:
        w.project(owner_org_id=w.property.id)
    assert "owner_org_id" in err.value.fields


def test_residents_of_linked_courtyards_read_it_others_do_not(w):
    project = w.project()
    assert permissions.can_view_project(w.resident, project)
    assert not permissions.can_view_project(w.west_resident, project)
    assert not permissions.can_view_project(w.outsider, project)
    assert not permissions.can_view_project(w.stranger, project)
    assert not permissions.can_view_project(w.property_staff, project)
    for staff in (w.admin, w.staff, w.other_staff, w.dept_staff, w.other_dept_staff):
        assert permissions.can_view_project(staff, project)
    # the list query and the object check agree
    for user in (w.resident, w.west_resident, w.outsider, w.stranger, w.property_staff, w.admin, w.dept_staff):
        listed = [p.id for p in db.session.scalars(services.projects_for(user))]
        assert listed == ([project.id] if permissions.can_view_project(user, project) else [])
    with pytest.raises(NotFound):
        services.get_project(w.outsider, project.id)
    with pytest.raises(NotFound):
        services.get_project(w.resident, "nonsense")


def test_community_staff_propose_links_the_street_confirms(w):
    project = w.project()
    link = services.add_link(w.staff, project, topic_id=w.west_topic.id)
    assert link.confirmed_at is None
    assert not permissions.can_view_project(w.west_resident, project)  # not yet
    with pytest.raises(Invalid) as err:
        services.add_link(w.other_staff, project, topic_id=w.west_topic.id)
    assert "topic_id" in err.value.fields  # not their community
    with pytest.raises(Conflict):
        services.add_link(w.admin, project, topic_id=w.west_topic.id)  # linked already
    with pytest.raises(Forbidden):
        services.confirm_link(w.staff, project, link.id)
    services.confirm_link(w.admin, project, link.id)
    assert permissions.can_view_project(w.west_resident, project)
    assert [p.id for p in services.projects_of_courtyard(w.west_resident, w.west)] == [project.id]
    assert [p.id for p in services.projects_of_topic(w.west_resident, w.west_topic)] == [project.id]
    with pytest.raises(Conflict):
        services.confirm_link(w.admin, project, link.id)
    with pytest.raises(Forbidden):
        services.remove_link(w.staff, project, link.id)  # confirmed: the street's now
    with events.capture() as sent:
        services.remove_link(w.admin, project, link.id)
    assert f"courtyard:{w.west.id}" in [room for _e, room, _p in sent]  # told that it is gone
    assert not permissions.can_view_project(w.west_resident, project)


def test_the_department_works_it_and_the_street_moves_it(w):
    project = w.project()
    with pytest.raises(Forbidden):
        services.set_status(w.dept_staff, project, status="approved")  # the street approves
    with pytest.raises(Forbidden):
        services.post_update(w.other_dept_staff, project, text="不是我们的")
    with pytest.raises(NotFound):
        services.post_update(w.outsider, project, text="x")
    services.set_status(w.admin, project, status="approved", note="街道民生资金已批复")
    services.set_status(w.dept_staff, project, status="in_progress")
    services.post_update(w.dept_staff, project, text="充电棚钢结构已进场")
    first = project.milestones[0]
    services.reach_milestone(w.dept_staff, project, first.id, note="居民议事会通过")
    with pytest.raises(Conflict):
        services.reach_milestone(w.dept_staff, project, first.id)
    with pytest.raises(NotFound):
        services.reach_milestone(w.dept_staff, project, 999999)
    services.add_milestone(w.dept_staff, project, title="充电设备调试", due_on="2027-03-01")
    with pytest.raises(Invalid):
        services.add_milestone(w.dept_staff, project, title="x", due_on="2027-13-01")
    assert [u.kind.value for u in project.updates] == ["created", "status", "status", "progress", "milestone"]
    assert project.status == ProjectStatus.in_progress and project.seq >= 5
    with pytest.raises(Conflict):
        services.set_status(w.admin, project, status="approved")  # not a move from here
    with pytest.raises(Invalid):
        services.set_status(w.admin, project, status="finished")
    services.set_status(w.dept_staff, project, status="completed", note="竣工验收合格")
    assert project.completed_at is not None
    with pytest.raises(Conflict):
        services.post_update(w.dept_staff, project, text="again")
    with pytest.raises(Conflict):
        services.edit_project(w.admin, project, title="新名字")


def test_edits_keep_what_was_not_sent_and_log_what_changed(w):
    project = w.project()
    with pytest.raises(Forbidden):
        services.edit_project(w.dept_staff, project, title="x")
    services.edit_project(w.admin, project, budget_amount="520000.5", budget_note="追加 4 万")
    assert project.budget_amount == Decimal("520000.50") and project.title == "老旧小区电动车集中充电棚改造"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "project.edited"))
    assert entry.data["before"]["budget_amount"] == "480000.00"
    with pytest.raises(Invalid):
        services.edit_project(w.admin, project, budget_amount="-5")
    db.session.refresh(project)
    assert project.budget_amount == Decimal("520000.50")


def test_hard_problems_solved_counts_linked_topics_of_completed_projects_or_closed_topics(w):
    assert services.figures() == {"projects": 0, "by_status": {s.value: 0 for s in ProjectStatus},
                                  "budget": Decimal("0.00"), "solved": 0}
    project = w.project()
    services.add_link(w.admin, project, topic_id=w.topic.id)  # the same topic twice: counted once
    services.add_link(w.admin, project, topic_id=w.west_topic.id)
    other = w.project(title="雨污管线改造", task_id=None, budget_amount="100", milestones=None)
    services.set_status(w.admin, other, status="cancelled")
    f = services.figures()
    assert f["projects"] == 2 and f["by_status"]["proposed"] == 1 and f["by_status"]["cancelled"] == 1
    assert f["budget"] == Decimal("480000.00") and f["solved"] == 0
    for to in ("approved", "in_progress", "completed"):
        services.set_status(w.admin, project, status=to)
    assert services.figures()["solved"] == 2
