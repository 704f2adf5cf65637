"""outbound notifications: delivery records, channel preferences, quiet-hours queue

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))

    op.create_table('outbound_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'failed', 'skipped', name='outbound_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=120), nullable=True),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_outbound_messages_notification_id_notifications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbound_messages_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_messages'))
    )
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_messages_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_messages_notification_id'), ['notification_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_messages_user_id'), ['user_id'], unique=False)

    op.create_table('notification_channel_prefs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_channel_prefs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_channel_prefs')),
    sa.UniqueConstraint('user_id', 'channel', name=op.f('uq_notification_channel_prefs_user_id_channel'))
    )
    with op.batch_alter_table('notification_channel_prefs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_channel_prefs_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notification_channel_prefs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_channel_prefs_user_id'))

    op.drop_table('notification_channel_prefs')
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_messages_user_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_messages_notification_id'))
        batch_op.drop_index('ix_outbound_messages_due')

    op.drop_table('outbound_messages')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')
