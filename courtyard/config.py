"""Settings from the environment (CONTRACT §1). A `.env` file may supply them."""
from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

from .clock import LOCAL_TZ

ROOT = Path(__file__).resolve().parent.parent
ASYNC_MODES = ("eventlet", "gevent", "threading")


POSTGRES_DRIVERS = ("pg8000", "psycopg2")
DEFAULT_POSTGRES_DRIVER = "psycopg2"


def normalise_database_url(url: str, driver: str | None = None) -> str:
    """Give a plain PostgreSQL URL a green-thread-safe driver: DATABASE_DRIVER, else psycopg2.

    psycopg2 (C, libpq) costs about half the CPU of pg8000 per query (docs/performance.md,
    "Vote storm"); it yields to other greenlets while it waits through a wait callback:
    eventlet.monkey_patch() installs one, under gevent wsgi.py installs psycogreen's. pg8000
    is pure Python and yields through the monkey-patched socket module. psycopg 3 blocks
    eventlet's hub. A URL naming its driver (`postgresql+pg8000://`) is kept as it is.
    """
    driver = driver or os.environ.get("DATABASE_DRIVER") or DEFAULT_POSTGRES_DRIVER
    if driver not in POSTGRES_DRIVERS:
        raise RuntimeError(f"DATABASE_DRIVER must be one of {', '.join(POSTGRES_DRIVERS)}, not {driver!r}")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return f"postgresql+{driver}://" + url[len(prefix):]
    return url


SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def engine_settings(url: str, pool_size: int) -> tuple[str, dict]:
    """The SQLAlchemy URL and engine options for the app's database.

    The pool keeps every connection it opens (no overflow to throw away): in a vote storm
    a thousand commands check connections out at once, and an opened connection costs a
    TCP and TLS handshake and PostgreSQL a backend process. Connections are opened on
    demand, up to `pool_size`; beyond that a checkout waits for one to come back.

    `?sslmode=` in a PostgreSQL URL means what it means to libpq (default prefer). psycopg2
    reads it itself; for pg8000 it becomes `ssl_context`, one context for the process —
    pg8000 otherwise builds a fresh one (loading the CA bundle) for every connection.
    """
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        # An SQLite connection is a file handle: cheap to open, so the overflow is no cost.
        return url, {"connect_args": {"check_same_thread": False, "timeout": 5}, "pool_size": 20, "max_overflow": 80}
    # No pool_pre_ping: courtyard/dbping.py pings only connections that sat idle (DATABASE_PING_AFTER).
    options: dict = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": 30}
    if u.get_driver_name() == "pg8000":
        mode = u.query.get("sslmode", "prefer")
        if mode not in SSL_MODES:
            raise RuntimeError(f"sslmode must be one of {', '.join(SSL_MODES)}, not {mode!r}")
        u = u.difference_update_query(["sslmode"])
        context = _ssl_context(mode)
        if context is not None:
            options["connect_args"] = {"ssl_context": context}
    return u.render_as_string(hide_password=False), options


def _ssl_context(mode: str):
    """pg8000's ssl_context for an sslmode: False (no TLS), None (try TLS, else plain), or a context (TLS only)."""
    if mode == "disable":
        return False
    if mode in ("allow", "prefer"):
        return None  # pg8000 has no "TLS if offered" with a context of ours: it builds one per connection
    import ssl
    context = ssl.create_default_context()
    if mode != "verify-full":
        context.check_hostname = False
    if mode == "require":
        context.verify_mode = ssl.CERT_NONE
    return context


def _number(env: dict[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a number, not {value!r}") from None
    if number <= 0:
        raise RuntimeError(f"{name} must be greater than 0")
    return number


class Config:
    def __init__(self, env: dict[str, str] | None = None):
        if env is None:
            load_dotenv(ROOT / ".env")
            env = dict(os.environ)
        self.ENV = env.get("COURTYARD_ENV", "development")
        secret = env.get("SECRET_KEY")
        if self.ENV == "production" and not secret:
            raise RuntimeError("SECRET_KEY is required when COURTYARD_ENV=production")
        self.SECRET_KEY = secret or "dev-only-not-secret"
        instance = ROOT / "instance"
        self.INSTANCE_DIR = str(instance)
        default_db = f"sqlite:///{instance / 'courtyard.sqlite3'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(env.get("DATABASE_URL") or default_db,
                                                              env.get("DATABASE_DRIVER") or DEFAULT_POSTGRES_DRIVER)
        # Connections the process keeps open to the database (docs/deployment.md).
        self.DATABASE_POOL_SIZE = int(_number(env, "DATABASE_POOL_SIZE", 40))
        # A pooled connection idle longer than this is pinged before use (courtyard/dbping.py).
        self.DATABASE_PING_AFTER = float(_number(env, "DATABASE_PING_AFTER", 10))
        self.REDIS_URL = env.get("REDIS_URL") or None
        mode = env.get("COURTYARD_ASYNC", "eventlet")
        if mode not in ASYNC_MODES:
            raise RuntimeError(f"COURTYARD_ASYNC must be one of {', '.join(ASYNC_MODES)}")
        self.COURTYARD_ASYNC = mode
        self.HOST = env.get("HOST", "127.0.0.1")
        self.PORT = int(env.get("PORT", "5000"))
        # Origins allowed to open a Socket.IO connection besides the app's own.
        self.CORS_ORIGINS = [o for o in env.get("CORS_ORIGINS", "").split(",") if o]
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (0: none).
        # Login throttling counts failures per client address, so behind nginx set this to 1.
        self.PROXY_HOPS = int(env.get("PROXY_HOPS", "0"))
        self.WORKER_NAME = env.get("WORKER_NAME") or None  # this process in a cluster (courtyard/worker.py)
        self.UPLOAD_DIR = env.get("UPLOAD_DIR") or str(instance / "uploads")
        # Outbound notification channels (courtyard/notifications/channels.py): names or module:Class.
        self.NOTIFY_CHANNELS = env.get("NOTIFY_CHANNELS", "log")
        # No text message or e-mail in these hours (Beijing time); held until they end. "" for none.
        # Read by courtyard/notifications (rules.parse_quiet_hours) at start-up.
        self.NOTIFY_QUIET_HOURS = env.get("NOTIFY_QUIET_HOURS", "22:00-07:00")
        # Seconds between two runs of the scheduler's jobs (courtyard/scheduler.py) in each process.
        self.SCHEDULER_INTERVAL = _number(env, "SCHEDULER_INTERVAL", 1.0)
        # Where the app is reached from outside: the links in e-mails (and text messages).
        self.PUBLIC_URL = (env.get("PUBLIC_URL") or env.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
        # The `sms` channel: a generic HTTP SMS gateway (JSON POST, HMAC-SHA256 signed).
        self.SMS_GATEWAY_URL = env.get("SMS_GATEWAY_URL") or None
        self.SMS_GATEWAY_SECRET = env.get("SMS_GATEWAY_SECRET") or None
        self.SMS_TIMEOUT = _number(env, "SMS_TIMEOUT", 5.0)
        # The `email` channel: SMTP.
        self.SMTP_HOST = env.get("SMTP_HOST") or None
        self.SMTP_PORT = int(_number(env, "SMTP_PORT", 25))
        self.SMTP_USER = env.get("SMTP_USER") or None
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD") or None
        self.SMTP_STARTTLS = env.get("SMTP_STARTTLS", "").strip().lower() in ("1", "true", "yes", "on")
        self.SMTP_FROM = env.get("SMTP_FROM") or None
        self.SMTP_TIMEOUT = _number(env, "SMTP_TIMEOUT", 10.0)
        self.SESSION_COOKIE_SECURE = self.ENV == "production"

    # Static settings shared by every environment.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024
    WTF_CSRF_CHECK_DEFAULT = False  # checked in one place: courtyard/__init__.py
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = LOCAL_TZ.key  # pages show times in the street's zone (clock.LOCAL_TZ)
    LANGUAGES = ("zh_CN", "en")
    RATELIMIT_HEADERS_ENABLED = True
    # Failed logins answered with 429 once either budget is spent.
    LOGIN_FAILURES_PER_LOGIN = "10/15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "50/15 minutes"
    # Werkzeug's method for new password hashes; any stored method still verifies.
    PASSWORD_HASH_METHOD = "scrypt"
    TESTING = False
    STREET_NAME = "方庄街道"

    def as_dict(self) -> dict:
        names = set(dir(type(self))) | set(vars(self))
        return {k: getattr(self, k) for k in names if k.isupper()}


TEST_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"


class TestConfig(Config):
    def __init__(self, database_url: str, env: dict[str, str] | None = None, **overrides):
        super().__init__(env or {"COURTYARD_ASYNC": "threading"})
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(database_url)
        self.TESTING = True
        self.SECRET_KEY = "test"
        self.RATELIMIT_STORAGE_URI = "memory://"
        # scrypt costs ~0.1 s a hash or check; a test logs in and makes users by the hundred.
        self.PASSWORD_HASH_METHOD = TEST_PASSWORD_HASH_METHOD
        # Few connections kept per test app (test processes share one PostgreSQL and its
        # max_connections), and room for the tests that hold dozens at once.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 5, "max_overflow": 95}
        for k, v in overrides.items():
            setattr(self, k, v)
