"""moderation and notifications: who resolved a report, and what a notification is made of

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:08:22.930590

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_at', courtyard.dbtypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_message_reports_resolved_by_id_users'), 'users', ['resolved_by_id'], ['id'])

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('data')

    with op.batch_alter_table('message_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_message_reports_resolved_by_id_users'), type_='foreignkey')
        batch_op.drop_column('resolved_by_id')
        batch_op.drop_column('resolved_at')
