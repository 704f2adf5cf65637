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
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hide_totals', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('reminded_24h_at', courtyard.dbtypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reminded_2h_at', courtyard.dbtypes.UTCDateTime(), nullable=True))

    op.create_table('ballot_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('household', sa.String(length=32), nullable=False),
    sa.Column('last_sent_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('last_sent_by_id', sa.Integer(), nullable=False),
    sa.Column('times', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['last_sent_by_id'], ['users.id'], name=op.f('fk_ballot_reminders_last_sent_by_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_ballot_reminders_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_reminders')),
    sa.UniqueConstraint('proposal_id', 'household', name=op.f('uq_ballot_reminders_proposal_id_household'))
    )


def downgrade():
    op.drop_table('ballot_reminders')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('reminded_2h_at')
        batch_op.drop_column('reminded_24h_at')
        batch_op.drop_column('hide_totals')
