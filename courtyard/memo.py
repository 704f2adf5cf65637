"""Answers remembered for the rest of one request: who the current user is staff of, their
membership of a courtyard, whether they may read a topic — asked by many panels of one page.

Only inside a request (a page, an API call, one Socket.IO event: each has its own request
object); outside one (the scheduler, the CLI, tests calling services) every call computes
afresh. Anything written to the database — a flush, a commit, a rollback — forgets it all,
so a rule checked after a change sees the change.
"""
from __future__ import annotations

import contextlib
from typing import Callable, Hashable, TypeVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_ATTR = "_courtyard_memo"


def _store() -> dict | None:
    if not has_request_context():
        return None
    req = request._get_current_object()
    store = req.__dict__.get(_ATTR)
    if store is None:
        store = req.__dict__[_ATTR] = {}
    return store


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or what it returned earlier in this request for the same key."""
    store = _store()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def known(key: Hashable):
    """What was remembered for `key` in this request, or None (nothing is computed)."""
    store = _store()
    return store.get(key) if store else None


def forget(*_args) -> None:
    store = _store()
    if store:
        store.clear()


@contextlib.contextmanager
def kept():
    """Keep what was remembered across a block that writes nothing but ends the transaction
    (deliberation.ordering: a commit to hand back the connection while waiting for a lock)."""
    store = _store()
    saved = dict(store) if store else None
    try:
        yield
    finally:
        if saved:
            _store().update(saved)


for _name in ("after_flush", "after_commit", "after_rollback"):
    event.listen(Session, _name, forget)
