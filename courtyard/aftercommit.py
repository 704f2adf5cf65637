"""Work that must wait for the transaction: run after the session commits, dropped on rollback.

`on_commit(fn, *args)` queues a call on the session; when the outermost transaction
commits, the calls run in the order they were queued; when it rolls back, they are
forgotten, so no one is told of (or acted on) what was not stored. A `key` makes a call
unique within the transaction (the first one queued under that key wins): a socket cut
once per person, a cache dropped once.

Events (courtyard/events.py), outbound notifications, the cutting of sockets that lost
access (courtyard/realtime/revocation.py) and the blocked-words cache all go through here.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Hashable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .extensions import db

log = logging.getLogger(__name__)
_KEY = "courtyard_after_commit"


def on_commit(fn: Callable[..., Any], *args: Any, key: Hashable | None = None,
              session: Session | None = None) -> None:
    """Call `fn(*args)` once `session` (default: db.session) commits; never if it rolls back."""
    session = session if session is not None else db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback before any SQL still drops what was queued
    queue: dict = session.info.setdefault(_KEY, {})
    queue.setdefault(key if key is not None else object(), (fn, args))


def pending(session: Session | None = None) -> list[tuple[Callable[..., Any], tuple]]:
    """What is queued on `session` (for tests)."""
    session = session if session is not None else db.session()
    return list(session.info.get(_KEY, {}).values())


@sa.event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    queue = session.info.pop(_KEY, None)
    for fn, args in (queue or {}).values():
        try:
            fn(*args)
        except Exception:  # one failing call must not stop the others: the data is stored
            log.exception("after-commit call %r failed", fn)


@sa.event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, _previous_transaction) -> None:
    session.info.pop(_KEY, None)
