"""Socket.IO clients through Flask-SocketIO's test client, authenticated as given people."""
from __future__ import annotations

import pytest
from flask import g

from courtyard.accounts.services import issue_token
from courtyard.deliberation import services
from courtyard.extensions import socketio
from courtyard.realtime import sockets

from ..web.browser import Browser


class Socket:
    """One connected test client: .emit(...) returns the ack; .events(name) drains what arrived."""

    def __init__(self, client, user=None, browser: Browser | None = None):
        self.client = client
        self.user = user
        self.browser = browser
        self._seen: list[dict] = []

    @property
    def connected(self) -> bool:
        return self.client.is_connected()

    @property
    def sid(self) -> str:
        return socketio.server.manager.sid_from_eio_sid(self.client.eio_sid, "/")

    def emit(self, event: str, *args, ack: bool = True):
        return self.client.emit(event, *args, callback=ack)

    def join(self, topic, after=None) -> dict:
        payload = {"topic_id": topic.id if hasattr(topic, "id") else topic}
        if after is not None:
            payload["after"] = after
        return self.emit("join_topic", payload)

    def post(self, topic, body: str, client_id: str) -> dict:
        return self.emit("post_message", {"topic_id": topic.id, "body": body, "client_id": client_id})

    def received(self) -> list[dict]:
        self._seen.extend(self.client.get_received())
        return self._seen

    def events(self, name: str) -> list:
        """Payloads of the `name` events received so far (and forgets them)."""
        got = [e["args"][0] for e in self.received() if e["name"] == name]
        self._seen = [e for e in self._seen if e["name"] != name]
        return got


@pytest.fixture
def connect(app):
    """connect(user) → Socket over a bearer token; connect(user, cookie=True) over a logged-in browser session."""
    opened: list[Socket] = []

    def open_socket(user=None, *, cookie: bool = False, auth=None, browser: Browser | None = None) -> Socket:
        if cookie and browser is None:
            browser = Browser(app.test_client())
            browser.login(user)
        # The test shares one app context (and `g`) with every request it makes; in
        # production each handshake starts afresh, so forget the last request's user.
        g.pop("_login_user", None)
        if browser is not None:
            client = socketio.test_client(app, flask_test_client=browser.client)
        else:
            if auth is None and user is not None:
                auth = {"token": issue_token(user)}
            client = socketio.test_client(app, auth=auth)
        sock = Socket(client, user, browser)
        opened.append(sock)
        return sock

    yield open_socket
    for sock in opened:
        if sock.connected:
            sock.client.disconnect()
    sockets.clear()


@pytest.fixture
def topic(make):
    cy = make.courtyard()
    author = make.resident(cy)
    return services.create_topic(author, cy, title="电动车棚漏雨", body="车棚顶漏雨，充电不安全", category="facilities")
