"""Waiting for a topic's lock holds no pooled connection, so a crowd of waiters cannot starve
the holder (which, on PostgreSQL, needs a second connection for the advisory lock)."""
import threading

import sqlalchemy as sa

from courtyard.deliberation import ordering
from courtyard.extensions import db


class RecordingLock:
    """A lock that notes how many connections are checked out when someone starts to wait."""

    def __init__(self):
        self._lock = threading.Lock()
        self.checked_out_while_waiting: list[int] = []
        self.someone_waits = threading.Event()

    def acquire(self, blocking=True):
        if blocking:
            self.checked_out_while_waiting.append(db.engine.pool.checkedout())
            self.someone_waits.set()
        return self._lock.acquire(blocking)

    def release(self):
        self._lock.release()


def test_a_waiter_gives_its_connection_back_before_it_waits(app, monkeypatch):
    lock = RecordingLock()
    monkeypatch.setattr(ordering, "_local", lambda topic_id: lock)
    inside, release = threading.Event(), threading.Event()
    holder_connections = []

    def holder():
        with app.app_context():
            with ordering.topic_lock(7):
                db.session.execute(sa.text("SELECT 1"))
                holder_connections.append(db.engine.pool.checkedout())
                inside.set()
                release.wait(30)
            db.session.remove()

    def waiter():
        with app.app_context():
            db.session.execute(sa.text("SELECT 1"))  # a handler that has read something first
            with ordering.topic_lock(7):
                db.session.execute(sa.text("SELECT 1"))
            db.session.remove()

    threads = [threading.Thread(target=holder)]
    threads[0].start()
    assert inside.wait(30)
    threads.append(threading.Thread(target=waiter))
    threads[1].start()
    assert lock.someone_waits.wait(30)
    release.set()
    for t in threads:
        t.join(30)
    assert lock.checked_out_while_waiting == holder_connections
