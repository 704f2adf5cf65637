"""Who is connected, per courtyard and per topic: distinct people, not sockets.

Kept in this process's memory: correct for one server process. With several processes
behind a Redis queue each counts its own sockets (see docs/deployment.md).
"""
from __future__ import annotations

import threading
from collections import defaultdict

from . import rooms

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
    with _lock:
        _rooms.clear()


def leave_everywhere(user_id: int, sid: str) -> list[tuple[str, int, bool]]:
    """Drop one socket from every room; returns (room, people now, changed) for the rooms it left."""
    with _lock:
        rooms = [room for room, people in _rooms.items() if sid in people.get(user_id, ())]
    return [(room, *leave(room, user_id, sid)) for room in rooms]
