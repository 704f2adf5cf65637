"""The pure rules of tasks/rules.py as SQL, so that a list, a count and a task's page agree.

- `clock_running()`: the task's clock runs (rules.CLOCK_RUNNING);
- `overdue(now)`: rules.is_overdue — the same states, the same strict comparison (now > due_at);
- `urgency_order(now)`: rules.urgency_key as ORDER BY — each status's rank, on time and
  overdue, is urgency_rank's own answer, written out as a CASE.

The work queue (services.tasks_for, the queue page's "overdue" filter), the insight figures
and the 曝光台 build their SQL from these; tests/tasks/test_queries.py checks that each clause
says what its rule says on a table of rows.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from . import rules
from .models import Task, TaskStatus


def clock_running() -> sa.ColumnElement[bool]:
    """The work is still the organization's to do (assigned, accepted, in progress, reopened)."""
    return Task.status.in_([TaskStatus(s) for s in rules.CLOCK_RUNNING])


def overdue(now: datetime) -> sa.ColumnElement[bool]:
    """rules.is_overdue(status, due_at, now) as a WHERE clause."""
    return sa.and_(clock_running(), Task.due_at < now)


def urgency_order(now: datetime) -> list:
    """rules.urgency_key(status, due_at, now, id) as ORDER BY: rank, then due date, then id."""
    whens = []
    for status in TaskStatus:
        late, on_time = rules.urgency_rank(status.value, True), rules.urgency_rank(status.value, False)
        if late != on_time:
            whens.append((sa.and_(Task.status == status, overdue(now)), late))
        whens.append((Task.status == status, on_time))
    return [sa.case(*whens), Task.due_at, Task.id]
