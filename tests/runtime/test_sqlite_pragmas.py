"""SQLite runs in WAL mode with synchronous=NORMAL and a busy timeout, on every connection."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.extensions import db


@pytest.fixture
def sqlite_app(app):
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("SQLite pragmas")
    return app


def pragmas(conn) -> dict:
    return {name: conn.execute(sa.text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")}


def test_the_app_session_uses_wal_normal_and_waits_when_busy(sqlite_app):
    got = pragmas(db.session)
    assert got["journal_mode"].lower() == "wal"
    assert got["synchronous"] == 1  # NORMAL
    assert got["busy_timeout"] >= 1000
    assert got["foreign_keys"] == 1


def test_every_new_connection_gets_them(sqlite_app):
    with db.engine.connect() as a, db.engine.connect() as b:
        assert pragmas(a) == pragmas(b) == pragmas(db.session)


def test_a_fresh_database_file_is_switched_to_wal_for_good(tmp_path):
    """Any engine of the process gets the pragmas; WAL is then a property of the file itself."""
    import sqlite3

    import courtyard  # noqa: F401  (registers the connect hook)
    path = tmp_path / "fresh.sqlite3"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert pragmas(conn)["journal_mode"].lower() == "wal" and pragmas(conn)["synchronous"] == 1
    engine.dispose()
    plain = sqlite3.connect(path)  # no hook: what the file says
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()
