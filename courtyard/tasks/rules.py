"""The arithmetic of tasks, as pure functions: lifecycle, due dates, the service clock.

No database, no Flask: plain values in, plain values out (tested exhaustively in
tests/tasks/test_rules.py). The policy values come from the database (TaskPolicy,
ServiceTime); DEFAULT_* below are only what a street starts with before anyone edits them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ASSIGNED, ACCEPTED, IN_PROGRESS, DONE, VERIFIED, REOPENED = (
    "assigned", "accepted", "in_progress", "done", "verified", "reopened")

# CONTRACT §4: assigned → accepted → in_progress → done → verified; done → reopened → in_progress.
# What the assignee organization's staff may do (POST /tasks/<id>/updates {"status"}).
WORK_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ASSIGNED: (ACCEPTED,),
    ACCEPTED: (IN_PROGRESS,),
    IN_PROGRESS: (DONE,),
    REOPENED: (IN_PROGRESS,),
}
# What the topic's author, the secretary or the building lead may do (POST /tasks/<id>/verification).
VERIFY_FROM = DONE
# The clock runs while the work is the organization's to do; it stops at done and for good at verified.
CLOCK_RUNNING = (ASSIGNED, ACCEPTED, IN_PROGRESS, REOPENED)
# Notes may be added to the timeline until the task is verified.
OPEN = (ASSIGNED, ACCEPTED, IN_PROGRESS, DONE, REOPENED)

MAX_HOURS = 24 * 90        # a service time or threshold longer than 90 days is no one's policy
MAX_REMINDER_HOURS = 24 * 7
MAX_DUE = timedelta(days=365)
# The hours a policy may set, both ends included (check_policy; the forms' and the API's messages).
POLICY_BOUNDS = {"reminder_hours": (0, MAX_REMINDER_HOURS), "level1_after_hours": (0, MAX_HOURS),
                 "level2_after_hours": (1, MAX_HOURS)}

# What a new street starts with (editable afterwards; see TaskPolicy and ServiceTime).
DEFAULT_SERVICE_HOURS = {
    "sanitation": 24, "parking": 72, "property_service": 48, "repairs": 72, "greening": 168,
    "safety": 24, "elderly_care": 48, "neighbour_dispute": 72, "facilities": 168, "other": 72,
}
DEFAULT_REMINDER_HOURS = 12
DEFAULT_LEVEL1_AFTER_HOURS = 24
DEFAULT_LEVEL2_AFTER_HOURS = 72


@dataclass(frozen=True)
class Policy:
    reminder_hours: int = DEFAULT_REMINDER_HOURS
    level1_after_hours: int = DEFAULT_LEVEL1_AFTER_HOURS
    level2_after_hours: int = DEFAULT_LEVEL2_AFTER_HOURS


def can_work(status: str, target: str) -> bool:
    """May the organization move a task from `status` to `target`?"""
    return target in WORK_TRANSITIONS.get(status, ())


def next_work_status(status: str) -> str | None:
    """The one step forward the organization can take from `status`, if any."""
    steps = WORK_TRANSITIONS.get(status, ())
    return steps[0] if steps else None


def verification_result(status: str, accepted: bool) -> str | None:
    """The status a verification leads to, or None if the task is not waiting for one."""
    if status != VERIFY_FROM:
        return None
    return VERIFIED if accepted else REOPENED


def default_due(created_at: datetime, service_hours: int) -> datetime:
    return created_at + timedelta(hours=service_hours)


def is_overdue(status: str, due_at: datetime, now: datetime) -> bool:
    """Past its due date while the work is still the organization's (not done, not verified).

    The one definition of overdue: tasks/queries.py's `overdue(now)` is this rule as SQL
    (the same CLOCK_RUNNING states, the same strict comparison), tested to agree."""
    return status in CLOCK_RUNNING and now > due_at


def overdue_hours(due_at: datetime, now: datetime) -> float:
    return max(0.0, (now - due_at).total_seconds() / 3600)


def reminder_due(status: str, due_at: datetime, now: datetime, reminder_hours: int) -> bool:
    """Time to remind the organization: within `reminder_hours` of the due date, not yet past it."""
    if reminder_hours <= 0 or status not in CLOCK_RUNNING:
        return False
    return due_at - timedelta(hours=reminder_hours) <= now <= due_at


def escalation_level_due(status: str, due_at: datetime, now: datetime, policy: Policy) -> int:
    """The level the service clock says a task should be at: 0, 1 (community) or 2 (street/department)."""
    if not is_overdue(status, due_at, now):
        return 0
    late = now - due_at
    if late >= timedelta(hours=policy.level2_after_hours):
        return 2
    if late >= timedelta(hours=policy.level1_after_hours):
        return 1
    return 0


def manual_escalation_level(current: int, to_department: bool) -> int | None:
    """The level a hand-raised escalation (吹哨) goes to; None when it cannot go higher.

    Without a department it goes one level up; to a department it goes to level 2, even
    again at level 2 (another department may be called in).
    """
    if to_department:
        return 2
    return current + 1 if current < 2 else None


def urgency_rank(status: str, overdue: bool) -> int:
    """Where a task stands in a work queue: 0 overdue, 1 the clock runs and it is not yet due,
    2 done (waiting to be accepted), 3 verified. `overdue` is is_overdue's answer."""
    if status in CLOCK_RUNNING:
        return 0 if overdue else 1
    return 2 if status == DONE else 3


def urgency_key(status: str, due_at: datetime, now: datetime, task_id: int) -> tuple:
    """Sort key of a work queue: overdue first (longest overdue first), then due soonest; done and
    verified last. tasks/queries.py's `urgency_order(now)` writes this key as ORDER BY, each
    status's ranks taken from urgency_rank."""
    return (urgency_rank(status, is_overdue(status, due_at, now)), due_at, task_id)


def check_policy(reminder_hours: int | None, level1_after_hours: int | None,
                 level2_after_hours: int | None) -> dict[str, str]:
    """Field → problem for a policy that cannot work ({} when fine): "range" (outside
    POLICY_BOUNDS) or "order" (the street would be called no later than the community).
    A field given as None (not a whole number) is the caller's to report; it is skipped."""
    given = {"reminder_hours": reminder_hours, "level1_after_hours": level1_after_hours,
             "level2_after_hours": level2_after_hours}
    problems = {field: "range" for field, hours in given.items()
                if hours is not None and not POLICY_BOUNDS[field][0] <= hours <= POLICY_BOUNDS[field][1]}
    if level1_after_hours is not None and level2_after_hours is not None and not problems.keys() & {
            "level1_after_hours", "level2_after_hours"} and level2_after_hours <= level1_after_hours:
        problems["level2_after_hours"] = "order"
    return problems


def satisfied_share(satisfied: int, basically_satisfied: int, ratings: int) -> float | None:
    """(satisfied + basically satisfied) / ratings (CONTRACT §4); None with no ratings.

    The satisfaction rate's one formula: a task's page uses it through satisfaction_rate,
    the street's figures through insight.rules.satisfaction_rate."""
    if not ratings:
        return None
    return (satisfied + basically_satisfied) / ratings


def satisfaction_rate(counts: dict[str, int]) -> float | None:
    """The satisfaction rate of one task, from its counts by score."""
    return satisfied_share(counts.get("satisfied", 0), counts.get("basically_satisfied", 0), sum(counts.values()))


def hours_between(start: datetime, end: datetime | None) -> float | None:
    if end is None:
        return None
    return (end - start).total_seconds() / 3600
