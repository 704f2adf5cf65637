"""insight: 未诉先办 actions; indexes for the figures at street scale

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 12:30:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('insight_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('courtyard_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('sanitation', 'parking', 'property_service', 'repairs', 'greening', 'safety', 'elderly_care', 'neighbour_dispute', 'facilities', 'other', name='insight_action_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('source_topic_ids', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['courtyard_id'], ['courtyards.id'], name=op.f('fk_insight_actions_courtyard_id_courtyards')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_insight_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_insight_actions_task_id_tasks')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_insight_actions_topic_id_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_actions')),
    sa.UniqueConstraint('topic_id', name=op.f('uq_insight_actions_topic_id'))
    )
    with op.batch_alter_table('insight_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_actions_courtyard_id'), ['courtyard_id'], unique=False)

    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index('ix_topics_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_tasks_community_id_created_at', ['community_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_community_id_created_at')
        batch_op.drop_index('ix_tasks_created_at')

    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_index('ix_topics_created_at')

    with op.batch_alter_table('insight_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_actions_courtyard_id'))

    op.drop_table('insight_actions')
