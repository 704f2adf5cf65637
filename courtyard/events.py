"""Real-time facts: queued on the database session, sent only after it commits.

A service calls `publish(event, room, payload)` while it writes; the event goes out when
the transaction commits and is dropped if it rolls back, so no one is told of what was
not stored. Rooms: `topic:<id>`, `courtyard:<id>`, `org:<id>`, `user:<id>`.

The catalogue (CONTRACT §5) — facts are past tense, `domain.verb`:
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .extensions import db, socketio

CATALOGUE = {
    "message.posted": "topic",
    "message.hidden": "topic",
    "vote.tallied": "topic",
    "proposal.decided": "topic",
    "topic.created": "courtyard",
    "topic.updated": "courtyard",
    "task.updated": "topic and org",
    "presence.changed": "topic",
    "notification.created": "user",
}

_KEY = "courtyard_pending_events"
# Tests (and the fan-out benchmark) may listen to everything that is sent.
_listeners: list[Callable[[str, str, Any], None]] = []


def publish(event: str, room: str, payload: Any, session: Session | None = None) -> None:
    if event not in CATALOGUE:
        raise ValueError(f"unknown event {event!r}")
    session = session or db.session()
    session.info.setdefault(_KEY, []).append((event, room, payload))


def send_now(event: str, room: str, payload: Any) -> None:
    """Emit at once: for facts that are not about stored data (presence, typing)."""
    for listener in list(_listeners):
        listener(event, room, payload)
    socketio.emit(event, payload, to=room)


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_KEY, None)
    for event, room, payload in pending or ():
        send_now(event, room, payload)


@sa.event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous_transaction) -> None:
    session.info.pop(_KEY, None)


@contextlib.contextmanager
def capture():
    """Record every event sent inside the block: `with events.capture() as sent: ...`."""
    sent: list[tuple[str, str, Any]] = []

    def listener(event, room, payload):
        sent.append((event, room, payload))

    _listeners.append(listener)
    try:
        yield sent
    finally:
        _listeners.remove(listener)
