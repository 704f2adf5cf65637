"""The handlers' bulletin (issue 12 part 5): who handled the tasks of a week or a month, and how.

Fangzhuang bulletins the cadres' handling weekly and ranks it monthly. Here, for a scope
(the street, or one community) and a period — a week (Monday to Sunday, Beijing time) or a
calendar month — every organization that was given tasks (departments and property
companies, listed apart: the property companies also have their 物业服务质量榜) and every
person who took a task on (the staff member who accepted it), with:

- tasks: tasks given in the period (to the organization) / accepted by the person in it;
- response: mean hours from dispatch to acceptance, over the accepted ones;
- on time: finished by the due date / finished or past due (as the dashboard's on-time rate);
- satisfaction: (satisfied + basically satisfied) / ratings of those tasks.

Ranked by satisfaction, then on time, then response (fastest first), then name; a line
without any of the three figures goes last. `rank_lines` is the pure part.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from .. import clock
from ..accounts.models import User
from ..extensions import db
from ..places.models import Organization, OrgKind
from ..tasks.models import Task, TaskRating, TaskStatus, TaskUpdate
from . import queries, rules
from .queries import Scope

PERIODS = ("week", "month")
_FINISHED = (TaskStatus.done, TaskStatus.verified)


def period_window(period: str, day: date) -> rules.Window:
    """The week (Monday–Sunday) or calendar month holding `day`."""
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return rules.Window(start, start + timedelta(days=6))
    start = day.replace(day=1)
    end = (rules.add_months(start, 1) - timedelta(days=1))
    return rules.Window(start, end)


def default_day(period: str, today: date) -> date:
    """The period a bulletin is about by default: last week (its figures are complete); this month."""
    return today - timedelta(days=7) if period == "week" else today


def _line(tasks: list[dict], ratings: dict[int, dict[str, int]], now: datetime) -> dict:
    accepted = [t for t in tasks if t["accepted_at"] is not None]
    hours = sum((t["accepted_at"] - t["created_at"]).total_seconds() / 3600 for t in accepted)
    finished = [t for t in tasks if t["done_at"] is not None]
    on_time = sum(1 for t in finished if t["done_at"] <= t["due_at"])
    late_open = sum(1 for t in tasks if t["done_at"] is None and t["due_at"] < now)
    counts = {s: 0 for s in rules.SCORES}
    for t in tasks:
        for s, n in ratings.get(t["id"], {}).items():
            counts[s] += n
    total = sum(counts.values())
    return {
        "tasks": len(tasks), "accepted": len(accepted),
        "response_hours": rules.mean(hours, len(accepted)),
        "on_time": on_time, "judged": len(finished) + late_open,
        "on_time_rate": rules.on_time_rate(on_time, len(finished) + late_open),
        "ratings": {**counts, "total": total},
        "satisfaction_rate": rules.satisfaction_rate(counts["satisfied"], counts["basically_satisfied"], total),
    }


def rank_lines(lines: list[dict]) -> list[dict]:
    """Best first: satisfaction, on time, response (fastest), name; lines with no figure last."""
    def key(line):
        none = line["satisfaction_rate"] is None and line["on_time_rate"] is None and line["response_hours"] is None
        return (none, -(line["satisfaction_rate"] if line["satisfaction_rate"] is not None else -1),
                -(line["on_time_rate"] if line["on_time_rate"] is not None else -1),
                line["response_hours"] if line["response_hours"] is not None else float("inf"), line["name"])
    ranked = sorted(lines, key=key)
    return [{**line, "rank": i} for i, line in enumerate(ranked, start=1)]


def bulletin(scope: Scope, period: str, day: date) -> dict:
    """The bulletin of `scope` for the `period` holding `day` (the caller checked who may read it)."""
    window = period_window(period, day)
    start, end = window.utc()
    now = clock.now()
    rows = db.session.execute(sa.select(Task.id, Task.assignee_org_id, Task.created_at, Task.accepted_at,
                                        Task.done_at, Task.due_at)
                              .where(queries.task_in(scope), Task.created_at >= start, Task.created_at < end)).all()
    tasks = [dict(r._mapping) for r in rows]
    ids = [t["id"] for t in tasks]
    ratings: dict[int, dict[str, int]] = {}
    takers: dict[int, int] = {}
    if ids:
        for task_id, score, n in db.session.execute(
                sa.select(TaskRating.task_id, TaskRating.score, sa.func.count()).where(TaskRating.task_id.in_(ids))
                .group_by(TaskRating.task_id, TaskRating.score)):
            ratings.setdefault(task_id, {})[score.value if hasattr(score, "value") else score] = n
        # Who took each task on: the author of its (first) move to accepted.
        for task_id, author_id in db.session.execute(
                sa.select(TaskUpdate.task_id, TaskUpdate.author_id).where(
                    TaskUpdate.task_id.in_(ids), TaskUpdate.to_status == TaskStatus.accepted,
                    TaskUpdate.author_id.is_not(None)).order_by(TaskUpdate.id)):
            takers.setdefault(task_id, author_id)
    by_org: dict[int, list[dict]] = {}
    by_person: dict[int, list[dict]] = {}
    for t in tasks:
        by_org.setdefault(t["assignee_org_id"], []).append(t)
        if t["id"] in takers:
            by_person.setdefault(takers[t["id"]], []).append(t)
    orgs = {o.id: o for o in db.session.scalars(sa.select(Organization).where(Organization.id.in_(by_org)))} \
        if by_org else {}
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(by_person)))} if by_person else {}
    org_of_person: dict[int, str] = {}
    for person, mine in by_person.items():
        names = {orgs[t["assignee_org_id"]].name for t in mine if t["assignee_org_id"] in orgs}
        org_of_person[person] = "、".join(sorted(names))
    org_lines = [{"id": oid, "name": orgs[oid].name, "kind": orgs[oid].kind.value, **_line(mine, ratings, now)}
                 for oid, mine in by_org.items() if oid in orgs]
    person_lines = [{"id": uid, "name": people[uid].display_name, "organization": org_of_person[uid],
                     **_line(mine, ratings, now)} for uid, mine in by_person.items() if uid in people]
    return {
        "scope": {"kind": scope.kind, "id": scope.id, "name": scope.name, "key": scope.key},
        "period": period, "window": window.as_dict(),
        "departments": rank_lines([line for line in org_lines if line["kind"] == OrgKind.department.value]),
        "property_companies": rank_lines([line for line in org_lines if line["kind"] == OrgKind.property.value]),
        "staff": rank_lines(person_lines),
        "generated_at": now.isoformat(),
    }


def handlers_bulletin(actor, *, scope, period=None, day=None) -> dict:
    """The bulletin for those who may use the staff tools of `scope` (street administrators, the
    community's staff). Raises Invalid (`scope`, `period`, `day`), NotFound, Forbidden."""
    from flask_babel import lazy_gettext as _l

    from ..validation import Fields
    from . import services
    f = Fields()
    period = period or "week"
    if period not in PERIODS:
        f.add("period", _l("Not one of the allowed values."))
    today = services.today()
    if day in (None, ""):
        when = default_day(period if period in PERIODS else "week", today)
    else:
        try:
            when = date.fromisoformat(day) if isinstance(day, str) and len(day) == 10 else None
        except ValueError:
            when = None
        if when is None or not date(2000, 1, 1) <= when <= today:
            f.add("day", _l("A day as YYYY-MM-DD, not in the future."))
    f.check()
    found = services.scope_of(actor, scope, staff_only=True)
    return bulletin(found, period, when)
