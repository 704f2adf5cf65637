"""`vote.tallied`, coalesced: at most one per proposal per interval, and the last one exact.

A vote only marks its proposal as changed. A background task (one per process, started on
the first vote) sends the tally of every changed proposal at once when woken — the leading
edge, so a quiet ballot updates immediately — then rests for the interval; votes arriving
meanwhile are sent together when it wakes again — the trailing edge. Each sending counts
afresh from the database after the votes that woke it were committed, so the last
`vote.tallied` is always exact. Tallies carry `seq`; clients keep the highest.

With several server processes each coalesces its own voters' changes: a proposal may see
one `vote.tallied` per process per interval.

Under TESTING (unless VOTE_TALLY_BACKGROUND is set) the tally is sent at once, in the
voter's own thread, so that tests see a deterministic sequence of events.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from flask import Flask, current_app

from .. import events
from ..realtime import rooms
from ..extensions import db, socketio

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 0.3  # seconds: about three tallies a second per proposal at most


class Coalescer:
    """Collects keys; a worker hands them to `send` at most once per `interval`.

    `spawn` starts the worker and `sleep` rests it (socketio's, so the same code runs on
    threads and on green threads); tests pass their own.
    """

    def __init__(self, send: Callable[[dict], None], *, interval: float, spawn, sleep):
        self._send = send
        self._interval = interval
        self._spawn = spawn
        self._sleep = sleep
        self._lock = threading.Lock()
        self._pending: dict = {}
        self._wake = threading.Event()
        self._started = False

    def mark(self, key, value) -> None:
        with self._lock:
            self._pending[key] = value
            start = not self._started
            self._started = True
        self._wake.set()
        if start:
            self._spawn(self._run)

    def take(self) -> dict:
        with self._lock:
            pending, self._pending = self._pending, {}
        return pending

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            pending = self.take()
            if pending:
                try:
                    self._send(pending)
                except Exception:  # the worker must outlive one bad send
                    log.exception("sending tallies failed")
            self._sleep(self._interval)


def send_tallies(pending: dict) -> None:
    """pending: proposal id → (app, topic id). Count each afresh and tell its topic's room."""
    from . import services
    from .models import Proposal
    for proposal_id, (app, topic_id) in pending.items():
        with app.app_context():
            try:
                proposal = db.session.get(Proposal, proposal_id)
                tally = services.live_tally(proposal) if proposal is not None else None
                if tally is not None:
                    events.send_now("vote.tallied", rooms.topic(topic_id), tally)
            finally:
                db.session.remove()


_coalescer: Coalescer | None = None
_guard = threading.Lock()


def _get(app: Flask) -> Coalescer:
    global _coalescer
    with _guard:
        if _coalescer is None:
            _coalescer = Coalescer(send_tallies, interval=app.config.get("VOTE_TALLY_INTERVAL", DEFAULT_INTERVAL),
                                   spawn=socketio.start_background_task, sleep=socketio.sleep)
        return _coalescer


def changed(proposal_id: int, topic_id: int) -> None:
    """A committed write changed this proposal's count: its room will hear of it."""
    app = current_app._get_current_object()
    if app.config.get("TESTING") and not app.config.get("VOTE_TALLY_BACKGROUND"):
        send_tallies({proposal_id: (app, topic_id)})
        return
    _get(app).mark(proposal_id, (app, topic_id))
