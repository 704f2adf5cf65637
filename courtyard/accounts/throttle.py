"""Failed-login budgets, per login and per address, kept in Flask-Limiter's storage
(memory in one process, Redis when REDIS_URL is set).

Only failures are counted, and a correct password always logs in: a whole community
centre may share one address, and one person's typos must not lock out the rest.
"""
from __future__ import annotations

from flask import current_app
from limits import parse

from ..extensions import limiter


def _budgets(login: str, address: str):
    cfg = current_app.config
    return [
        (parse(cfg["LOGIN_FAILURES_PER_LOGIN"]), "login-failures-login", login.strip().lower()),
        (parse(cfg["LOGIN_FAILURES_PER_ADDRESS"]), "login-failures-address", address or "-"),
    ]


def exhausted(login: str, address: str) -> int | None:
    """Seconds until the spent budget refills, or None while failures are still allowed."""
    for item, scope, key in _budgets(login, address):
        if not limiter.limiter.test(item, scope, key):
            stats = limiter.limiter.get_window_stats(item, scope, key)
            import time
            return max(1, int(stats.reset_time - time.time()))
    return None


def record_failure(login: str, address: str) -> None:
    for item, scope, key in _budgets(login, address):
        limiter.limiter.hit(item, scope, key)
