"""Backups that restore: `flask --app wsgi backup FILE` and `restore FILE` (docs/deployment.md).

SQLite: the online backup API (sqlite3.Connection.backup) copies one snapshot of the live
database while the app goes on writing (WAL). PostgreSQL: pg_dump --format=custom taken on a
snapshot exported by this module, restored with pg_restore --clean --if-exists --no-owner in
one transaction. A backup is written to a temporary file next to FILE and renamed into place,
so a failed backup never leaves a half file. A restore first checks that FILE is a Courtyard
database at a revision this code knows.

This module knows tables by name only (users, topics, votes, alembic_version): it imports no
domain. Failures raise BackupError with a message for the operator, never a traceback.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from .config import ROOT, normalise_database_url

MIGRATIONS = ROOT / "courtyard" / "migrations"
COUNTED = ("users", "topics", "votes")


class BackupError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Called with no arguments once the backup's snapshot is fixed and its temporary file made, before
# the copy: what is committed after this call is not in the backup. A seam for the tests (tests/cli/test_backup.py).
after_snapshot: Callable[[], None] = lambda: None  # noqa: E731


# --- what the URL names --------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    kind: str  # "sqlite" | "postgresql"
    path: Path | None = None  # SQLite: the database file
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = None
    database: str | None = None

    def describe(self) -> str:
        if self.kind == "sqlite":
            return str(self.path)
        return f"postgresql://{self.user + '@' if self.user else ''}{self.host or 'localhost'}:{self.port or 5432}/{self.database}"


def database_kind(url: str) -> str:
    """'sqlite' or 'postgresql' from a database URL (any driver); BackupError for anything else."""
    try:
        backend = sa.engine.make_url(normalise_database_url(url)).get_backend_name()
    except sa.exc.ArgumentError:
        raise BackupError(f"cannot read the database URL {_hide_password(url)!r}") from None
    if backend in ("sqlite", "postgresql"):
        return backend
    raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")


def target_of(url: str) -> Target:
    kind = database_kind(url)
    u = sa.engine.make_url(normalise_database_url(url))
    if kind == "sqlite":
        if not u.database or u.database == ":memory:" or u.query.get("mode") == "memory":
            raise BackupError("the database is in memory: there is no file to back up or restore")
        return Target("sqlite", path=Path(u.database).expanduser().resolve())
    return Target("postgresql", host=u.host, port=u.port, user=u.username, password=u.password,
                  database=u.database)


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


# --- what a backup holds -------------------------------------------------------------------

@dataclass(frozen=True)
class Contents:
    revision: str
    counts: dict[str, int]

    def summary(self) -> str:
        if any(n < 0 for n in self.counts.values()):
            return f"revision {self.revision}"
        counted = ", ".join(f"{n} {table}" for table, n in self.counts.items())
        return f"revision {self.revision}; {counted}"


def known_revisions() -> tuple[list[str], str]:
    """(every revision of courtyard/migrations, the head)."""
    from alembic.script import ScriptDirectory
    script = ScriptDirectory(str(MIGRATIONS))
    return [rev.revision for rev in script.walk_revisions()], script.get_current_head()


def check_revision(revision: str | None, file: Path) -> str:
    revisions, _head = known_revisions()
    if revision is None:
        raise BackupError(f"{file} is not a Courtyard database: it has no schema revision (alembic_version)")
    if revision not in revisions:
        raise BackupError(f"{file} is at schema revision {revision}, which this version of Courtyard does not "
                          f"know (it knows {', '.join(sorted(revisions))}); restore it with the version that made it")
    return revision


def _contents(execute) -> Contents:
    """Revision and row counts, read through `execute(sql) -> first column of first row`."""
    return Contents(revision=execute("SELECT version_num FROM alembic_version"),
                    counts={t: int(execute(f"SELECT count(*) FROM {t}")) for t in COUNTED})


# --- file names ----------------------------------------------------------------------------

def writable_destination(file: str | os.PathLike) -> Path:
    """FILE for a new backup: not a directory, in a directory that exists."""
    if str(file).strip() == "":
        raise BackupError("give the file to write the backup to")
    path = Path(file).expanduser()
    if path.is_dir():
        raise BackupError(f"{path} is a directory; give a file name for the backup")
    parent = path.parent.resolve()
    if not parent.is_dir():
        raise BackupError(f"cannot write {path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise BackupError(f"cannot write {path}: the directory {parent} is not writable")
    return parent / path.name


def readable_source(file: str | os.PathLike) -> Path:
    path = Path(file).expanduser()
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    if not os.access(path, os.R_OK):
        raise BackupError(f"{path} is not readable")
    return path.resolve()


@contextmanager
def _temporary_next_to(dest: Path) -> Iterator[Path]:
    """A temporary file beside `dest`, renamed onto it when the block succeeds, removed if not."""
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


# --- the two operations --------------------------------------------------------------------

def backup(url: str, file: str | os.PathLike) -> Contents:
    """Write a backup of the database at `url` to `file` (replaced atomically if it exists)."""
    target = target_of(url)
    dest = writable_destination(file)
    try:
        if target.kind == "sqlite":
            if dest == target.path:
                raise BackupError(f"{dest} is the live database itself; give another file")
            return _sqlite_backup(target, dest)
        return _pg_backup(target, dest)
    except OSError as exc:
        raise BackupError(f"cannot write {dest}: {exc.strerror or exc}") from None


def inspect(url: str, file: str | os.PathLike) -> Contents:
    """Check that `file` is a Courtyard backup for the kind of database at `url`; what it holds.

    For PostgreSQL the counts are not known before the restore: they are -1."""
    target = target_of(url)
    source = readable_source(file)
    if target.kind == "sqlite":
        return _sqlite_inspect(source)
    return Contents(_pg_archive_revision(source), {t: -1 for t in COUNTED})


def restore(url: str, file: str | os.PathLike) -> Contents:
    """Replace the database at `url` with the backup in `file`; what is now in the database."""
    target = target_of(url)
    source = readable_source(file)
    try:
        if target.kind == "sqlite":
            if source == target.path:
                raise BackupError(f"{source} is the live database itself")
            return _sqlite_restore(target, source)
        return _pg_restore(target, source)
    except OSError as exc:
        raise BackupError(f"the restore failed: {exc.strerror or exc}") from None


# --- SQLite --------------------------------------------------------------------------------

def _scalar(conn: sqlite3.Connection):
    return lambda sql: conn.execute(sql).fetchone()[0]


def _sqlite_backup(target: Target, dest: Path) -> Contents:
    if not target.path.is_file():
        raise BackupError(f"there is no database at {target.path}")
    src = sqlite3.connect(target.path, timeout=30, isolation_level=None)
    try:
        # Fix the snapshot: a read transaction, which the backup step then copies as it is.
        src.execute("BEGIN")
        try:
            contents = _contents(_scalar(src))
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{target.path} is not a Courtyard database ({exc})") from None
        with _temporary_next_to(dest) as tmp:
            after_snapshot()
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)  # all pages in one step, from the snapshot above
                out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                out.close()
        src.execute("COMMIT")
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed: {exc}") from None
    finally:
        src.close()
    return contents


def _sqlite_inspect(source: Path) -> Contents:
    try:
        conn = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {source}: {exc}") from None
    try:
        try:
            check = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a SQLite database ({exc})") from None
        if check != ["ok"]:
            raise BackupError(f"{source} is damaged (integrity check: {'; '.join(check[:5])})")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            check_revision(None, source)
        revision = check_revision(_scalar(conn)("SELECT version_num FROM alembic_version"), source)
        missing = [t for t in COUNTED if t not in tables]
        if missing:
            raise BackupError(f"{source} is not a Courtyard database: no table {', '.join(missing)}")
        return Contents(revision, {t: int(_scalar(conn)(f"SELECT count(*) FROM {t}")) for t in COUNTED})
    finally:
        conn.close()


def _sqlite_restore(target: Target, source: Path) -> Contents:
    contents = _sqlite_inspect(source)
    if not target.path.parent.is_dir():
        raise BackupError(f"cannot restore into {target.path}: the directory {target.path.parent} does not exist")
    try:
        src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target.path, timeout=30)
            try:
                # Into the live file through SQLite: open connections see the restored database.
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=WAL")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"the restore failed: {exc}") from None
    return contents


# --- PostgreSQL ----------------------------------------------------------------------------

def _pg_env(target: Target) -> dict[str, str]:
    """The tools' connection settings; the password goes in PGPASSWORD, never on a command line."""
    env = dict(os.environ)
    for name, value in (("PGHOST", target.host), ("PGPORT", target.port), ("PGUSER", target.user),
                        ("PGDATABASE", target.database), ("PGPASSWORD", target.password)):
        if value is not None:
            env[name] = str(value)
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH: install PostgreSQL's client programs "
                          f"(Debian: apt-get install postgresql-client) of the server's major version or newer")
    return path


def tool_major(version_output: str) -> int:
    """'pg_dump (PostgreSQL) 15.20 (Debian …)' → 15."""
    found = re.search(r"\)\s*(\d+)", version_output) or re.search(r"(\d+)", version_output)
    if not found:
        raise BackupError(f"cannot read the version of the PostgreSQL tools from {version_output!r}")
    return int(found.group(1))


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(args, env=env, capture_output=True, text=True)
    except OSError as exc:
        raise BackupError(f"cannot run {args[0]}: {exc}") from None


def _pg_engine(target: Target) -> sa.Engine:
    url = sa.engine.URL.create("postgresql", username=target.user, password=target.password,
                               host=target.host, port=target.port, database=target.database)
    return sa.create_engine(normalise_database_url(url.render_as_string(hide_password=False)))


def _check_pg_dump_version(pg_dump: str, conn) -> None:
    server = int(conn.scalar(sa.text("SHOW server_version_num"))) // 10000
    tool = tool_major(_run([pg_dump, "--version"], {}).stdout)
    if tool < server:
        raise BackupError(f"pg_dump is version {tool} but the server is PostgreSQL {server}: install the "
                          f"client programs of version {server} or newer (Debian: postgresql-client-{server})")


def _pg_backup(target: Target, dest: Path) -> Contents:
    pg_dump = _tool("pg_dump")
    engine = _pg_engine(target)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            _check_pg_dump_version(pg_dump, conn)
            conn.rollback()
            with conn.begin():
                snapshot = conn.scalar(sa.text("SELECT pg_export_snapshot()"))
                try:
                    contents = _contents(lambda sql: conn.scalar(sa.text(sql)))
                except sa.exc.DBAPIError as exc:
                    raise BackupError(f"{target.describe()} is not a Courtyard database ({exc.orig})") from None
                with _temporary_next_to(dest) as tmp:
                    after_snapshot()
                    done = _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password",
                                 f"--file={tmp}"], _pg_env(target))
                    if done.returncode != 0:
                        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    except sa.exc.OperationalError as exc:
        raise BackupError(f"cannot reach {target.describe()}: {exc.orig}") from None
    finally:
        engine.dispose()
    return contents


def other_sessions(url: str) -> int:
    """PostgreSQL: how many other sessions are connected to the database (0 for SQLite).

    pg_restore's drops wait for their transactions (the archive sets lock_timeout = 0)."""
    target = target_of(url)
    if target.kind != "postgresql":
        return 0
    engine = _pg_engine(target)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.text("SELECT count(*) FROM pg_stat_activity "
                                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")))
    except sa.exc.DBAPIError as exc:
        raise BackupError(f"cannot reach {target.describe()}: {exc.orig}") from None
    finally:
        engine.dispose()


def _pg_archive_revision(source: Path) -> str:
    pg_restore = _tool("pg_restore")
    listed = _run([pg_restore, "--list", str(source)], {})
    if listed.returncode != 0:
        raise BackupError(f"{source} is not a PostgreSQL custom-format backup ({listed.stderr.strip()})")
    if not re.search(r"TABLE DATA \S+ alembic_version ", listed.stdout):
        check_revision(None, source)
    data = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(source)], {})
    found = re.search(r"^COPY \S*alembic_version .*FROM stdin;\n([^\n\\]+)\n", data.stdout, re.M)
    return check_revision(found.group(1).strip() if found else None, source)


def _pg_restore(target: Target, source: Path) -> Contents:
    expected = _pg_archive_revision(source)
    done = _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                 "--no-password", f"--dbname={target.database}", str(source)], _pg_env(target))
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed; the database is unchanged: {done.stderr.strip()}")
    engine = _pg_engine(target)
    try:
        with engine.connect() as conn:
            contents = _contents(lambda sql: conn.scalar(sa.text(sql)))
    finally:
        engine.dispose()
    if contents.revision != expected:
        raise BackupError(f"after the restore the database is at revision {contents.revision}, not {expected}")
    return contents
