"""Checking a pooled database connection before use — only when it has been idle a while.

SQLAlchemy's `pool_pre_ping` pings on every checkout: on PostgreSQL that is one more round
trip for every request and every Socket.IO command (a vote storm's thousand commands paid a
thousand `SELECT 1`s, docs/performance.md). A connection used a moment ago is almost
certainly alive; one that sat idle may have been closed by a server restart, a failover or
a firewall's idle timeout. So a connection is pinged on checkout only when it was checked
in more than `DATABASE_PING_AFTER` seconds ago (default 10). A failed ping raises DisconnectionError: the pool throws the connection
away and checks out a fresh one, so the request never sees the dead one.

What the rule leaves: if the server goes away within those seconds of a connection's last
use, the next statement on it fails once (a 500, or a failed ack); SQLAlchemy then treats it
as a disconnect and invalidates the pool, and the requests after it get new connections.
SQLite has nothing to ping.
"""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import Flask

_CHECKED_IN = "courtyard_checked_in_at"


def due(checked_in_at: float | None, now: float, after: float) -> bool:
    """Whether a connection checked in at `checked_in_at` is pinged at `now` (None: never checked in)."""
    return checked_in_at is not None and now - checked_in_at >= after


def init_app(app: Flask, engine: sa.Engine) -> None:
    if engine.dialect.name == "sqlite":
        return
    after = float(app.config.get("DATABASE_PING_AFTER", 10))
    dialect = engine.dialect

    @sa.event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record):
        record.info[_CHECKED_IN] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, proxy):
        if not due(record.info.get(_CHECKED_IN), time.monotonic(), after):
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as err:
            if not dialect.is_disconnect(err, dbapi_connection, None):
                raise
            alive = False
        if not alive:
            raise sa.exc.DisconnectionError("the connection did not answer its ping")
