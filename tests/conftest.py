"""Fixtures: one app per database backend, a clean database per test, factories.

Every test that uses `app` runs on SQLite, and again on PostgreSQL when
TEST_DATABASE_URL is set. In CI (CI=true) PostgreSQL and Redis must be reachable.

Under pytest-xdist (`make test` runs `-n 2`) each worker has databases of its own: its
SQLite file and upload folder under its own temporary directory, the PostgreSQL database
`<name>_<worker>` (e.g. `test_gw0`, created on TEST_DATABASE_URL's server if missing) and
Redis database number `<n> + <worker index>`. TEST_DATABASE_URL and TEST_REDIS_URL are
rewritten in the worker's environment, so test modules and the servers they start see
the worker's own. Without xdist the URLs are used as given.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa
from flask import g, has_app_context

from courtyard import clock, create_app
from courtyard.config import TestConfig, normalise_database_url
from courtyard.extensions import db, limiter
from courtyard.realtime import presence

from .factories import Factory

IN_CI = os.environ.get("CI") == "true"
WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1 … under xdist; unset otherwise
SERVER_PG_URL = os.environ.get("TEST_DATABASE_URL")  # as given: reaches the server


def _worker_urls() -> None:
    """Point TEST_DATABASE_URL and TEST_REDIS_URL at this xdist worker's own databases."""
    if WORKER is None:
        return
    if url := os.environ.get("TEST_DATABASE_URL"):
        base = sa.engine.make_url(url)
        os.environ["TEST_DATABASE_URL"] = base.set(database=f"{base.database}_{WORKER}").render_as_string(
            hide_password=False)
    if url := os.environ.get("TEST_REDIS_URL"):
        parts = urlsplit(url)
        db = int(parts.path.strip("/") or 0) + int(WORKER.removeprefix("gw"))
        os.environ["TEST_REDIS_URL"] = urlunsplit(parts._replace(path=f"/{db}"))


_worker_urls()
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


def _create_pg_database(server_url: str, url: str) -> None:
    """CREATE DATABASE `url`'s database on the server of `server_url`, unless it exists."""
    name = sa.engine.make_url(url).database
    engine = sa.create_engine(normalise_database_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def pytest_configure(config):
    if PG_URL and PG_URL != SERVER_PG_URL and _reachable_pg(SERVER_PG_URL) is None:
        _create_pg_database(SERVER_PG_URL, PG_URL)  # this worker's own, before any test uses it
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


# Tests whose module- or session-scoped fixtures start real servers (or a browser) run on one
# xdist worker per group (`--dist loadgroup`), so that each server starts once.
_SERVER_GROUPS = {"e2e": "e2e", "live": None, "runtime": None, "cluster": None}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    root = Path(__file__).parent
    for item in items:
        parts = Path(item.fspath).relative_to(root).parts
        if parts[0] in _SERVER_GROUPS or item.get_closest_marker("live"):
            item.add_marker(pytest.mark.xdist_group(_SERVER_GROUPS.get(parts[0]) or "/".join(parts)))


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


def _empty_postgres_sql(tables) -> str:
    """One round trip that empties every table and restarts the sequences used since.

    DELETE, not TRUNCATE: truncating the ~30 tables costs ~100 ms a test even when they are
    empty, deleting from them ~10 ms. audit_log refuses DELETE (a trigger): it is truncated,
    and only when it has rows."""
    from courtyard.audit import AuditEntry
    sealed = AuditEntry.__table__.name
    steps = [f'IF EXISTS (SELECT 1 FROM "{sealed}") THEN TRUNCATE "{sealed}"; END IF;']
    steps += [f'DELETE FROM "{t.name}";' for t in reversed(tables) if t.name != sealed]
    return f"""DO $$
DECLARE s record;
BEGIN
  {" ".join(steps)}
  FOR s IN SELECT schemaname, sequencename FROM pg_sequences
           WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
    EXECUTE format('ALTER SEQUENCE %I.%I RESTART', s.schemaname, s.sequencename);
  END LOOP;
END $$"""


def _empty_all_tables() -> None:
    tables = [t for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(_empty_postgres_sql(tables)))
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
def open_as(app):
    """open_as(user) → a browser (tests/web/browser.py) logged in as `user`, in English (assertions
    read the source strings); open_as(user, zh=True) in Chinese."""
    from tests.web.browser import Browser

    def browser(user, zh: bool = False):
        b = Browser(app.test_client())
        if not zh:
            b.english()
        b.login(user)
        return b
    return browser


@pytest.fixture
def api(app):
    """A JSON client: api.as_(user).post(path, json) → response; tokens issued on demand."""
    from .factories import ApiClient
    return ApiClient(app)


@pytest.fixture
def fake_clock(app):
    """A clock that moves only when the test moves it, from the present second (tests/clocks.py)."""
    from .clocks import FakeClock
    c = FakeClock()
    clock.use(c)
    yield c
    clock.reset()
