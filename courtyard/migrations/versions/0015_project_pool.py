"""the street's project pool (民生项目池): projects, their milestones, timeline and linked topics/tasks

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:50:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('budget_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('budget_source', sa.Enum('street_fund', 'district_finance', 'maintenance_fund', 'property', 'residents', 'other', name='project_budget_source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('budget_note', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'approved', 'in_progress', 'completed', 'cancelled', name='project_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('completed_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'completed') = (completed_at IS NOT NULL)", name=op.f('ck_projects_completed_when_completed')),
    sa.CheckConstraint('budget_amount >= 0', name=op.f('ck_projects_budget_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_projects_created_by_id_users')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organizations.id'], name=op.f('fk_projects_owner_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index('ix_projects_status', ['status'], unique=False)

    op.create_table('project_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_project_milestones_done_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_milestones_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestones'))
    )
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.create_index('ix_project_milestones_project_position', ['project_id', 'position'], unique=False)

    op.create_table('project_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('created', 'status', 'progress', 'milestone', name='project_update_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('from_status', sa.Enum('proposed', 'approved', 'in_progress', 'completed', 'cancelled', name='project_update_from', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('proposed', 'approved', 'in_progress', 'completed', 'cancelled', name='project_update_to', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_project_updates_author_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_updates_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_updates'))
    )
    with op.batch_alter_table('project_updates', schema=None) as batch_op:
        batch_op.create_index('ix_project_updates_project_id_id', ['project_id', 'id'], unique=False)

    op.create_table('project_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('courtyard_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['courtyard_id'], ['courtyards.id'], name=op.f('fk_project_links_courtyard_id_courtyards')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_project_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_links_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_project_links_task_id_tasks')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_project_links_topic_id_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_links')),
    sa.UniqueConstraint('project_id', 'task_id', name=op.f('uq_project_links_project_id_task_id'))
    )
    with op.batch_alter_table('project_links', schema=None) as batch_op:
        batch_op.create_index('ix_project_links_courtyard_confirmed', ['courtyard_id', 'confirmed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_links_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_links_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_links_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index('uq_project_links_topic', ['project_id', 'topic_id'], unique=True, sqlite_where=sa.text('task_id IS NULL'), postgresql_where=sa.text('task_id IS NULL'))


def downgrade():
    with op.batch_alter_table('project_links', schema=None) as batch_op:
        batch_op.drop_index('uq_project_links_topic', sqlite_where=sa.text('task_id IS NULL'), postgresql_where=sa.text('task_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_project_links_topic_id'))
        batch_op.drop_index(batch_op.f('ix_project_links_task_id'))
        batch_op.drop_index(batch_op.f('ix_project_links_project_id'))
        batch_op.drop_index('ix_project_links_courtyard_confirmed')
    op.drop_table('project_links')

    with op.batch_alter_table('project_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_project_updates_project_id_id')
    op.drop_table('project_updates')

    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_project_milestones_project_position')
    op.drop_table('project_milestones')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_status')
        batch_op.drop_index(batch_op.f('ix_projects_owner_org_id'))
    op.drop_table('projects')
