"""Pooled connections are pinged only after sitting idle (courtyard/dbping.py): a hot one is used
as it is, an idle one that the server closed is replaced before anyone uses it."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from courtyard import dbping
from courtyard.config import engine_settings, normalise_database_url

PG_URL = os.environ.get("TEST_DATABASE_URL")


def test_due_only_after_the_idle_time():
    assert not dbping.due(None, 100.0, 10)          # a new connection: just opened
    assert not dbping.due(95.0, 100.0, 10)
    assert dbping.due(90.0, 100.0, 10)
    assert dbping.due(0.0, 100.0, 10)


class _App:
    def __init__(self, after):
        self.config = {"DATABASE_PING_AFTER": after}


@pytest.fixture
def pg_engine():
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("TEST_DATABASE_URL is required in CI")
        pytest.skip("TEST_DATABASE_URL is not set (CI sets it and fails without it)")
    url, options = engine_settings(normalise_database_url(PG_URL), pool_size=2)
    engines = []

    def make(after):
        engine = sa.create_engine(url, **options)
        dbping.init_app(_App(after), engine)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def _pings(engine, monkeypatch) -> list:
    calls = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: calls.append(1) or real(conn))
    return calls


def _backend(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_used_a_moment_ago_is_not_pinged(pg_engine, monkeypatch):
    engine = pg_engine(3600)
    pings = _pings(engine, monkeypatch)
    first = _backend(engine)
    assert [_backend(engine) for _ in range(5)] == [first] * 5
    assert pings == []


def test_an_idle_connection_the_server_closed_is_replaced_before_use(pg_engine, monkeypatch):
    engine = pg_engine(1e-9)  # every checkout finds its connection "idle"
    pings = _pings(engine, monkeypatch)
    first = _backend(engine)
    killer = sa.create_engine(normalise_database_url(PG_URL), poolclass=sa.pool.NullPool)
    with killer.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
    killer.dispose()
    second = _backend(engine)  # no error: the ping found it dead and the pool opened another
    assert second != first and pings


def test_sqlite_has_nothing_to_ping(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    dbping.init_app(_App(1e-9), engine)
    assert not sa.event.contains(engine, "checkout", lambda *a: None)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
    engine.dispose()
