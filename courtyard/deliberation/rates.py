"""Posting budgets: per person (every door shares it) and per socket.

Kept in Flask-Limiter's storage, like the login throttle: in memory for one process,
in Redis when REDIS_URL is set, so that every process counts the same person's posts.
A flood answers RateLimited to the flooder only; everyone else carries on.
"""
from __future__ import annotations

import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse

from ..errors import RateLimited
from ..extensions import limiter

PER_PERSON = "30/minute"
PER_SOCKET = "10/10 seconds"


def check_post_rate(actor, sid: str | None = None) -> None:
    """Count one post by `actor` (through socket `sid`, if any). Raises RateLimited once a budget is spent."""
    cfg = current_app.config
    budgets = [(cfg.get("POST_RATE_PER_PERSON", PER_PERSON), "posts-person", str(actor.id))]
    if sid is not None:
        budgets.insert(0, (cfg.get("POST_RATE_PER_SOCKET", PER_SOCKET), "posts-socket", sid))
    for rate, scope, key in budgets:
        item = parse(rate)
        if not limiter.limiter.hit(item, scope, key):
            reset = limiter.limiter.get_window_stats(item, scope, key).reset_time
            raise RateLimited(_l("You are posting too fast. Please wait a moment and try again."),
                              retry_after=max(1, int(reset - time.time())))
