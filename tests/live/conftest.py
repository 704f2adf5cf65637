"""Live-server fixtures: a real `python wsgi.py` (eventlet) and real python-socketio clients.

Nothing here sleeps: every wait is on a condition the clients' callbacks signal, with a
generous timeout that only a failure ever reaches.
"""
from __future__ import annotations

import os
import threading

import engineio
import pytest
import socketio
import sqlalchemy as sa

from courtyard.config import normalise_database_url

from . import LiveServer
from .world import build_world

WAIT = 60  # seconds; reached only when something is broken


class _ReadOrderEngineIO(engineio.Client):
    """The stock Engine.IO client hands every message packet to a thread of its own
    (engineio.Client._receive_packet: `_trigger_event("message", ..., run_async=True)`), so
    two facts the server sent in order can reach their handlers in either order. This one
    first passes each message to `on_read` in the receive loop's thread, in the order the
    loop reads them; then the handlers run as usual."""

    on_read = None

    def _receive_packet(self, pkt):
        if pkt.packet_type == engineio.packet.MESSAGE and self.on_read is not None:
            self.on_read(pkt.data)
        super()._receive_packet(pkt)


class ReadOrderClient(socketio.Client):
    """A python-socketio client whose Engine.IO client is _ReadOrderEngineIO."""

    def _engineio_client_class(self):
        return _ReadOrderEngineIO


assert callable(getattr(engineio.Client, "_receive_packet", None)), "python-engineio changed: see above"


class Peer:
    """One python-socketio client that records the facts it receives, in arrival order.

    Facts are recorded in the receive loop's thread as it reads them (ReadOrderClient), not in
    the handler threads python-socketio starts, which may run in any order."""

    RECORDED = ("message.posted", "message.hidden", "presence.changed", "typing")

    def __init__(self, server, token: str | None, *, headers: dict | None = None, transports=("websocket",)):
        self.url = server.url
        self.token = token
        self.headers = headers or {}
        self.transports = list(transports)
        # request_timeout: the Engine.IO client gives up a handshake after 5 s by default — a timing
        # threshold a loaded CI machine can cross (a server process waiting on SQLite's write lock).
        self.sio = ReadOrderClient(reconnection=False, request_timeout=WAIT)
        self.sio.eio.on_read = self._read
        self.cond = threading.Condition()
        self.recorded = set(self.RECORDED)
        self.posted: list[dict] = []
        self.facts: list[tuple[str, dict]] = []

    def record(self, *names: str) -> "Peer":
        """Record these facts too."""
        self.recorded.update(names)
        return self

    def _read(self, data) -> None:
        if not isinstance(data, str):
            return  # a binary attachment: no fact carries one
        pkt = socketio.packet.Packet(encoded_packet=data)
        if pkt.packet_type == socketio.packet.EVENT and pkt.data and pkt.data[0] in self.recorded:
            self._record(pkt.data[0], pkt.data[1] if len(pkt.data) > 1 else None)

    def _record(self, name: str, payload) -> None:
        with self.cond:
            if name == "message.posted":
                self.posted.append(payload)
            self.facts.append((name, payload))
            self.cond.notify_all()

    def connect(self) -> "Peer":
        auth = {"token": self.token} if self.token else None
        self.sio.connect(self.url, auth=auth, headers=self.headers, transports=self.transports, wait_timeout=WAIT)
        return self

    def call(self, event: str, data: dict) -> dict:
        return self.sio.call(event, data, timeout=WAIT)

    def join(self, topic_id: int, after: int | None = None) -> dict:
        data = {"topic_id": topic_id}
        if after is not None:
            data["after"] = after
        return self.call("join_topic", data)

    def post(self, topic_id: int, body: str, client_id: str) -> dict:
        return self.call("post_message", {"topic_id": topic_id, "body": body, "client_id": client_id})

    def wait_until(self, predicate) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: predicate(self), timeout=WAIT)

    def posted_ids(self) -> list[int]:
        with self.cond:
            return [m["id"] for m in self.posted]

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


@pytest.fixture(scope="module")
def live():
    """A live server on SQLite, shared by a module's tests (each builds its own world in it)."""
    server = LiveServer(mode="eventlet", seed=False).start()
    yield server
    server.stop()
    _no_tracebacks(server)


def _no_tracebacks(server) -> None:
    """A handler that crashed would have acked "internal" or nothing: the server log says which."""
    logs = server.logs()
    assert "Traceback" not in logs, logs[-6000:]


def _live_pg_url(url: str, suffix: str = "_live") -> str | None:
    """A database of its own next to TEST_DATABASE_URL's, emptied: `<name>_live`."""
    base = sa.engine.make_url(url)
    live_url = base.set(database=f"{base.database}{suffix}")
    engine = sa.create_engine(normalise_database_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": live_url.database}):
                conn.execute(sa.text(f'CREATE DATABASE "{live_url.database}"'))
    finally:
        engine.dispose()
    engine = sa.create_engine(normalise_database_url(live_url.render_as_string(hide_password=False)))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return live_url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def live_pg():
    """The same, on PostgreSQL: only when TEST_DATABASE_URL is set."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set")
    # The scheduler runs once at start-up and then not for an hour: the jobs' own short
    # transactions would otherwise show beside the handlers' sessions that the storm tests check.
    server = LiveServer(mode="eventlet", seed=False, database_url=_live_pg_url(url),
                        extra_env={"SCHEDULER_INTERVAL": "3600"}).start()
    yield server
    server.stop()
    _no_tracebacks(server)


@pytest.fixture
def peers():
    """peers(server, token, ...) → a connected Peer; all are closed after the test."""
    opened: list[Peer] = []

    def open_peer(server, token, **kw) -> Peer:
        peer = Peer(server, token, **kw)
        opened.append(peer)
        return peer.connect()

    yield open_peer
    for peer in opened:
        peer.close()


@pytest.fixture
def world():
    return build_world
