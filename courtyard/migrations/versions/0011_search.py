"""search: an index of topics and messages (SQLite FTS5, PostgreSQL full text)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:50:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
