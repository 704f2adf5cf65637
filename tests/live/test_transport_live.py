"""The websocket handshake of a real `python wsgi.py` server (eventlet).

Browsers ask for permessage-deflate; the server refuses it for Socket.IO (a compressor per
socket and a compression per recipient cost more than a few hundred bytes of bandwidth;
docs/performance.md, "Fan-out in a topic's live room").
"""
from __future__ import annotations

import base64
import os
import socket

import pytest

from .conftest import WAIT

pytestmark = pytest.mark.live


def handshake(server, extra_headers: str = "") -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                      f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      f"Sec-WebSocket-Version: 13\r\n{extra_headers}\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    return head.split(b"\r\n\r\n", 1)[0]


def test_the_socket_io_websocket_is_upgraded_without_permessage_deflate(live):
    head = handshake(live, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")
    assert head.startswith(b"HTTP/1.1 101"), head
    assert b"sec-websocket-extensions" not in head.lower(), head
