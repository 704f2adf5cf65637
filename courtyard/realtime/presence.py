"""Who is connected, per courtyard and per topic: distinct people, not sockets; and the
coalesced `presence.changed` that tells a topic's room its count.

Kept in this process's memory: correct for one server process. With several processes
behind a Redis queue each counts its own sockets (see docs/deployment.md).

Announcing (docs/realtime.md, "Facts"): a join, leave or disconnect that changes a topic's
count only marks the topic (`changed`). `flush_due(now)` announces every marked topic
whose last `presence.changed` is at least INTERVAL old, with the count at that moment, and
says when the next one falls due; a background task (socketio.start_background_task /
socketio.sleep, so threads and green threads alike) runs it while anything is pending and
stops when nothing is. So a room hears at most one `presence.changed` per interval, the
first change in a quiet topic goes out at once, and the last change is always announced,
exactly. A topic whose count ends where it was last announced (a join and a leave within
one interval) hears nothing. Under TESTING (unless PRESENCE_BACKGROUND is set) no task is
started: tests call `flush_due` with a clock of their own. The counts are read through
`count(room)` only, so moving them to Redis leaves the announcing as it is.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

from flask import current_app

from . import rooms

log = logging.getLogger(__name__)

INTERVAL = 1.0  # seconds between two presence.changed of one topic, at least (PRESENCE_INTERVAL)

_lock = threading.Lock()
_rooms: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))


def enter(room: str, user_id: int, sid: str) -> tuple[int, bool]:
    """Count one socket in; returns (people in the room, whether that number changed)."""
    with _lock:
        people = _rooms[room]
        before = len(people)
        people[user_id].add(sid)
        return len(people), len(people) != before


def leave(room: str, user_id: int, sid: str) -> tuple[int, bool]:
    """Count one socket out; returns (people in the room, whether that number changed)."""
    with _lock:
        people = _rooms.get(room)
        if not people:
            return 0, False
        before = len(people)
        sids = people.get(user_id)
        if sids:
            sids.discard(sid)
            if not sids:
                del people[user_id]
        count = len(people)
        if not people:
            del _rooms[room]
        return count, count != before


def count(room: str) -> int:
    with _lock:
        return len(_rooms.get(room, ()))


def online_in_courtyard(courtyard_id: int) -> int:
    return count(rooms.courtyard(courtyard_id))


def online_in_topic(topic_id: int) -> int:
    return count(rooms.topic(topic_id))


def clear() -> None:
    """Forget every count and announcement (tests: a fresh start; no flusher is left to run)."""
    global _flusher
    with _lock:
        _rooms.clear()
        _dirty.clear()
        _announced.clear()
        _flusher = False


def leave_everywhere(user_id: int, sid: str) -> list[tuple[str, int, bool]]:
    """Drop one socket from every room; returns (room, people now, changed) for the rooms it left."""
    with _lock:
        rooms = [room for room, people in _rooms.items() if sid in people.get(user_id, ())]
    return [(room, *leave(room, user_id, sid)) for room in rooms]


# --- announcing: presence.changed, coalesced per topic -------------------------------------

_dirty: set[int] = set()                          # topics changed since they were last announced
_announced: dict[int, tuple[float, int]] = {}     # topic → (when, count) of its last presence.changed
_flusher = False                                  # a background flusher is running
_clock = time.monotonic                           # the flusher's clock (tests replace it)


def _announce(topic_id: int, online: int) -> None:
    from .. import events
    events.send_now("presence.changed", rooms.topic(topic_id), {"topic_id": topic_id, "online": online})


def changed(topic_id: int) -> None:
    """The number of people in a topic's room changed: its room will hear of it (flush_due)."""
    global _flusher
    app = current_app._get_current_object()
    background = not app.config.get("TESTING") or app.config.get("PRESENCE_BACKGROUND")
    with _lock:
        _dirty.add(topic_id)
        if not background or _flusher:
            return
        _flusher = True
    from ..extensions import socketio
    socketio.start_background_task(_flush_loop, app, float(app.config.get("PRESENCE_INTERVAL", INTERVAL)))


def flush_due(now: float, *, interval: float = INTERVAL, send=None) -> float | None:
    """Announce each changed topic last announced at least `interval` before `now` (or never),
    with its count now; a count equal to the last one announced is not repeated.

    Returns when the next changed topic falls due, or None when none is left waiting.
    `send(topic_id, online)` defaults to emitting `presence.changed` to the topic's room.
    """
    out: list[tuple[int, int]] = []
    next_due: float | None = None
    with _lock:
        for topic_id in list(_dirty):
            last = _announced.get(topic_id)
            if last is not None and now - last[0] < interval:
                due = last[0] + interval
                next_due = due if next_due is None else min(next_due, due)
                continue
            _dirty.discard(topic_id)
            online = len(_rooms.get(rooms.topic(topic_id), ()))
            if online == (last[1] if last is not None else 0):
                continue  # back where the room last heard it was
            _announced[topic_id] = (now, online)
            out.append((topic_id, online))
        for topic_id, (when, online) in list(_announced.items()):  # forget emptied rooms once quiet
            if online == 0 and now - when >= interval and topic_id not in _dirty:
                del _announced[topic_id]
    for topic_id, online in out:
        (send or _announce)(topic_id, online)
    return next_due


def pending() -> set[int]:
    """The topics whose change is not announced yet."""
    with _lock:
        return set(_dirty)


def _flush_loop(app, interval: float) -> None:
    """The background flusher: flush_due while anything is pending, then stop."""
    global _flusher
    from ..extensions import socketio
    while True:
        try:
            with app.app_context():
                next_due = flush_due(_clock(), interval=interval)
        except Exception:  # one bad send must not leave later changes unannounced
            log.exception("announcing presence failed")
            next_due = _clock() + interval
        with _lock:
            if next_due is None and not _dirty:
                _flusher = False
                return
        socketio.sleep(max(0.0, next_due - _clock()) if next_due is not None else 0)
