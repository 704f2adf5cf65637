"""ballots reach the roll: reminders sent, hidden totals

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
