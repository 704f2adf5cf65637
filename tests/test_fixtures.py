"""The test fixtures themselves: each test starts from empty tables whose ids count from one."""
from __future__ import annotations

import sqlalchemy as sa

from courtyard import audit
from courtyard.extensions import db

from .conftest import _empty_all_tables


def test_emptying_leaves_every_table_empty_and_restarts_the_ids(app, make):
    cy = make.courtyard()
    make.resident(cy)
    audit.record(actor_id=None, action="role.street_admin", subject_type="user", subject_id=1)
    db.session.commit()
    _empty_all_tables()
    for table in db.metadata.sorted_tables:
        assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == 0, table.name
    assert make.user().id == 1 and make.community().id == 1
