"""Socket.IO commands: parse, call a service, ack (CONTRACT §5). No business logic here.

Every command is acknowledged with `{"ok": true, ...}` or `{"ok": false, "error":
{"code", "message"}}` with CONTRACT §2's codes; no exception leaves a handler. The acting
user is checked afresh for every command (sockets.actor), and each socket has a budget of
commands so that one client cannot keep the database busy for everyone else.
"""
from __future__ import annotations

import functools
import logging
import time

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from limits import parse

from ..errors import BadRequest, DomainError, RateLimited, Unauthenticated
from ..extensions import db, socketio
from . import sockets

log = logging.getLogger(__name__)

COMMANDS_PER_SOCKET = "120/minute"


@functools.lru_cache(maxsize=8)
def _rate(text: str) -> tuple[int, int]:
    item = parse(text)
    return item.amount, item.get_expiry()


def _within_budget(sid: str) -> bool:
    amount, seconds = _rate(current_app.config.get("SOCKET_COMMANDS_RATE", COMMANDS_PER_SOCKET))
    return sockets.spend(sid, amount, seconds, time.monotonic())


def failure(err: DomainError) -> dict:
    return {"ok": False, "error": err.as_dict()}


def command(name: str, *, ack: bool = True):
    """Register `fn(actor, payload) -> dict | None` as the handler of command `name`.

    The payload must be one JSON object. With ack=False (typing) nothing is answered and
    failures are dropped silently.
    """
    def register(fn):
        @functools.wraps(fn)
        def handler(*args):
            sid = request.sid
            try:
                if not _within_budget(sid):
                    raise RateLimited(_l("Too many requests. Please wait a moment."))
                if len(args) != 1 or not isinstance(args[0], dict):
                    raise BadRequest(_l("Send one JSON object."))
                actor = sockets.actor(sid)
                result = fn(actor, args[0])
            except Unauthenticated as err:
                db.session.rollback()
                from . import cut
                cut(sid)
                return failure(err) if ack else None
            except DomainError as err:
                db.session.rollback()
                return failure(err) if ack else None
            except Exception:  # a bug must not leave the client waiting for its ack forever
                log.exception("Socket.IO command %s failed", name)
                db.session.rollback()
                if not ack:
                    return None
                return {"ok": False, "error": {"code": "internal", "message": "Internal error"}}
            return {"ok": True, **(result or {})} if ack else None
        HANDLERS[name] = handler
        return fn
    return register


def register_all() -> None:
    """Bind every command to the app's Socket.IO server (create_app calls this, once per server)."""
    for name, handler in HANDLERS.items():
        socketio.on(name)(handler)


HANDLERS: dict[str, object] = {}
