"""Who is connected, per courtyard and per topic: distinct people, not sockets; and the
coalesced `presence.changed` that tells a topic's room its count.

Counting. Each process knows its own sockets (`_rooms`: room → person → socket ids). With
one process that is the count. With `REDIS_URL` (several processes, docs/deployment.md)
the count is the deployment's, kept in Redis by `RedisPresence`: per room a hash of the
people in it (person → how many processes hold them there), and per process the set of
(room, person) it holds there. Redis is touched only when a person's first socket enters a
room in this process or their last one leaves it, so a second tab costs nothing. Each process
refreshes its share every HEARTBEAT seconds (`heartbeat`): it says it is alive (a key that
expires after TTL), re-asserts exactly what it holds (so a Redis restarted empty, or a call
lost while Redis was away, is mended within one heartbeat), and takes out the share of every
process whose key has expired (a crashed or killed process); the topics whose count that
changed are announced like any other change.

Announcing (docs/realtime.md, "Facts"): a join, leave or disconnect that changes a topic's
count only marks the topic (`changed`). `flush_due(now)` announces every marked topic
whose last `presence.changed` is at least INTERVAL old, with the count at that moment, and
says when the next one falls due; a background task (socketio.start_background_task /
socketio.sleep, so threads and green threads alike) runs it while anything is pending and
stops when nothing is. So a room hears at most one `presence.changed` per interval, the
first change in a quiet topic goes out at once, and the last change is always announced,
exactly. A topic whose count ends where it was last announced (a join and a leave within
one interval) hears nothing. With Redis, when a topic was last announced and with what count
is kept in Redis too, so the interval holds for the deployment, not per process: a process
that finds the topic announced less than INTERVAL ago waits until it falls due. Under TESTING
(unless PRESENCE_BACKGROUND is set) no task is started: tests call `flush_due` and
`heartbeat` with a clock of their own.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

from flask import current_app

from .. import cluster
from . import rooms

log = logging.getLogger(__name__)

INTERVAL = 1.0    # seconds between two presence.changed of one topic, at least (PRESENCE_INTERVAL)
HEARTBEAT = 5.0   # seconds between two refreshes of this process's share in Redis (PRESENCE_HEARTBEAT)
TTL = 15.0        # seconds after its last refresh that a silent process's share is taken out (PRESENCE_TTL)

_lock = threading.Lock()
_rooms: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))


# --- the deployment's counts, in Redis -----------------------------------------------------

# A member is "<room>|<person>"; rooms are "kind:id" (realtime/rooms.py) and never hold "|".
_ADD = """
if redis.call('SADD', KEYS[2], ARGV[2]) == 1 then
  local first = redis.call('HINCRBY', KEYS[1], ARGV[1], 1) == 1
  return {redis.call('HLEN', KEYS[1]), first and 1 or 0}
end
return {redis.call('HLEN', KEYS[1]), 0}
"""

_REMOVE = """
if redis.call('SREM', KEYS[2], ARGV[2]) == 1 then
  local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
  if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
  return {redis.call('HLEN', KEYS[1]), n <= 0 and 1 or 0}
end
return {redis.call('HLEN', KEYS[1]), 0}
"""

# Shared by the two scripts below: take one member out of (or put it into) its room's hash;
# returns true when that changed the number of people in the room.
_MEMBER = """
local function split(m)
  local sep = string.find(m, '|', 1, true)
  return string.sub(m, 1, sep - 1), string.sub(m, sep + 1)
end
local function drop(prefix, m)
  local room, person = split(m)
  local n = redis.call('HINCRBY', prefix .. 'room:' .. room, person, -1)
  if n <= 0 then redis.call('HDEL', prefix .. 'room:' .. room, person) return room end
  return nil
end
local function put(prefix, m)
  local room, person = split(m)
  if redis.call('HINCRBY', prefix .. 'room:' .. room, person, 1) == 1 then return room end
  return nil
end
"""

# KEYS: this process's alive key, the set of processes, this process's members.
# ARGV: ttl (ms), process id, key prefix, then every member this process holds.
_REFRESH = _MEMBER + """
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
local held, changed = {}, {}
for i = 4, #ARGV do held[ARGV[i]] = true end
for _, m in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if not held[m] then
    redis.call('SREM', KEYS[3], m)
    local room = drop(ARGV[3], m)
    if room then table.insert(changed, room) end
  end
end
for i = 4, #ARGV do
  if redis.call('SADD', KEYS[3], ARGV[i]) == 1 then
    local room = put(ARGV[3], ARGV[i])
    if room then table.insert(changed, room) end
  end
end
return changed
"""

# KEYS: the set of processes. ARGV: key prefix. Takes out every process whose alive key expired.
_SWEEP = _MEMBER + """
local changed = {}
for _, p in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. 'alive:' .. p) == 0 then
    local members = ARGV[1] .. 'proc:' .. p
    for _, m in ipairs(redis.call('SMEMBERS', members)) do
      local room = drop(ARGV[1], m)
      if room then table.insert(changed, room) end
    end
    redis.call('DEL', members)
    redis.call('SREM', KEYS[1], p)
  end
end
return changed
"""

# KEYS: the topic's announcement record, its room's hash. ARGV: now (ms), interval (ms).
# Returns {-1, when due (ms)} to wait, {-2, 0} when the count is the one last announced,
# {count, 0} when this caller is to announce it (and it is recorded as announced).
_ANNOUNCE = """
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or '-1')
local now, interval = tonumber(ARGV[1]), tonumber(ARGV[2])
if at >= 0 and now - at < interval then return {-1, at + interval} end
local n = redis.call('HLEN', KEYS[2])
if n == tonumber(redis.call('HGET', KEYS[1], 'online') or '0') then return {-2, 0} end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'online', n)
redis.call('PEXPIRE', KEYS[1], 86400000)
return {n, 0}
"""


class RedisPresence:
    """The deployment's presence in Redis, as one process (`process_id`) holds its share of it."""

    def __init__(self, redis, process_id: str = cluster.PROCESS_ID, *, ttl: float = TTL):
        self.redis = redis
        self.process = process_id
        self.ttl = ttl
        self.prefix = cluster.key("presence", "")
        self._add = redis.register_script(_ADD)
        self._remove = redis.register_script(_REMOVE)
        self._refresh = redis.register_script(_REFRESH)
        self._sweep = redis.register_script(_SWEEP)
        self._announce = redis.register_script(_ANNOUNCE)

    def _room(self, room: str) -> str:
        return f"{self.prefix}room:{room}"

    def _members(self) -> str:
        return f"{self.prefix}proc:{self.process}"

    def add(self, room: str, user_id: int) -> tuple[int, bool]:
        """This process now holds `user_id` in `room`: (people in the room, whether that changed it)."""
        count, changed = self._add(keys=[self._room(room), self._members()], args=[user_id, f"{room}|{user_id}"])
        return int(count), bool(changed)

    def remove(self, room: str, user_id: int) -> tuple[int, bool]:
        count, changed = self._remove(keys=[self._room(room), self._members()],
                                      args=[user_id, f"{room}|{user_id}"])
        return int(count), bool(changed)

    def count(self, room: str) -> int:
        return int(self.redis.hlen(self._room(room)))

    def refresh(self, held: list[tuple[str, int]]) -> set[str]:
        """Say this process is alive and holds exactly `held`; returns the rooms whose count changed."""
        changed = self._refresh(
            keys=[f"{self.prefix}alive:{self.process}", f"{self.prefix}processes", self._members()],
            args=[int(self.ttl * 1000), self.process, self.prefix, *(f"{room}|{user}" for room, user in held)])
        return {r.decode() if isinstance(r, bytes) else r for r in changed}

    def sweep(self) -> set[str]:
        """Take out the share of every process that stopped refreshing; returns the rooms that changed."""
        changed = self._sweep(keys=[f"{self.prefix}processes"], args=[self.prefix])
        return {r.decode() if isinstance(r, bytes) else r for r in changed}

    def announce(self, topic_id: int, now: float, interval: float) -> tuple[str, float | int | None]:
        """("wait", when due) | ("same", None) | ("send", count): see _ANNOUNCE."""
        first, second = self._announce(keys=[f"{self.prefix}announced:{topic_id}", self._room(rooms.topic(topic_id))],
                                       args=[int(now * 1000), int(interval * 1000)])
        if first == -1:
            return "wait", int(second) / 1000
        if first == -2:
            return "same", None
        return "send", int(first)

    def forget_all(self) -> None:
        """Delete every presence key (tests)."""
        for name in self.redis.scan_iter(match=f"{self.prefix}*"):
            self.redis.delete(name)


_store: RedisPresence | None = None   # None: one process, the counts are this process's own


def init_app(app) -> None:
    """With REDIS_URL, count in Redis (the same store for every app of the process)."""
    global _store
    redis = cluster.client(app)
    if redis is not None and (_store is None or _store.redis is not redis):
        _store = RedisPresence(redis, ttl=float(app.config.get("PRESENCE_TTL", TTL)))


def use(store: RedisPresence | None) -> RedisPresence | None:
    """Count with `store` from now on (None: this process alone); returns the previous one (tests)."""
    global _store, _redis_ok
    previous, _store, _redis_ok = _store, store, True
    return previous


_redis_ok = True  # False from a failed Redis call until a heartbeat gets through again


def _live():
    """The Redis store while Redis answers; None: count this process alone."""
    return _store if _redis_ok else None


def _failed(exc: Exception) -> None:
    """Redis did not answer: count this process alone until the next heartbeat gets through
    (and mends Redis), instead of waiting for Redis at every join."""
    global _redis_ok
    if _redis_ok:
        log.warning("presence in Redis failed (%s); counting this process only until it answers", exc)
    _redis_ok = False


def _shared(op, room: str, user_id: int, local: int, *, changed: bool = True) -> tuple[int, bool]:
    """Run a Redis count operation; when Redis fails, answer from this process's own count."""
    try:
        return op(room, user_id)
    except Exception as exc:  # redis.RedisError, OSError: the room goes on without the shared count
        _failed(exc)
        return local, changed


def enter(room: str, user_id: int, sid: str) -> tuple[int, bool]:
    """Count one socket in; returns (people in the room, whether that number changed)."""
    with _lock:
        people = _rooms[room]
        first_here = user_id not in people
        people[user_id].add(sid)
        local = len(people)
        if _store is not None:
            _ensure_heartbeat()
        store = _live()
        if store is None:
            return local, first_here
        if first_here:
            return _shared(store.add, room, user_id, local)
    return _shared(lambda r, _u: (store.count(r), False), room, user_id, local, changed=False)


def leave(room: str, user_id: int, sid: str) -> tuple[int, bool]:
    """Count one socket out; returns (people in the room, whether that number changed)."""
    with _lock:
        people = _rooms.get(room)
        sids = people.get(user_id) if people else None
        if sids and sid in sids:
            sids.discard(sid)
            last_here = not sids
            if last_here:
                del people[user_id]
            local = len(people)
            if not people:
                del _rooms[room]
            store = _live()
            if store is None:
                return local, last_here
            if last_here:
                return _shared(store.remove, room, user_id, local)
        elif (store := _live()) is None:
            return len(people or ()), False
        local = len(people or ())
    return _shared(lambda r, _u: (store.count(r), False), room, user_id, local, changed=False)


def count(room: str) -> int:
    store = _live()
    if store is not None:
        try:
            return store.count(room)
        except Exception as exc:
            _failed(exc)
    with _lock:
        return len(_rooms.get(room, ()))


def online_in_courtyard(courtyard_id: int) -> int:
    return count(rooms.courtyard(courtyard_id))


def online_in_topic(topic_id: int) -> int:
    return count(rooms.topic(topic_id))


def clear() -> None:
    """Forget every count and announcement (tests: a fresh start; no flusher is left to run)."""
    global _flusher, _beating, _redis_ok
    with _lock:
        _redis_ok = True
        _rooms.clear()
        _dirty.clear()
        _announced.clear()
        _flusher = False
        _beating = False


def leave_everywhere(user_id: int, sid: str) -> list[tuple[str, int, bool]]:
    """Drop one socket from every room; returns (room, people now, changed) for the rooms it left."""
    with _lock:
        rooms = [room for room, people in _rooms.items() if sid in people.get(user_id, ())]
    return [(room, *leave(room, user_id, sid)) for room in rooms]


# --- this process's share in Redis: refreshed, and the silent processes' taken out ----------

_beating = False  # a background heartbeat is running in this process


def heartbeat() -> set[int]:
    """Refresh this process's share, take out the processes that went silent, and mark the
    topics whose count that changed; returns those topics. Nothing without Redis."""
    global _redis_ok
    if _store is None:
        return set()
    with _lock:  # no enter/leave between reading what is held and asserting it
        mine = [(room, user_id) for room, people in _rooms.items() for user_id in people]
        changed_rooms = _store.refresh(mine)
        if not _redis_ok:
            log.warning("presence in Redis answers again")
            _redis_ok = True
            changed_rooms |= {room for room, _user in mine}  # the rooms heard this process's count alone
    changed_rooms |= _store.sweep()
    topics = set()
    for room in changed_rooms:
        parsed = rooms.parse(room)
        if parsed and parsed[0] == rooms.TOPIC:
            topics.add(parsed[1])
    for topic_id in sorted(topics):
        changed(topic_id)
    return topics


def _background(app) -> bool:
    return not app.config.get("TESTING") or bool(app.config.get("PRESENCE_BACKGROUND"))


def _ensure_heartbeat() -> None:
    """Start this process's heartbeat with its first socket in a room (called under _lock)."""
    global _beating
    if _beating:
        return
    app = current_app._get_current_object()
    if not _background(app):
        return
    _beating = True
    from ..extensions import socketio
    socketio.start_background_task(_heartbeat_loop, app, float(app.config.get("PRESENCE_HEARTBEAT", HEARTBEAT)))


def _heartbeat_loop(app, every: float) -> None:
    from ..extensions import socketio
    while True:
        try:
            with app.app_context():
                heartbeat()
        except Exception as exc:  # Redis away: try again at the next beat
            log.warning("presence heartbeat failed: %s", exc)
        socketio.sleep(every)


# --- announcing: presence.changed, coalesced per topic -------------------------------------

_dirty: set[int] = set()                          # topics changed since they were last announced
_announced: dict[int, tuple[float, int]] = {}     # topic → (when, count) of its last presence.changed
_flusher = False                                  # a background flusher is running
_clock = time.time                                # the flusher's clock (tests replace it); wall
                                                  # time, which every process of a deployment shares


def _announce(topic_id: int, online: int) -> None:
    from .. import events
    events.send_now("presence.changed", rooms.topic(topic_id), {"topic_id": topic_id, "online": online})


def changed(topic_id: int) -> None:
    """The number of people in a topic's room changed: its room will hear of it (flush_due)."""
    global _flusher
    app = current_app._get_current_object()
    with _lock:
        _dirty.add(topic_id)
        if not _background(app) or _flusher:
            return
        _flusher = True
    from ..extensions import socketio
    socketio.start_background_task(_flush_loop, app, float(app.config.get("PRESENCE_INTERVAL", INTERVAL)))


def _decide_locally(topic_id: int, now: float, interval: float) -> tuple[str, float | int | None]:
    """One process: when and what to announce, from `_announced` (called under _lock)."""
    last = _announced.get(topic_id)
    if last is not None and now - last[0] < interval:
        return "wait", last[0] + interval
    online = len(_rooms.get(rooms.topic(topic_id), ()))
    if online == (last[1] if last is not None else 0):
        return "same", None  # back where the room last heard it was
    _announced[topic_id] = (now, online)
    return "send", online


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
            store = _live()
            if store is not None:
                try:
                    what, value = store.announce(topic_id, now, interval)
                except Exception as exc:  # Redis away: this process's own count, like the acks
                    _failed(exc)
                    store = None
            if store is None:
                what, value = _decide_locally(topic_id, now, interval)
            if what == "wait":
                next_due = value if next_due is None else min(next_due, value)
                continue
            _dirty.discard(topic_id)
            if what == "send":
                out.append((topic_id, value))
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
