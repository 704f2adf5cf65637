"""Tasks: service times and the per-community service policy.

The street's rows are the default; a community may set its own reminder and escalation
thresholds, level-2 department and service hours per category. Reading (policy_for,
service_hours, service_times), changing (set_policy) and first-use defaults
(ensure_street_defaults). Imports neither tasks.services nor tasks.clock.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import clock, signals
from ..deliberation.models import Category
from ..errors import Forbidden
from ..extensions import db
from ..places.models import Community, Organization, OrgKind
from ..places.services import find
from ..validation import Fields
from . import permissions, rules
from .models import ServiceTime, TaskPolicy


# --- the service policy (data, per community; the street's rows are the default) ------------

def _policy_row(community_id: int | None) -> TaskPolicy | None:
    if community_id is None:
        return db.session.scalar(sa.select(TaskPolicy).where(TaskPolicy.street_default.is_(True)))
    return db.session.scalar(sa.select(TaskPolicy).where(TaskPolicy.community_id == community_id))


def policy_for(community_id: int | None) -> tuple[rules.Policy, int | None, str]:
    """(policy, level-2 department id, where it comes from: 'community' | 'street' | 'initial')."""
    row, source = None, "initial"
    if community_id is not None:
        row, source = _policy_row(community_id), "community"
    if row is None:
        row, source = _policy_row(None), "street"
    if row is None:
        return rules.Policy(), None, "initial"
    return (rules.Policy(row.reminder_hours, row.level1_after_hours, row.level2_after_hours),
            row.level2_org_id, source)


def service_hours(community_id: int | None, category: Category | str) -> int:
    """The service time of a category: the community's own, else the street's, else the initial default."""
    category = Category(category)
    rows = {r.community_id: r.hours for r in db.session.scalars(sa.select(ServiceTime).where(
        ServiceTime.category == category,
        sa.or_(ServiceTime.community_id == community_id, ServiceTime.community_id.is_(None))))}
    if community_id in rows:
        return rows[community_id]
    if None in rows:
        return rows[None]
    return rules.DEFAULT_SERVICE_HOURS[category.value]


def service_times(community_id: int | None) -> list[dict]:
    """Every category with its hours and whether the community set them itself."""
    own = {r.category: r.hours for r in db.session.scalars(sa.select(ServiceTime).where(
        ServiceTime.community_id == community_id if community_id is not None
        else ServiceTime.community_id.is_(None)))}
    out = []
    for category in Category:
        hours = own.get(category)
        out.append({"category": category.value, "own": hours is not None,
                    "hours": hours if hours is not None else service_hours(community_id, category)})
    return out


def _whole_hours(value) -> int | None:
    """Hours as a form or JSON gives them ("12", 12); None for anything else (true is not 1 hour)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _not_in_range(lo: int, hi: int):
    return _l("Must be a whole number of hours from %(lo)s to %(hi)s.", lo=lo, hi=hi)


def _check_hours(f: Fields, field: str, value, *, lo: int, hi: int) -> int | None:
    """A service time: a whole number of hours from `lo` to `hi`."""
    number = _whole_hours(value)
    if number is None or not lo <= number <= hi:
        f.add(field, _not_in_range(lo, hi))
        return None
    return number


def _check_thresholds(f: Fields, **given) -> dict[str, int | None]:
    """The clock's three thresholds, checked by rules.check_policy (whole numbers within
    rules.POLICY_BOUNDS; the street called after the community)."""
    numbers = {field: _whole_hours(value) for field, value in given.items()}
    problems = rules.check_policy(**numbers)
    for field, number in numbers.items():
        if number is None or problems.get(field) == "range":
            f.add(field, _not_in_range(*rules.POLICY_BOUNDS[field]))
    if problems.get("level2_after_hours") == "order":
        f.add("level2_after_hours", _l("Must be more than the hours before the community is called."))
    return numbers


def set_policy(actor, community: Community | None, *, reminder_hours, level1_after_hours, level2_after_hours,
               level2_org_id=None, service_hours_by_category: dict | None = None) -> TaskPolicy:
    """A community's (or, with None, the street's) service clock and service times.

    Community staff for their community, street administrators for the street's default.
    `service_hours_by_category` maps a category to its hours; an empty value means "use
    the street's default". Raises Forbidden, Invalid. Sends task_policy_changed.
    """
    if community is None:
        if not permissions.can_edit_street_policy(actor):
            raise Forbidden()
    elif not permissions.can_edit_policy(actor, community):
        raise Forbidden()
    f = Fields()
    thresholds = _check_thresholds(f, reminder_hours=reminder_hours, level1_after_hours=level1_after_hours,
                                   level2_after_hours=level2_after_hours)
    department = None
    if level2_org_id not in (None, ""):
        department = find(Organization, level2_org_id)
        if department is None or department.kind != OrgKind.department:
            f.add("level2_org_id", _l("Choose a department."))
    hours: dict[Category, int | None] = {}
    for key, value in (service_hours_by_category or {}).items():
        try:
            category = Category(key)
        except ValueError:
            f.add(f"service_hours.{key}", _l("Not one of the allowed values."))
            continue
        if value in (None, "") and community is not None:
            hours[category] = None
        else:
            hours[category] = _check_hours(f, f"service_hours.{key}", value, lo=1, hi=rules.MAX_HOURS)
    f.check()
    now = clock.now()
    row = _policy_row(community.id if community else None)
    before = _policy_snapshot(row)
    if row is None:
        row = TaskPolicy(community_id=community.id if community else None, street_default=community is None)
        db.session.add(row)
    row.reminder_hours = thresholds["reminder_hours"]
    row.level1_after_hours = thresholds["level1_after_hours"]
    row.level2_after_hours = thresholds["level2_after_hours"]
    row.level2_org_id = department.id if department else None
    row.updated_at, row.updated_by_id = now, actor.id
    changed_hours = _store_service_hours(actor, community, hours, now)
    db.session.flush()
    signals.task_policy_changed.send(row, actor=actor, community=community, before=before,
                                     after=_policy_snapshot(row), service_hours=changed_hours)
    db.session.commit()
    return row


def _policy_snapshot(row: TaskPolicy | None) -> dict | None:
    if row is None:
        return None
    return {"reminder_hours": row.reminder_hours, "level1_after_hours": row.level1_after_hours,
            "level2_after_hours": row.level2_after_hours, "level2_org_id": row.level2_org_id}


def _store_service_hours(actor, community, hours: dict, now) -> dict:
    community_id = community.id if community else None
    existing = {r.category: r for r in db.session.scalars(sa.select(ServiceTime).where(
        ServiceTime.community_id == community_id if community_id is not None
        else ServiceTime.community_id.is_(None)))}
    changed = {}
    for category, value in hours.items():
        row = existing.get(category)
        if value is None:
            if row is not None:
                db.session.delete(row)
                changed[category.value] = None
            continue
        if row is None:
            db.session.add(ServiceTime(community_id=community_id, category=category, hours=value,
                                       updated_at=now, updated_by_id=actor.id))
            changed[category.value] = value
        elif row.hours != value:
            row.hours, row.updated_at, row.updated_by_id = value, now, actor.id
            changed[category.value] = value
    return changed


def ensure_street_defaults() -> None:
    """Write the street's default policy and service times if they are not there yet (seed, first use)."""
    now = clock.now()
    if _policy_row(None) is None:
        p = rules.Policy()
        db.session.add(TaskPolicy(community_id=None, street_default=True, reminder_hours=p.reminder_hours,
                                  level1_after_hours=p.level1_after_hours, level2_after_hours=p.level2_after_hours,
                                  updated_at=now))
    have = set(db.session.scalars(sa.select(ServiceTime.category).where(ServiceTime.community_id.is_(None))))
    for code, hours in rules.DEFAULT_SERVICE_HOURS.items():
        if Category(code) not in have:
            db.session.add(ServiceTime(community_id=None, category=Category(code), hours=hours, updated_at=now))
    db.session.commit()
