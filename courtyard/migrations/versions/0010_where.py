"""where: a topic's place in the building and an optional map point

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:50:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
