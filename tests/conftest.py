"""Fixtures: one app per database backend, a clean database per test, factories.

Every test that uses `app` runs on SQLite, and again on PostgreSQL when
TEST_DATABASE_URL is set. In CI (CI=true) PostgreSQL and Redis must be reachable.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, has_app_context

from courtyard import clock, create_app
from courtyard.config import TestConfig, normalise_database_url
from courtyard.extensions import db, limiter
from courtyard.realtime import presence

from .factories import Factory

IN_CI = os.environ.get("CI") == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _reachable_pg(url: str) -> str | None:
    try:
        engine = sa.create_engine(normalise_database_url(url))
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect is reported, not hidden
        return str(exc)


def pytest_configure(config):
    if IN_CI:
        missing = []
        if not PG_URL:
            missing.append("TEST_DATABASE_URL is not set")
        elif (why := _reachable_pg(PG_URL)):
            missing.append(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {why}")
        if not REDIS_URL:
            missing.append("TEST_REDIS_URL is not set")
        if missing:
            raise pytest.UsageError("CI needs its services: " + "; ".join(missing))


def _fresh_g_per_request(app) -> None:
    """Test requests and Socket.IO events run inside the test's app context (one db.session
    for both); give each its own `g` as in production, or Flask-Login's cached user of the
    first request answers for every later one, whatever token or cookie it carries."""
    make_context = app.request_context

    def request_context(environ):
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return make_context(environ)

    app.request_context = request_context


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def _backend_app(request, tmp_path_factory):
    """One migrated database and app per backend for the whole session."""
    from flask_migrate import upgrade
    if request.param == "sqlite":
        tmp = tmp_path_factory.mktemp("db")
        url = f"sqlite:///{Path(tmp) / 'test.sqlite3'}"
    else:
        url = PG_URL
        _reset_postgres(url)
    app = create_app(TestConfig(url, UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads"))))
    app.config["BACKEND"] = request.param
    _fresh_g_per_request(app)
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
    yield app
    with app.app_context():
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = [t for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        from courtyard.audit import unsealed  # audit_log refuses DELETE except to this clean-up
        with unsealed():
            for t in reversed(tables):
                db.session.execute(t.delete())
        db.session.execute(sa.text("DELETE FROM sqlite_sequence")) if db.session.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first() else None
    db.session.commit()


@pytest.fixture
def app(_backend_app):
    """The app with an empty database, a fresh rate-limit store and the real clock."""
    with _backend_app.app_context():
        _empty_all_tables()
        limiter.reset()
        presence.clear()
        clock.reset()
        yield _backend_app
        db.session.rollback()
        db.session.remove()
        clock.reset()


@pytest.fixture
def make(app) -> Factory:
    return Factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(app):
    """A JSON client: api.as_(user).post(path, json) → response; tokens issued on demand."""
    from .factories import ApiClient
    return ApiClient(app)
