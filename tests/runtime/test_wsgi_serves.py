"""`python wsgi.py` serves HTTP and Socket.IO under eventlet and under gevent.

The server inherits a listening socket bound by the test (tests/live.py), so the first
request waits in the kernel's backlog until the server accepts it: no polling, no sleeps.
"""
from __future__ import annotations

import pytest
import requests
import socketio

from ..live import LiveServer, flask_cli

pytestmark = pytest.mark.live
ADMIN_PASSWORD = "live-admin-pw-1"


@pytest.fixture(scope="module", params=["eventlet", "gevent"])
def server(request):
    live = LiveServer(mode=request.param, seed=False).start()
    try:
        flask_cli(live.env, "create-admin", "admin", "--password", ADMIN_PASSWORD)
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def token(server):
    r = requests.post(f"{server.url}/api/v1/auth/token", json={"login": "admin", "password": ADMIN_PASSWORD},
                      timeout=30)
    assert r.status_code == 201, (r.status_code, r.text, server.logs())
    return r.json()["token"]


def connect(server, **kw) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(server.url, wait_timeout=30, **kw)
    return client


def close(client: socketio.Client) -> None:
    if client.transport() == "polling":
        # the client's polling read loop would otherwise wait for the server's next ping (25 s)
        client.eio.disconnect(abort=True)
    else:
        client.disconnect()


def test_health_and_login_page(server):
    assert requests.get(f"{server.url}/healthz", timeout=30).json() == {"ok": True}, server.logs()
    page = requests.get(f"{server.url}/login", timeout=30)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert requests.get(f"{server.url}/api/v1/nope", timeout=30).json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("transports", [["websocket"], ["polling"], None], ids=["websocket", "polling", "upgrade"])
def test_socketio_with_a_token_connects(server, token, transports):
    client = connect(server, auth={"token": token}, transports=transports)
    try:
        assert client.connected and client.transport() in ("websocket", "polling")
        if transports:
            assert client.transport() == transports[0]
    finally:
        close(client)


def test_socketio_same_origin_with_a_token_connects(server, token):
    client = connect(server, auth={"token": token}, headers={"Origin": server.url})
    try:
        assert client.connected
    finally:
        close(client)


@pytest.mark.parametrize("kw", [
    {},                                                  # no credentials at all
    {"auth": {"token": "not-a-token"}},                  # a wrong token
    {"auth": {"token": 12345}},                          # not even a string
], ids=["no-auth", "bad-token", "junk-auth"])
def test_socketio_without_valid_credentials_is_refused(server, kw):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, wait_timeout=30, transports=["websocket"], **kw)
    assert not client.connected


@pytest.mark.parametrize("transports", [["websocket"], ["polling"]], ids=["websocket", "polling"])
def test_socketio_from_a_foreign_origin_is_refused(server, token, transports):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, wait_timeout=30, transports=transports, auth={"token": token},
                       headers={"Origin": "http://evil.example"})
    assert not client.connected
