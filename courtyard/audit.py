"""The append-only audit log (`audit_log`): who did what to which thing, and when.

Every state change of topics, ballots and tasks, every role change and every approval is
appended here by the service that makes it, in the same transaction (`record`): the entry
is stored if and only if the act is. Street administrators read it (`search`, the /audit
page, GET /api/v1/audit).

The database itself refuses to change or delete a row, with a trigger on PostgreSQL and on
SQLite (migration 0004). PostgreSQL's TRUNCATE (which needs the table's owner) is left
alone. SQLite triggers cannot see who is asking, so there the trigger consults a function
every connection of this application registers, `courtyard_audit_sealed()`; it answers 1
unless the process is inside `unsealed()`, which only the test suite's clean-up uses. A
connection without the function (the sqlite3 shell) cannot change the table at all.

Actions are `domain.verb` (topic.created, topic.status, task.escalated, membership.approved,
role.changed …). Never put a secret ballot's choice in `data`.

(Written for voting in issue 4 as courtyard/voting/audit.py, which now re-exports this.)
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .dbtypes import created_at_column, iso
from .errors import Invalid
from .extensions import db

_state = threading.local()
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
MAX_ID = 2**31 - 1


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64))
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int] = mapped_column()
    courtyard_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courtyards.id"), index=True)
    data: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))


def record(session=None, *, actor_id: int | None, action: str, subject_type: str, subject_id: int,
           courtyard_id: int | None = None, data: dict | None = None) -> None:
    """Add one row in `session`'s transaction (default: db.session): stored if and only if the act is."""
    session = session if session is not None else db.session
    session.execute(sa.insert(AuditEntry).values(
        created_at=clock.now(), actor_id=actor_id, action=action, subject_type=subject_type,
        subject_id=subject_id, courtyard_id=courtyard_id, data=data))


def actor_id_of(actor) -> int | None:
    return getattr(actor, "id", None) if actor is not None else None


# --- the seal ------------------------------------------------------------------------------

def _sealed() -> int:
    return 0 if getattr(_state, "unsealed", False) else 1


@contextlib.contextmanager
def unsealed():
    """Let this thread's connections delete audit rows (SQLite): for emptying a test database only."""
    _state.unsealed = True
    try:
        yield
    finally:
        _state.unsealed = False


@sa.event.listens_for(sa.engine.Engine, "connect")
def _register_sqlite_function(dbapi_conn, _record):
    if isinstance(dbapi_conn, sqlite3.Connection):
        dbapi_conn.create_function("courtyard_audit_sealed", 0, _sealed)


# --- reading -------------------------------------------------------------------------------

def _day(value: str | None, field: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        errors[field] = _l("Must be a date (YYYY-MM-DD).")
        return None


def _whole(value, field: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = _l("Must be a whole number.")
        return None
    return number if 0 <= number <= MAX_ID else -1  # names nothing: no entries, not an error


def search(*, actor_id=None, action=None, subject_type=None, subject_id=None, courtyard_id=None,
           since=None, until=None) -> sa.Select:
    """Entries, newest first. `since` and `until` are days (Beijing time), both included;
    `action` matches exactly or, ending in a dot, by prefix ("task."). Raises Invalid."""
    errors: dict = {}
    q = sa.select(AuditEntry)
    for field, column, value in (("actor_id", AuditEntry.actor_id, actor_id),
                                 ("subject_id", AuditEntry.subject_id, subject_id),
                                 ("courtyard_id", AuditEntry.courtyard_id, courtyard_id)):
        number = _whole(value, field, errors)
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
