"""Tasks: the service clock (a job of courtyard/scheduler.py).

run_service_clock reminds before the due date, notifies once overdue and escalates by the
community's policy (tasks/policy.py), raising escalations through tasks/services.py. Each
act is a conditional UPDATE (``... WHERE reminded_at IS NULL``, ``... WHERE
escalation_level = :seen``), so when several server processes run the clock at once
exactly one of them reminds, notifies or escalates each task.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from .. import clock, signals
from ..extensions import db
from . import queries, rules
from .models import Task
from .policy import policy_for
from .services import level2_target, new_escalation, publish, raise_level

log = logging.getLogger(__name__)


# --- the service clock (a job of courtyard/scheduler.py) ------------------------------------

def run_service_clock() -> dict[str, list[int]]:
    """Remind before the due date, notify once overdue, escalate by the policy's thresholds.

    Finds its own work with clock.now(); safe in several processes at once (each act is a
    conditional UPDATE that only one process wins) and after a restart (all state is in
    the database). Returns the task ids it acted on, by act.
    """
    now = clock.now()
    horizon = now + timedelta(hours=rules.MAX_REMINDER_HOURS)
    rows = db.session.execute(sa.select(
        Task.id, Task.community_id, Task.status, Task.due_at, Task.reminded_at, Task.overdue_notified_at,
        Task.escalation_level).where(
        queries.clock_running(), Task.due_at <= horizon,
        sa.or_(Task.reminded_at.is_(None), Task.overdue_notified_at.is_(None), Task.escalation_level < 2))
        .order_by(Task.due_at, Task.id)).all()
    db.session.rollback()  # end the read: each act below is its own short transaction
    done: dict[str, list[int]] = {"reminded": [], "overdue": [], "escalated": []}
    policies: dict[int, tuple] = {}
    for row in rows:
        if row.community_id not in policies:
            policies[row.community_id] = policy_for(row.community_id)
            db.session.rollback()
        policy, department_id, _src = policies[row.community_id]
        status = row.status.value
        try:
            if row.reminded_at is None and rules.reminder_due(status, row.due_at, now, policy.reminder_hours):
                if _clock_remind(row.id, now):
                    done["reminded"].append(row.id)
            if row.overdue_notified_at is None and rules.is_overdue(status, row.due_at, now):
                if _clock_overdue(row.id, now):
                    done["overdue"].append(row.id)
            level = rules.escalation_level_due(status, row.due_at, now, policy)
            if level > row.escalation_level:
                if _clock_escalate(row.id, row.escalation_level, level, now, department_id):
                    done["escalated"].append(row.id)
        except Exception:  # one task's trouble must not stop the others
            log.exception("service clock failed on task %s", row.id)
            db.session.rollback()
    return done


def _claim(column, task_id: int, now) -> bool:
    result = db.session.execute(sa.update(Task).where(Task.id == task_id, column.is_(None))
                                .values({column: now}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _clock_remind(task_id: int, now) -> bool:
    if not _claim(Task.reminded_at, task_id, now):
        db.session.rollback()
        return False
    task = db.session.get(Task, task_id)
    signals.task_due_soon.send(task)
    db.session.commit()
    return True


def _clock_overdue(task_id: int, now) -> bool:
    if not _claim(Task.overdue_notified_at, task_id, now):
        db.session.rollback()
        return False
    task = db.session.get(Task, task_id)
    signals.task_overdue.send(task)
    db.session.execute(sa.update(Task).where(Task.id == task_id).values(seq=Task.seq + 1)
                       .execution_options(synchronize_session=False))
    db.session.refresh(task)
    publish(task)  # `overdue` is now true for everyone watching
    db.session.commit()
    return True


def _clock_escalate(task_id: int, seen: int, level: int, now, department_id: int | None) -> bool:
    task = db.session.get(Task, task_id)
    if task is None or not raise_level(task, seen, level, now):
        db.session.rollback()
        return False
    for step in range(seen + 1, level + 1):  # a long outage may cross both thresholds at once
        target = level2_target(task, department_id) if step == 2 else {}
        new_escalation(None, task, step, now, automatic=True, **target)
    db.session.refresh(task)
    publish(task)
    db.session.commit()
    return True
