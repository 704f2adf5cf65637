"""The append-only audit log (`audit_log`): who did what to which thing, and when.

Every state change of topics, ballots and tasks, every role change and every approval is
appended here, in the same transaction as the act (`record`, called by the receivers of
listeners.py while the service that acts is still writing): the entry is stored if and
only if the act is. Street administrators read it (`search`, the /audit
page, GET /api/v1/audit).

The database itself refuses to change or delete a row, with a trigger on PostgreSQL and on
SQLite (migration 0004). PostgreSQL's TRUNCATE (which needs the table's owner) is left
alone. SQLite triggers cannot see who is asking, so there the trigger consults a function
every connection of this application registers, `courtyard_audit_sealed()`; it answers 1
unless the process is inside `unsealed()`, which only the test suite's clean-up uses. A
connection without the function (the sqlite3 shell) cannot change the table at all.

Actions are `domain.verb` (topic.created, topic.status, task.escalated, membership.approved,
role.changed …). Never put a secret ballot's choice in `data`.

This module holds the table, `record` and the seal; listeners.py writes the entries,
services.py reads the log, views.py and api.py show it to street administrators
(permissions.py).
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..dbtypes import created_at_column
from ..extensions import db

_state = threading.local()


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
