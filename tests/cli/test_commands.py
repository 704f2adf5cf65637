"""init-db and create-admin (CONTRACT §1)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.migration import MigrationContext

from courtyard.accounts.models import User
from courtyard.extensions import db


def _token(client, login, password):
    return client.post("/api/v1/auth/token", json={"login": login, "password": password})


def test_init_db_is_safe_to_repeat(cli, make):
    make.community("芳古园一区社区")

    first, second = cli("init-db"), cli("init-db")

    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "database is at the newest schema" in second.stdout
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0  # data untouched


def test_create_admin_creates_a_street_administrator(cli, client):
    result = cli("create-admin", "fz_boss", "--password", "long-enough-1", "--name", "高主任")

    assert result.exit_code == 0, result.output
    assert "street administrator 'fz_boss' is ready" in result.stdout
    user = db.session.scalars(sa.select(User).where(User.login == "fz_boss")).one()
    assert user.is_street_admin and user.display_name == "高主任"
    assert _token(client, "fz_boss", "long-enough-1").status_code == 201


def test_create_admin_again_promotes_and_resets_the_password(cli, make, client):
    user = make.user("resident_then_admin")

    result = cli("create-admin", "resident_then_admin", "--password", "a-new-password")

    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.is_street_admin
    assert _token(client, "resident_then_admin", "a-new-password").status_code == 201
    from tests.factories import PASSWORD
    assert _token(client, "resident_then_admin", PASSWORD).status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_create_admin_prompts_for_the_password_twice(cli):
    result = cli("create-admin", "prompted", input="long-enough-1\nlong-enough-1\n")

    assert result.exit_code == 0, result.output
    assert db.session.scalars(sa.select(User).where(User.login == "prompted")).one().is_street_admin


def test_create_admin_with_a_short_password_fails_with_a_message(cli):
    result = cli("create-admin", "fz_boss", "--password", "short")

    assert result.exit_code == 1
    assert "password: Must be at least 8 characters." in result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_admin_with_a_bad_login_fails_with_a_message(cli):
    result = cli("create-admin", "no spaces allowed", "--password", "long-enough-1")

    assert result.exit_code == 1
    assert "login:" in result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
