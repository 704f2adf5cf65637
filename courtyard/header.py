"""What the layout shows on every page about its reader, asked in one query a request.

The top bar holds a figure or a link from several domains — the unread notifications' badge
(notifications), the 片区 link for members of a district courtyard (districts) — and each
used to cost its own query on every page. A domain registers, once, a function that builds a
scalar SQL expression for a reader (`register(name, build)`); the first `value(user, name)`
of a request runs one SELECT of all of them and remembers the row (courtyard.memo) for the
rest of the request. A builder returns None when the reader needs no query for it.
"""
from __future__ import annotations

from typing import Any, Callable

import sqlalchemy as sa

from . import memo
from .extensions import db

_BUILDERS: dict[str, Callable[[Any], sa.ColumnElement | None]] = {}


def register(name: str, build: Callable[[Any], sa.ColumnElement | None]) -> None:
    _BUILDERS[name] = build


def values(user) -> dict[str, Any]:
    """Every registered figure for `user` (None where a builder had nothing to ask)."""
    def load():
        columns = {}
        for name, build in _BUILDERS.items():
            column = build(user)
            if column is not None:
                columns[name] = column
        row = (db.session.execute(sa.select(*(c.label(n) for n, c in columns.items()))).one()._mapping
               if columns else {})
        return {name: row.get(name) for name in _BUILDERS}
    return memo.remembered(("header", user.id), load)


def value(user, name: str):
    return values(user).get(name)
