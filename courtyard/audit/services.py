"""Reading the audit log: filtered searches for the page and the API."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..clock import LOCAL_TZ
from ..dbtypes import iso
from ..errors import Invalid
from ..extensions import db
from ..validation import Fields, parse_id_filter
from .models import AuditEntry


def _day(value: str | None, field: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        errors[field] = _l("Must be a date (YYYY-MM-DD).")
        return None


def search(*, actor_id=None, action=None, subject_type=None, subject_id=None, courtyard_id=None,
           since=None, until=None) -> sa.Select:
    """Entries, newest first. `since` and `until` are days (Beijing time), both included;
    `action` matches exactly or, ending in a dot, by prefix ("task."). Raises Invalid."""
    f = Fields()
    errors = f.errors
    q = sa.select(AuditEntry)
    for field, column, value in (("actor_id", AuditEntry.actor_id, actor_id),
                                 ("subject_id", AuditEntry.subject_id, subject_id),
                                 ("courtyard_id", AuditEntry.courtyard_id, courtyard_id)):
        # 0 is the street (subject_id); out of range names nothing: no entries, not an error
        number = parse_id_filter(f, field, value, minimum=0)
        if number is not None:
            q = q.where(column == number)
    if action:
        action = action.strip()[:64]
        q = q.where(AuditEntry.action.startswith(action, autoescape=True) if action.endswith(".")
                    else AuditEntry.action == action)
    if subject_type:
        q = q.where(AuditEntry.subject_type == subject_type.strip()[:32])
    start, end = _day(since, "since", errors), _day(until, "until", errors)
    if start and end and end < start:
        errors["until"] = _l("Must not be before the start date.")
    if errors:
        raise Invalid(fields=errors)
    if start:
        q = q.where(AuditEntry.created_at >= datetime.combine(start, time(), LOCAL_TZ))
    if end:
        q = q.where(AuditEntry.created_at < datetime.combine(end + timedelta(days=1), time(), LOCAL_TZ))
    return q.order_by(AuditEntry.id.desc())


def actions() -> list[str]:
    """The actions the log holds so far, for a filter's choices."""
    return list(db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def entry_json(e: AuditEntry) -> dict:
    return {"id": e.id, "created_at": iso(e.created_at), "actor_id": e.actor_id, "action": e.action,
            "subject_type": e.subject_type, "subject_id": e.subject_id, "courtyard_id": e.courtyard_id,
            "data": e.data}
