"""The commands of CONTRACT §1, run through Flask's CLI runner against the test database."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.accounts.models import User
from courtyard.extensions import db
from courtyard.places.models import Building, Community, Courtyard, Membership, Organization, Unit


@pytest.fixture
def cli(app):
    """cli("import-places", path) → click's Result (exit_code, stdout, stderr, output)."""
    runner = app.test_cli_runner()

    def run(*args, **kw):
        result = runner.invoke(args=[str(a) for a in args], **kw)
        db.session.rollback()  # read what the command committed, not an older snapshot
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result
    return run


def table_counts() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Community, Building, Courtyard, Unit, Organization, User, Membership)}
