"""Per-topic serialisation of writes that are broadcast.

A message is inserted, committed and published while its topic's lock is held, so
publication order equals id order for every recipient. In one process a (green-aware)
lock suffices; on PostgreSQL a session advisory lock extends it across processes,
because the publish (through Redis) happens after the commit and must not be overtaken.
"""
from __future__ import annotations

import contextlib
import threading
from collections import defaultdict

import sqlalchemy as sa

from .. import memo
from ..extensions import db

_guard = threading.Lock()
_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)
ADVISORY_NAMESPACE = 0x70C1  # keeps our advisory keys apart from anyone else's


def _local(topic_id: int) -> threading.Lock:
    with _guard:
        return _locks[topic_id]


def _acquire(lock: threading.Lock) -> None:
    if lock.acquire(blocking=False):
        return
    # Waiting must not hold a pooled connection: the holder may need one more (the
    # advisory lock's), and a hundred waiters would otherwise drain the pool.
    session = db.session()
    if not (session.new or session.dirty or session.deleted):
        _end_transaction(session)
    lock.acquire()


def _end_transaction(session) -> None:
    """Commit a session that has nothing left to write, keeping what it loaded and what the
    request remembered (courtyard.memo): that commit changes nothing in the database, so the
    actor, the topic and the rules checked a moment ago are as true as they were. Expiring
    them instead cost every contended join three more queries (user, topic, the viewer)."""
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        with memo.kept():
            session.commit()
    finally:
        session.expire_on_commit = expire


@contextlib.contextmanager
def topic_lock(topic_id: int):
    lock = _local(topic_id)
    _acquire(lock)
    try:
        if db.engine.dialect.name != "postgresql":
            yield
            return
        # A dedicated connection: the advisory lock must outlive the session's commit.
        with db.engine.connect() as conn:
            params = {"ns": ADVISORY_NAMESPACE, "id": topic_id}
            conn.execute(sa.text("SELECT pg_advisory_lock(:ns, :id)"), params)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:ns, :id)"), params)
                conn.commit()
    finally:
        lock.release()
