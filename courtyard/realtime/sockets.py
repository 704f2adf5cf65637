"""This process's sockets and who they speak for.

A socket is authenticated once, at the handshake, but it is served for hours; every
command therefore asks `actor(sid)` again: the account must still be active, a session
socket's epoch must still be the account's (logout everywhere, a changed password), and a
token socket's token must not be revoked. Membership is checked by the services each
command calls.

Each socket also has a budget of commands (`spend`): a fixed window counted here, in the
process that serves the socket — a socket lives in one process, so the count needs no
shared store (Flask-Limiter's would cost a Redis round trip per command, and its memory
storage a sweep of every key a hundred times a second).
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
_budgets: dict[str, tuple[float, int]] = {}  # sid → (end of its window, commands in it)


def budget_step(window: tuple[float, int] | None, now: float, amount: int, seconds: float
                ) -> tuple[tuple[float, int], bool]:
    """A fixed window of `amount` commands per `seconds`: (the window after one more command,
    whether that command is within it). Pure, so the rule is tested without sockets."""
    if window is None or now >= window[0]:
        window = (now + seconds, 0)
    end, used = window
    if used >= amount:
        return window, False
    return (end, used + 1), True


def spend(sid: str, amount: int, seconds: float, now: float) -> bool:
    """One command from the socket's budget; False when this window's is spent."""
    with _lock:
        _budgets[sid], allowed = budget_step(_budgets.get(sid), now, amount, seconds)
        return allowed


def register(sid: str, identity: Identity) -> None:
    with _lock:
        _by_sid[sid] = identity
        _by_user.setdefault(identity.user_id, set()).add(sid)


def forget(sid: str) -> Identity | None:
    with _lock:
        _budgets.pop(sid, None)
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
        _budgets.clear()


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
