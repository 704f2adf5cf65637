"""`flask backup FILE` / `flask restore FILE`: a backup taken during a vote storm restores the
votes of its moment, whole; restore checks its file and asks before replacing anything.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (pg_dump/pg_restore). Threads wait
on each other with barriers and joins, never with sleeps: the storm's second wave is cast while
the backup holds its snapshot (courtyard.backup.after_snapshot, called between fixing the
snapshot and copying it), the third races the copy itself.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from courtyard import backup, create_app
from courtyard.accounts.models import User
from courtyard.config import TestConfig as AppConfig
from courtyard.extensions import db
from courtyard.voting import services
from courtyard.voting.models import Proposal, Vote

from ..conftest import PG_URL, SERVER_PG_URL, _create_pg_database, _reset_postgres
from ..voting.conftest import Voting

WAVE = 12  # voters in each of the storm's three waves


def load(model, ident):
    """An object for a thread's own session, which then gives its connection back to the pool."""
    obj = db.session.get(model, ident)
    db.session.commit()
    return obj


def start_threads(targets) -> list[threading.Thread]:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    return threads


def join(threads) -> None:
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"


def quiesce() -> None:
    """The test's own session holds no transaction (PostgreSQL's restore drops the tables)."""
    db.session.commit()
    db.session.close()


def integrity_ok() -> bool:
    if db.engine.dialect.name == "sqlite":
        return db.session.execute(sa.text("PRAGMA integrity_check")).scalars().all() == ["ok"]
    return db.session.scalar(sa.text("SELECT count(*) FROM pg_index WHERE NOT indisvalid")) == 0


def votes_of(proposal_id) -> dict[int, tuple]:
    return {row.user_id: (row.choice.value, row.unit_id, row.area_m2, row.voter_key)
            for row in db.session.scalars(sa.select(Vote).where(Vote.proposal_id == proposal_id))}


@pytest.fixture
def fresh_app(app, tmp_path):
    """An app on a new, empty database of the same kind (never migrated: the restore brings the schema)."""
    if app.config["BACKEND"] == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        url = sa.engine.make_url(PG_URL)
        url = url.set(database=f"{url.database}_restore").render_as_string(hide_password=False)
        _create_pg_database(SERVER_PG_URL, url)
        _reset_postgres(url)
    fresh = create_app(AppConfig(url, UPLOAD_DIR=str(tmp_path / "fresh-uploads")))
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


def run_cli(target_app, *args, **kw):
    result = target_app.test_cli_runner().invoke(args=[str(a) for a in args], **kw)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


# --- the storm -----------------------------------------------------------------------------

def test_a_backup_during_a_vote_storm_restores_the_votes_of_its_moment(app, make, cli, fresh_app, tmp_path,
                                                                       monkeypatch):
    v = Voting(make)
    units = v.courtyard.building.units
    voters = [v.resident(unit=units[i % len(units)]).id for i in range(3 * WAVE)]
    first, second, third = voters[:WAVE], voters[WAVE:2 * WAVE], voters[2 * WAVE:]
    proposal_id = v.ballot("majority").id
    secretary_id = v.secretary.id
    choices = ("yes", "no", "abstain")
    errors = []

    def voter(uid, choice, start=None):
        def run():
            with app.app_context():
                try:
                    user = load(User, uid)
                    if start is not None:
                        start.wait()
                    services.cast_vote(user, proposal_id, choice)
                except Exception as exc:  # pragma: no cover - reported below
                    errors.append(exc)
                    if start is not None:
                        start.abort()
                finally:
                    db.session.remove()
        return run

    # Wave 1, before the backup: these votes are in it.
    join(start_threads([voter(uid, choices[i % 3]) for i, uid in enumerate(first)]))
    assert not errors
    quiesce()
    at_backup = votes_of(proposal_id)
    assert len(at_backup) == WAVE

    racing: list[threading.Thread] = []

    def storm_during_the_backup():
        # Wave 2, cast and committed while the backup holds its snapshot: new voters, and
        # half of wave 1 changing their minds.
        join(start_threads([voter(uid, "yes") for uid in second]
                           + [voter(uid, "no") for uid in first[:WAVE // 2]]))
        # Wave 3 races the copy itself: released together as the copy begins.
        go = threading.Barrier(len(third) + 1)
        racing.extend(start_threads([voter(uid, choices[i % 3], go) for i, uid in enumerate(third)]))
        go.wait(timeout=60)

    monkeypatch.setattr(backup, "after_snapshot", storm_during_the_backup)
    file = tmp_path / "courtyard.backup"
    result = cli("backup", file)
    join(racing)
    assert not errors
    assert result.exit_code == 0, result.output
    assert f"{WAVE} votes" in result.stdout
    assert sorted(os.listdir(tmp_path)).count("courtyard.backup") == 1
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]

    quiesce()
    live = votes_of(proposal_id)
    assert len(live) == 3 * WAVE and live != at_backup  # the storm did happen in the live database

    restored = run_cli(fresh_app, "restore", file, "--yes")
    assert restored.exit_code == 0, restored.output
    assert f"revision {backup.known_revisions()[1]}" in restored.stdout and f"{WAVE} votes" in restored.stdout

    with fresh_app.app_context():
        assert integrity_ok()
        assert votes_of(proposal_id) == at_backup  # every vote whole, as it was at the snapshot; none later
        proposal = db.session.get(Proposal, proposal_id)
        tally = services.tally_of(db.session.get(User, secretary_id), proposal)
        expected = {c: sum(1 for vote in at_backup.values() if vote[0] == c) for c in choices}
        assert tally["counts"] == expected == services.fresh_count(proposal).counts
        assert tally["participation"]["people"] == WAVE
        db.session.remove()


def test_the_restored_database_serves_the_app(app, make, cli, fresh_app, tmp_path):
    v = Voting(make)
    resident = v.resident()
    p = v.ballot()
    services.cast_vote(resident, p, "yes")
    login = resident.login
    quiesce()
    assert cli("backup", tmp_path / "b").exit_code == 0
    assert run_cli(fresh_app, "restore", tmp_path / "b", "--yes").exit_code == 0
    from tests.factories import PASSWORD
    r = fresh_app.test_client().post("/api/v1/auth/token", json={"login": login, "password": PASSWORD})
    assert r.status_code == 201


# --- restore asks first, and checks its file -----------------------------------------------

def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def restore_into_the_test_database(cli, *args, **kw):
    quiesce()
    result = cli("restore", *args, **kw)
    db.engine.dispose()  # pooled PostgreSQL connections may remember the dropped tables
    return result


def test_restore_refuses_to_replace_the_database_unless_told_to(app, make, cli, tmp_path):
    make.user("before_the_backup")
    quiesce()
    assert cli("backup", tmp_path / "b").exit_code == 0
    make.user("after_the_backup")

    refused = restore_into_the_test_database(cli, tmp_path / "b")
    assert refused.exit_code == 1
    assert "nothing was restored" in refused.stderr and "--yes" in refused.stderr
    assert user_count() == 2

    said_no = restore_into_the_test_database(cli, tmp_path / "b", input="n\n")
    assert said_no.exit_code == 1 and user_count() == 2

    said_yes = restore_into_the_test_database(cli, tmp_path / "b", input="y\n")
    assert said_yes.exit_code == 0, said_yes.output
    assert "1 users" in said_yes.stdout
    assert user_count() == 1


def test_restore_refuses_a_file_that_is_not_a_database(app, make, cli, tmp_path):
    make.user("still_here")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a backup\n" * 100)

    result = restore_into_the_test_database(cli, junk, "--yes")

    assert result.exit_code == 1 and result.stderr.startswith("error: ")
    assert "junk.backup is not a" in result.stderr
    assert user_count() == 1


def sqlite_file(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("statements, says", [
    (["CREATE TABLE notes (body TEXT)"], "is not a Courtyard database"),
    (["CREATE TABLE alembic_version (version_num TEXT)", "INSERT INTO alembic_version VALUES ('9999')",
      "CREATE TABLE users (id INT)", "CREATE TABLE topics (id INT)", "CREATE TABLE votes (id INT)"],
     "schema revision 9999, which this version of Courtyard does not know"),
    (["CREATE TABLE alembic_version (version_num TEXT)", "INSERT INTO alembic_version VALUES ('0009')"],
     "is not a Courtyard database: no table users, topics, votes"),
])
def test_restore_refuses_a_sqlite_file_that_is_not_a_courtyard_database(app, make, cli, tmp_path, statements, says):
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("SQLite files")
    make.user("still_here")
    other = sqlite_file(tmp_path / "other.sqlite3", *statements)

    result = restore_into_the_test_database(cli, other, "--yes")

    assert result.exit_code == 1 and says in result.stderr, result.output
    assert user_count() == 1


def test_restore_refuses_a_damaged_sqlite_backup(app, make, cli, tmp_path):
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("SQLite files")
    make.user("still_here")
    quiesce()
    good = tmp_path / "b"
    assert cli("backup", good).exit_code == 0
    data = bytearray(good.read_bytes())
    page = 4096
    for offset in range(page, len(data), page):  # every page but the first: no valid b-tree page header
        data[offset:offset + 8] = b"\xff" * 8
    damaged = tmp_path / "damaged"
    damaged.write_bytes(bytes(data))

    result = restore_into_the_test_database(cli, damaged, "--yes")

    assert result.exit_code == 1 and result.stderr.startswith("error: "), result.output
    assert user_count() == 1


def test_a_postgresql_restore_refuses_a_sqlite_backup(app, make, cli, tmp_path):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("PostgreSQL archives")
    make.user("still_here")
    other = sqlite_file(tmp_path / "other.sqlite3", "CREATE TABLE alembic_version (version_num TEXT)")

    result = restore_into_the_test_database(cli, other, "--yes")

    assert result.exit_code == 1 and "is not a PostgreSQL custom-format backup" in result.stderr
    assert user_count() == 1


# --- bad paths: a message and exit 1, never a traceback -------------------------------------

def test_backup_to_a_missing_directory_or_a_directory_fails_with_a_message(app, cli, tmp_path):
    missing = cli("backup", tmp_path / "no-such-dir" / "b")
    assert missing.exit_code == 1 and "does not exist" in missing.stderr and "no backup was written" in missing.stderr

    a_directory = cli("backup", tmp_path)
    assert a_directory.exit_code == 1 and "is a directory" in a_directory.stderr

    nothing = cli("backup", "")
    assert nothing.exit_code == 1 and "give the file" in nothing.stderr

    locked = tmp_path / "read-only"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):  # root writes anywhere
            return
        unwritable = cli("backup", locked / "b")
        assert unwritable.exit_code == 1 and "is not writable" in unwritable.stderr
    finally:
        locked.chmod(0o755)


def test_a_failed_backup_leaves_no_half_file_and_keeps_the_old_one(app, cli, tmp_path, monkeypatch):
    old = tmp_path / "b"
    old.write_bytes(b"last night's backup")

    def disk_full():
        raise backup.BackupError("no space left on device")

    monkeypatch.setattr(backup, "after_snapshot", disk_full)
    quiesce()
    result = cli("backup", old)

    assert result.exit_code == 1 and "no space left on device" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["b"] and old.read_bytes() == b"last night's backup"


def test_restore_of_a_missing_file_or_a_directory_fails_with_a_message(app, make, cli, tmp_path):
    make.user("still_here")
    missing = restore_into_the_test_database(cli, tmp_path / "nothing-here", "--yes")
    assert missing.exit_code == 1 and "nothing-here does not exist" in missing.stderr

    a_directory = restore_into_the_test_database(cli, tmp_path, "--yes")
    assert a_directory.exit_code == 1 and "is not a file" in a_directory.stderr
    assert user_count() == 1


def test_the_live_sqlite_database_is_neither_a_backup_target_nor_a_restore_source(app, cli):
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("SQLite files")
    live = backup.target_of(app.config["SQLALCHEMY_DATABASE_URI"]).path
    assert "is the live database itself" in cli("backup", live).stderr
    assert "is the live database itself" in cli("restore", live, "--yes").stderr


# --- PostgreSQL's tools ---------------------------------------------------------------------

def fake_tool(folder: Path, name: str, says: str) -> None:
    script = folder / name
    script.write_text(f"#!/bin/sh\necho '{says}'\n")
    script.chmod(0o755)


def test_pg_dump_missing_or_older_than_the_server_is_a_clear_error(app, cli, tmp_path, monkeypatch):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("pg_dump")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    quiesce()

    missing = cli("backup", tmp_path / "b")
    assert missing.exit_code == 1 and "pg_dump was not found on PATH" in missing.stderr

    fake_tool(bin_dir, "pg_dump", "pg_dump (PostgreSQL) 9.6.24")
    older = cli("backup", tmp_path / "b")
    assert older.exit_code == 1 and "pg_dump is version 9 but the server is PostgreSQL" in older.stderr
    assert sorted(os.listdir(tmp_path)) == ["bin"]


# --- the helper that reads the URL ----------------------------------------------------------

@pytest.mark.parametrize("url, kind", [
    ("sqlite:////srv/courtyard/courtyard.sqlite3", "sqlite"),
    ("sqlite:///instance/courtyard.sqlite3", "sqlite"),
    ("postgresql://courtyard@127.0.0.1:5432/courtyard", "postgresql"),
    ("postgresql+pg8000://courtyard:secret@db/courtyard", "postgresql"),
    ("postgres://courtyard@db/courtyard", "postgresql"),
])
def test_the_kind_of_database_comes_from_the_url(url, kind):
    assert backup.database_kind(url) == kind


@pytest.mark.parametrize("url, says", [
    ("mysql://root@db/courtyard", "not mysql"),
    ("sqlite://", "in memory"),
    ("sqlite:///:memory:", "in memory"),
    ("not a url", "cannot read the database URL"),
])
def test_urls_without_a_backup_are_refused_with_a_message(url, says):
    with pytest.raises(backup.BackupError) as err:
        backup.target_of(url)
    assert says in err.value.message


def test_the_tools_get_the_password_in_the_environment_not_the_command_line():
    target = backup.target_of("postgresql+pg8000://courtyard:s3cret@db.local:5433/street")
    env = backup._pg_env(target)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"], env["PGPASSWORD"]) == \
        ("db.local", "5433", "courtyard", "street", "s3cret")
    assert "s3cret" not in target.describe()


@pytest.mark.parametrize("output, major", [
    ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", 15),
    ("pg_dump (PostgreSQL) 9.6.24", 9),
    ("pg_restore (PostgreSQL) 17beta1", 17),
])
def test_the_tools_major_version(output, major):
    assert backup.tool_major(output) == major
