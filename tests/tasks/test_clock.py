"""The service clock and 吹哨报到: reminders, overdue, escalation by itself and by hand, acknowledgement.

Time moves only when the test moves it (FakeClock); the scheduler's run_due() runs the jobs
as the background loop would. Nothing sleeps.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from courtyard import events, scheduler
from courtyard.audit import AuditEntry
from courtyard.errors import Conflict, Forbidden, Invalid, NotFound
from courtyard.extensions import db
from courtyard.notifications.models import Notification
from courtyard.tasks import clock as service_clock
from courtyard.tasks import permissions, rules, services
from courtyard.tasks import policy as service_policy
from courtyard.tasks.models import Escalation, EscalationTarget, Task


def notified(user, kind) -> int:
    """How many times `user` was told `kind`: the steps a task's entry gathered (notifications/grouping.py)."""
    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id))
    return sum(sum(s["kind"] == kind for s in (n.data or {}).get("steps") or [{"kind": n.kind}]) for n in rows)


def escalations(task) -> list[tuple[int, str, bool]]:
    db.session.expire_all()
    return [(e.level, e.target.value, e.automatic) for e in db.session.scalars(
        sa.select(Escalation).where(Escalation.task_id == task.id).order_by(Escalation.id))]


def run(app) -> dict:
    results = scheduler.run_due(app)
    db.session.expire_all()
    return results["tasks.service_clock"]


@pytest.fixture
def policy(w):
    """The community's own clock: remind 6 h before, community after 12 h late, street after 36 h."""
    service_policy.set_policy(w.community_staff, w.community, reminder_hours=6, level1_after_hours=12,
                        level2_after_hours=36, service_hours_by_category={"repairs": 24})


def test_the_job_is_registered(app):
    assert "tasks.service_clock" in scheduler.jobs()


def test_remind_then_overdue_then_community_then_street(app, w, fake_clock, policy):
    task = w.task()
    assert task.due_at == fake_clock.now() + timedelta(hours=24)
    assert run(app) == {"reminded": [], "overdue": [], "escalated": []}

    fake_clock.advance(hours=18, minutes=1)  # within 6 h of the due date
    assert run(app)["reminded"] == [task.id]
    assert notified(w.staff, "task_reminder") == 1
    assert run(app)["reminded"] == []  # once
    assert notified(w.staff, "task_reminder") == 1

    fake_clock.advance(hours=6)  # past the due date
    with events.capture() as sent:
        assert run(app)["overdue"] == [task.id]
    assert notified(w.staff, "task_overdue") == 1 and notified(w.secretary, "task_overdue") == 1
    updated = [p for e, room, p in sent if e == "task.updated" and room == f"topic:{task.topic_id}"]
    assert updated and updated[-1]["overdue"] is True
    assert db.session.get(Task, task.id).escalation_level == 0

    fake_clock.advance(hours=12)  # 12 h late: to the community
    assert run(app)["escalated"] == [task.id]
    assert escalations(task) == [(1, "community", True)]
    assert db.session.get(Task, task.id).escalation_level == 1
    assert notified(w.community_staff, "task_escalated") == 1
    assert notified(w.other_community_staff, "task_escalated") == 0
    assert run(app)["escalated"] == []

    fake_clock.advance(hours=24)  # 36 h late: to the street
    assert run(app)["escalated"] == [task.id]
    assert escalations(task) == [(1, "community", True), (2, "street", True)]
    assert notified(w.admin, "task_escalated") == 1
    assert run(app) == {"reminded": [], "overdue": [], "escalated": []}
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.subject_type == "task", AuditEntry.subject_id == task.id).order_by(AuditEntry.id)))
    assert actions == ["task.created", "task.escalated", "task.escalated"]


def test_after_a_long_outage_both_levels_at_once(app, w, fake_clock, policy):
    task = w.task()
    fake_clock.advance(days=5)
    result = run(app)
    assert result["escalated"] == [task.id] and result["overdue"] == [task.id]
    assert result["reminded"] == []  # past the due date: the overdue notice says it all
    assert escalations(task) == [(1, "community", True), (2, "street", True)]


def test_level_two_goes_to_the_policys_department(app, w, fake_clock):
    service_policy.set_policy(w.community_staff, w.community, reminder_hours=0, level1_after_hours=0,
                        level2_after_hours=1, level2_org_id=w.department.id)
    task = w.task()
    fake_clock.advance(hours=73)
    run(app)
    assert escalations(task) == [(1, "community", True), (2, "organization", True)]
    assert permissions.can_view_task(w.dept_staff, task)
    assert notified(w.dept_staff, "task_escalated") == 1
    assert notified(w.staff, "task_reminder") == 0  # reminder_hours = 0: no reminder


def test_done_stops_the_clock_and_reopening_restarts_it(app, w, fake_clock, policy):
    task = w.task()
    fake_clock.advance(hours=20)
    w.done(task)
    fake_clock.advance(days=3)
    assert run(app)["escalated"] == []
    assert services.task_for(w.author, db.session.get(Task, task.id))["overdue"] is False
    services.verify(w.author, db.session.get(Task, task.id), accepted=False, note="还漏")
    assert run(app)["escalated"] == [task.id]


def test_the_policy_is_data_a_community_edits(app, w, fake_clock):
    task = w.task()  # the initial defaults: 72 h for repairs
    fake_clock.advance(hours=72 + rules.DEFAULT_LEVEL1_AFTER_HOURS - 1)
    assert run(app)["escalated"] == []
    service_policy.set_policy(w.community_staff, w.community, reminder_hours=1, level1_after_hours=2,
                        level2_after_hours=500)
    assert run(app)["escalated"] == [task.id]
    assert escalations(task) == [(1, "community", True)]


def test_several_processes_act_once(app, w, fake_clock, policy):
    """Four schedulers run the clock at the same moment: one reminder, one notice, one escalation each."""
    tasks = [w.task(w.topic(title=f"问题 {i}")) for i in range(3)]
    fake_clock.advance(hours=24 + 40)
    barrier = threading.Barrier(4)
    errors = []

    def one_process():
        try:
            barrier.wait(timeout=30)
            scheduler.run_due(app)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one_process) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    db.session.expire_all()
    for task in tasks:
        assert escalations(task) == [(1, "community", True), (2, "street", True)]
    assert notified(w.staff, "task_overdue") == 3
    assert notified(w.admin, "task_escalated") == 3
    assert notified(w.community_staff, "task_escalated") == 3


def test_a_stale_escalation_loses_the_race(app, w, fake_clock, policy):
    task = w.task()
    fake_clock.advance(hours=40)
    assert service_clock._clock_escalate(task.id, 0, 1, fake_clock.now(), None) is True
    assert service_clock._clock_escalate(task.id, 0, 1, fake_clock.now(), None) is False
    assert escalations(task) == [(1, "community", True)]


# --- by hand -------------------------------------------------------------------------------

def test_the_secretary_blows_the_whistle(w, fake_clock):
    task = w.task()
    with events.capture() as sent:
        e1 = services.escalate(w.secretary, task, reason="物业三天没回复")
    assert (e1.level, e1.target, e1.reason, e1.automatic) == (1, EscalationTarget.community, "物业三天没回复", False)
    assert task.escalation_level == 1
    assert any(e == "task.updated" and p["escalation_level"] == 1 for e, _, p in sent)
    e2 = services.escalate(w.community_staff, task, reason="社区协调无果")
    assert (e2.level, e2.target) == (2, EscalationTarget.street)
    with pytest.raises(Conflict):
        services.escalate(w.secretary, task, reason="再吹一次")
    e3 = services.escalate(w.secretary, task, reason="需要城管执法", to_org_id=w.department.id)
    assert (e3.level, e3.target, e3.organization_id) == (2, EscalationTarget.organization, w.department.id)
    with pytest.raises(Conflict):
        services.escalate(w.secretary, task, reason="again", to_org_id=w.department.id)
    assert [(u.kind.value, u.note) for u in task.updates if u.kind.value == "escalated"] == [
        ("escalated", "物业三天没回复"), ("escalated", "社区协调无果"), ("escalated", "需要城管执法")]


def test_straight_to_a_department(w):
    task = w.task()
    e = services.escalate(w.secretary, task, reason="占用消防通道", to_org_id=w.department.id)
    assert (e.level, task.escalation_level) == (2, 2)
    assert permissions.can_view_task(w.dept_staff, task)


def test_who_may_blow_the_whistle_and_how(w):
    task = w.task()
    for person in (w.author, w.neighbour, w.lead, w.staff):
        with pytest.raises(Forbidden):
            services.escalate(person, task, reason="太慢了")
    with pytest.raises(NotFound):
        services.escalate(w.outsider, task, reason="太慢了")
    with pytest.raises(Invalid) as err:
        services.escalate(w.secretary, task, reason="  ")
    assert "reason" in err.value.fields
    with pytest.raises(Invalid) as err:
        services.escalate(w.secretary, task, reason="x", to_org_id=w.other_org.id)  # a property company
    assert "to_org_id" in err.value.fields
    w.done(task)
    with pytest.raises(Conflict):
        services.escalate(w.secretary, task, reason="验收前再催")


def test_acknowledging_records_the_time_it_took(w, fake_clock):
    task = w.task()
    e = services.escalate(w.secretary, task, reason="物业没有回复")
    fake_clock.advance(hours=2, minutes=30)
    for person in (w.secretary, w.staff, w.admin, w.other_community_staff):
        with pytest.raises((Forbidden, NotFound)):
            services.acknowledge(person, e)
    services.acknowledge(w.community_staff, e, note="已联系物业经理，明天上门。")
    assert e.acknowledged_by_id == w.community_staff.id
    assert rules.hours_between(e.created_at, e.acknowledged_at) == 2.5
    assert task.updates[-1].kind.value == "acknowledged"
    assert notified(w.secretary, "task_acknowledged") == 1
    with pytest.raises(Conflict):
        services.acknowledge(w.community_staff, e)
    from courtyard.tasks.payloads import escalation_json
    assert escalation_json(e)["hours_to_acknowledge"] == 2.5


def test_the_street_and_departments_acknowledge_theirs(w):
    task = w.task()
    services.escalate(w.secretary, task, reason="一")
    street = services.escalate(w.secretary, task, reason="二")
    dept = services.escalate(w.secretary, task, reason="三", to_org_id=w.department.id)
    with pytest.raises(Forbidden):
        services.acknowledge(w.community_staff, street)
    services.acknowledge(w.admin, street)
    with pytest.raises(Forbidden):
        services.acknowledge(w.admin, dept)
    services.acknowledge(w.dept_staff, dept)


def test_the_inbox_shows_what_waits_for_each(w):
    task = w.task()
    community = services.escalate(w.secretary, task, reason="一")
    street = services.escalate(w.secretary, task, reason="二")
    dept = services.escalate(w.secretary, task, reason="三", to_org_id=w.department.id)

    def inbox(person, **kw):
        return [e.id for e in db.session.scalars(services.escalations_inbox(person, **kw))]

    assert inbox(w.community_staff) == [community.id]
    assert inbox(w.admin) == [street.id]
    assert inbox(w.dept_staff) == [dept.id]
    assert inbox(w.other_community_staff) == [] and inbox(w.neighbour) == []
    assert sorted(inbox(w.community_staff, mine=False)) == sorted([community.id, street.id, dept.id])
    services.acknowledge(w.community_staff, community)
    assert inbox(w.community_staff, pending=True) == []
    assert inbox(w.community_staff, pending=False) == [community.id]
    assert permissions.can_use_escalations_inbox(w.dept_staff)
    assert not permissions.can_use_escalations_inbox(w.staff)  # a property company is not whistled to
    assert not permissions.can_use_escalations_inbox(w.secretary)


# --- the policy ----------------------------------------------------------------------------

def test_who_edits_the_policy_and_what_it_must_be(w, make):
    for person in (w.secretary, w.staff, w.other_community_staff):
        with pytest.raises(Forbidden):
            service_policy.set_policy(person, w.community, reminder_hours=1, level1_after_hours=1, level2_after_hours=2)
    with pytest.raises(Forbidden):
        service_policy.set_policy(w.community_staff, None, reminder_hours=1, level1_after_hours=1, level2_after_hours=2)
    with pytest.raises(Invalid) as err:
        service_policy.set_policy(w.community_staff, w.community, reminder_hours=-1, level1_after_hours=10,
                            level2_after_hours=5, level2_org_id=w.org.id,
                            service_hours_by_category={"repairs": 0, "nonsense": 3, "parking": "x"})
    assert set(err.value.fields) == {"reminder_hours", "level2_after_hours", "level2_org_id", "service_hours.repairs",
                                     "service_hours.nonsense", "service_hours.parking"}
    row = service_policy.set_policy(w.admin, w.community, reminder_hours="3", level1_after_hours=0,
                                    level2_after_hours=1)
    assert (row.reminder_hours, row.level1_after_hours, row.level2_after_hours) == (3, 0, 1)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "task_policy.changed")).one()
    assert entry.data["after"]["reminder_hours"] == 3 and entry.data["before"] is None


def test_the_streets_default_is_one_row(w):
    service_policy.ensure_street_defaults()
    service_policy.ensure_street_defaults()
    from courtyard.tasks.models import ServiceTime, TaskPolicy
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TaskPolicy)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceTime)) == len(rules.DEFAULT_SERVICE_HOURS)
    db.session.add(TaskPolicy(community_id=None, street_default=True, reminder_hours=1, level1_after_hours=1,
                              level2_after_hours=2))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
