"""Socket.IO transport: authentication of connections and rooms. No business logic here."""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from ..extensions import socketio
from . import presence


def _authenticate(auth) -> object | None:
    """The session cookie's user, or the user of `auth={"token": ...}`; None refuses the connection."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        from ..accounts.services import user_for_token
        return user_for_token(auth["token"])
    return None


def init_app(app: Flask) -> None:
    @socketio.on("connect")
    def on_connect(auth=None):
        user = _authenticate(auth)
        if user is None:
            raise ConnectionRefusedError("unauthenticated")
        join_room(f"user:{user.id}")
        from ..places import services as places
        for courtyard in places.courtyards_for(user):
            join_room(f"courtyard:{courtyard.id}")
            presence.enter(f"courtyard:{courtyard.id}", user.id, request.sid)
        _SOCKET_USERS[request.sid] = user.id

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        user_id = _SOCKET_USERS.pop(request.sid, None)
        if user_id is not None:
            presence.leave_everywhere(user_id, request.sid)


# sid -> user id of this process's sockets
_SOCKET_USERS: dict[str, int] = {}
