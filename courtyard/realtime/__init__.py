"""Socket.IO transport: authenticated connections, rooms, commands. No business logic here.

- connect: the session cookie's user, or `auth={"token": ...}`; anything else is refused.
  The socket joins `user:<id>`, the rooms of the courtyards its user sees, and the
  rooms of its organizations (`org:<id>`, for task.updated).
- commands (topics.py) re-check the user every time (sockets.actor).
- a logout cuts the sockets that rode on the browser session (`end_session_sockets`);
  losing access (revocation.py) cuts every socket of that person. Both reach every process
  of the deployment (bus.py). Clients reconnect and are let back only into what they may
  still see.
"""
from __future__ import annotations

import logging

from flask import Flask, g, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from .. import signals
from ..accounts.services import user_for_token
from ..extensions import db, socketio
from ..places import permissions as places_permissions
from . import bus, presence, rooms, sockets

log = logging.getLogger(__name__)


def _authenticate(auth) -> tuple[object | None, str | None]:
    """(user, bearer token or None) of a handshake; no user refuses the connection."""
    if current_user.is_authenticated:
        return current_user._get_current_object(), g.get("bearer_token")
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return user_for_token(auth["token"]), auth["token"]
    return None, None


def _connect(auth) -> None:
    user, token = _authenticate(auth)
    if user is None:
        raise ConnectionRefusedError("unauthenticated")
    sid = request.sid
    # One query of ids for a resident (places.permissions.visible_ids), no objects built.
    courtyard_ids, org_ids = places_permissions.visible_ids(user)
    sockets.register(sid, sockets.Identity(user.id, user.session_epoch, token))
    join_room(rooms.user(user.id))
    for courtyard_id in courtyard_ids:
        join_room(rooms.courtyard(courtyard_id))
        presence.enter(rooms.courtyard(courtyard_id), user.id, sid)
    for org_id in org_ids:
        join_room(rooms.org(org_id))  # task.updated for the organization's staff (courtyard/tasks)


def cut(sid: str) -> None:
    """Stop serving a socket: forget its user and take it out of presence and its rooms."""
    identity = sockets.forget(sid)
    if identity is None:
        return
    for room, _online, changed in presence.leave_everywhere(identity.user_id, sid):
        parsed = rooms.parse(room)
        if changed and parsed and parsed[0] == rooms.TOPIC:
            presence.changed(parsed[1])
    for room in list(socketio.server.rooms(sid)):
        if room != sid:
            socketio.server.leave_room(sid, room)


def disconnect_sockets(user_id: int, *, session_only: bool = False) -> None:
    """Disconnect this process's sockets of a user (all, or those on a browser session)."""
    for sid in sockets.sids_of(user_id, session_only=session_only):
        cut(sid)
        socketio.server.disconnect(sid)


def cut_everywhere(user_id: int, *, session_only: bool = False) -> None:
    """Disconnect a user's sockets in every process of the deployment (bus: `sockets.cut`)."""
    bus.publish("sockets.cut", user_id=user_id, session_only=session_only)


def end_session_sockets(user, **_) -> None:
    """On logout (signals.logged_out): the sockets that rode on a browser session stop, in
    every process; token sockets carry on."""
    cut_everywhere(user.id, session_only=True)


class _NoWebSocketCompression:
    """WSGI middleware: Socket.IO's websockets are not compressed (permessage-deflate refused).

    Browsers ask for it and eventlet (simple-websocket under gevent) would agree: a zlib
    compressor per socket (150–200 KiB once warm) and every frame compressed once per
    recipient. For frames of a few hundred bytes that cost a third more CPU and ~200 MiB
    per 1,000 sockets in the fan-out benchmark (docs/performance.md).
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/socket.io"):
            environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    from . import commands, districts, revocation, topics, voting  # noqa: F401  (the commands and the listener)

    app.wsgi_app = _NoWebSocketCompression(app.wsgi_app)  # outside Flask-SocketIO's middleware

    commands.register_all()
    presence.init_app(app)
    bus.handle("sockets.cut", disconnect_sockets)
    signals.logged_out.connect(end_session_sockets)

    @socketio.on("connect")
    def on_connect(auth=None):
        bus.ensure_listening(app)  # with REDIS_URL: hear the other processes' sockets.cut
        try:
            _connect(auth)
        except ConnectionRefusedError:
            raise
        except Exception:
            log.exception("Socket.IO connect failed")
            db.session.rollback()
            raise ConnectionRefusedError("internal") from None

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        cut(request.sid)
