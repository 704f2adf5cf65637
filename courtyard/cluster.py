"""What the server processes of one deployment share, through Redis (`REDIS_URL`).

One process needs none of this. With several (docs/deployment.md, "Several processes"),
Redis carries, besides Socket.IO's own message queue and Flask-Limiter's counters:

- presence: who is online per courtyard and topic, counted across processes, each
  process's share expiring when it stops refreshing it (courtyard/realtime/presence.py);
- the bus: small notes from one process to all others, e.g. "cut this person's sockets"
  (courtyard/realtime/bus.py);
- the scheduler's lease: one process at a time runs the jobs (courtyard/scheduler.py).

`client(app)` is this process's Redis client for them (None without REDIS_URL): created
once, on first use, so that it is made after wsgi.py's monkey-patching and talks through
green sockets. Every key starts with KEY_PREFIX; PROCESS_ID names this process in them.
"""
from __future__ import annotations

import os
import threading
import uuid

KEY_PREFIX = "courtyard:"
PROCESS_ID = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
SOCKET_TIMEOUT = 5.0  # seconds: a Redis that stops answering is an error, not a hang

_lock = threading.Lock()
_clients: dict[str, object] = {}


def key(*parts) -> str:
    return KEY_PREFIX + ":".join(str(p) for p in parts)


def client(app):
    """The Redis client for `app`'s REDIS_URL (one per URL and process), or None."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    with _lock:
        found = _clients.get(url)
        if found is None:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            # One immediate retry (a connection dropped by a Redis restart), not redis-py's default
            # of three with back-off: callers fall back at once when Redis is away.
            found = _clients[url] = redis.Redis.from_url(
                url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT,
                health_check_interval=30, retry=Retry(NoBackoff(), 1))
        return found
