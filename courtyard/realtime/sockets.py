"""This process's sockets and who they speak for.

A socket is authenticated once, at the handshake, but it is served for hours; every
command therefore asks `actor(sid)` again: the account must still be active, a session
socket's epoch must still be the account's (logout everywhere, a changed password), and a
token socket's token must not be revoked. Membership is checked by the services each
command calls.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from ..accounts import services as accounts
from ..accounts.models import User
from ..errors import Unauthenticated
from ..extensions import db


@dataclass(frozen=True)
class Identity:
    user_id: int
    epoch: int
    token: str | None  # the bearer token it connected with; None for the session cookie


_lock = threading.Lock()
_by_sid: dict[str, Identity] = {}
_by_user: dict[int, set[str]] = {}


def register(sid: str, identity: Identity) -> None:
    with _lock:
        _by_sid[sid] = identity
        _by_user.setdefault(identity.user_id, set()).add(sid)


def forget(sid: str) -> Identity | None:
    with _lock:
        identity = _by_sid.pop(sid, None)
        if identity is not None:
            sids = _by_user.get(identity.user_id, set())
            sids.discard(sid)
            if not sids:
                _by_user.pop(identity.user_id, None)
        return identity


def identity(sid: str) -> Identity | None:
    with _lock:
        return _by_sid.get(sid)


def sids_of(user_id: int, *, session_only: bool = False) -> list[str]:
    with _lock:
        sids = _by_user.get(user_id, ())
        return [s for s in sids if not (session_only and _by_sid[s].token is not None)]


def clear() -> None:
    with _lock:
        _by_sid.clear()
        _by_user.clear()


def actor(sid: str):
    """The socket's user, checked afresh. Raises Unauthenticated when it may no longer act."""
    who = identity(sid)
    if who is None:
        raise Unauthenticated()
    if who.token is not None:
        user = accounts.user_for_token(who.token)
    else:
        user = db.session.get(User, who.user_id)
        if user is not None and user.session_epoch != who.epoch:
            user = None
    if user is None or user.id != who.user_id or not user.is_active:
        raise Unauthenticated()
    return user
