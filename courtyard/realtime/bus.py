"""Notes from one server process to every process of the deployment.

Socket.IO's message queue carries what clients are sent; this carries what the servers
themselves must do about their own sockets — today one note, `sockets.cut` (a person lost
access: every process disconnects its sockets of theirs, courtyard/realtime/revocation.py).

    bus.handle("sockets.cut", fn)           # fn(**payload), in an app context
    bus.publish("sockets.cut", user_id=7)   # acts here at once, then tells the others

Without REDIS_URL there are no others: `publish` acts here and that is all. With it, the
note is published on the Redis channel `courtyard:bus` and every other process, listening
in a background task (socketio.start_background_task, so any async mode), acts on it; a
process does not act twice on its own note. Pub/sub keeps nothing: a process that is
disconnected from Redis at that moment misses the note (it reconnects with back-off, and
its commands still re-check access every time: docs/deployment.md).
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app

from .. import cluster

log = logging.getLogger(__name__)

CHANNEL = cluster.key("bus")

_handlers: dict[str, Callable[..., None]] = {}
_lock = threading.Lock()
_listening: set[str] = set()  # the Redis URLs this process listens on


def handle(kind: str, fn: Callable[..., None]) -> None:
    _handlers[kind] = fn


def _dispatch(kind: str, payload: dict) -> None:
    fn = _handlers.get(kind)
    if fn is None:
        log.warning("bus: no handler for %r", kind)
        return
    fn(**payload)


def publish(kind: str, **payload) -> None:
    """Act on a note in this process, then send it to the others (with REDIS_URL)."""
    _dispatch(kind, payload)
    redis = cluster.client(current_app)
    if redis is None:
        return
    try:
        redis.publish(CHANNEL, json.dumps({"kind": kind, "from": cluster.PROCESS_ID, "payload": payload}))
    except Exception as exc:  # redis.RedisError, OSError: the others miss it; their commands still check
        log.warning("bus: could not publish %s to Redis: %s", kind, exc)


def receive(app: Flask, raw) -> bool:
    """Act on one note read from the channel; False when it is this process's own or unreadable."""
    try:
        note = json.loads(raw)
        kind, origin, payload = note["kind"], note["from"], note["payload"]
    except (ValueError, TypeError, KeyError):
        log.warning("bus: unreadable note %r", raw)
        return False
    if origin == cluster.PROCESS_ID:
        return False
    with app.app_context():
        _dispatch(kind, payload)
    return True


def ensure_listening(app: Flask) -> None:
    """Start this process's listener (once), when there are other processes to hear from."""
    url = app.config.get("REDIS_URL")
    if not url or (app.config.get("TESTING") and not app.config.get("BUS_LISTEN")):
        return
    with _lock:
        if url in _listening:
            return
        _listening.add(url)
    from ..extensions import socketio
    socketio.start_background_task(_listen, app, url)


def _listen(app: Flask, url: str) -> None:
    import redis

    from ..extensions import socketio
    # Its own client: a subscriber blocks in a read, which the shared client's timeout would cut.
    client = redis.Redis.from_url(url, socket_connect_timeout=cluster.SOCKET_TIMEOUT, socket_keepalive=True)
    wait = 1.0
    while True:
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(CHANNEL)
            wait = 1.0
            for message in pubsub.listen():
                if message.get("type") == "message":
                    try:
                        receive(app, message["data"])
                    except Exception:  # one failed note must not stop the listener
                        log.exception("bus: acting on a note failed")
        except Exception as exc:  # Redis away or restarted: subscribe again, backing off
            log.warning("bus: lost Redis (%s); subscribing again in %.0f s", exc, wait)
            try:
                pubsub.close()
            except Exception:
                pass
            socketio.sleep(wait)
            wait = min(wait * 2, 30.0)
