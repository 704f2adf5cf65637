"""tasks/queries.py says in SQL what tasks/rules.py says in Python: on a table of rows, the same answers."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from courtyard.extensions import db
from courtyard.tasks import queries, rules
from courtyard.tasks.models import Task, TaskStatus

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
# Due long before, just before, exactly at, just after and long after now (to the microsecond).
OFFSETS = (timedelta(days=-30), timedelta(hours=-1), timedelta(microseconds=-1), timedelta(0),
           timedelta(microseconds=1), timedelta(hours=1), timedelta(days=30))


@pytest.fixture
def table(w) -> dict[int, tuple[str, datetime]]:
    """A task in every status, due at every offset from NOW (copies of one real task's row)."""
    base = db.session.execute(sa.select(Task.__table__).where(Task.id == w.task().id)).mappings().one()
    rows = [{**base, "id": base["id"] + n, "status": status, "due_at": NOW + offset}
            for n, (status, offset) in enumerate(((s, o) for s in TaskStatus for o in OFFSETS), start=1)]
    db.session.execute(sa.insert(Task.__table__), rows)
    db.session.commit()
    return {task_id: (status.value, due_at) for task_id, status, due_at in
            db.session.execute(sa.select(Task.id, Task.status, Task.due_at))}


def test_the_overdue_clause_is_the_rule(table):
    in_sql = set(db.session.scalars(sa.select(Task.id).where(queries.overdue(NOW))))
    by_rule = {task_id for task_id, (status, due_at) in table.items() if rules.is_overdue(status, due_at, NOW)}
    assert in_sql == by_rule
    assert len(by_rule) == len(rules.CLOCK_RUNNING) * 3  # every running status, due before now: a real table
    on_time = set(db.session.scalars(sa.select(Task.id).where(queries.clock_running(), ~queries.overdue(NOW))))
    assert on_time == {i for i, (s, d) in table.items() if s in rules.CLOCK_RUNNING} - by_rule


def test_the_queue_order_is_the_rules_key(table):
    in_sql = db.session.scalars(sa.select(Task.id).order_by(*queries.urgency_order(NOW))).all()
    by_rule = sorted(table, key=lambda task_id: rules.urgency_key(*table[task_id], NOW, task_id))
    assert in_sql == by_rule
    ranks = [rules.urgency_rank(table[i][0], rules.is_overdue(*table[i], NOW)) for i in in_sql]
    assert ranks == sorted(ranks) and set(ranks) == {0, 1, 2, 3}
