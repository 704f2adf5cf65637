"""tasks, their timeline, photos, ratings and escalations; the service policy

Tasks (one status per row, changed only by conditional UPDATEs), task_updates (the
timeline) with task_photos, task_ratings (one per person and task: UNIQUE(task_id, user_id)),
task_escalations (level 1 or 2, to a community, the street or a department; acknowledged
once), and the policy as data: community_service_times and task_policies, whose rows with
no community are the street's defaults (one street policy: a partial UNIQUE index).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 11:21:04.546289

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('community_service_times',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.Enum('sanitation', 'parking', 'property_service', 'repairs', 'greening', 'safety', 'elderly_care', 'neighbour_dispute', 'facilities', 'other', name='service_time_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('updated_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('hours > 0', name=op.f('ck_community_service_times_hours_positive')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_community_service_times_community_id_communities')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_community_service_times_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_service_times')),
    sa.UniqueConstraint('community_id', 'category', name=op.f('uq_community_service_times_community_id_category'))
    )
    with op.batch_alter_table('community_service_times', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_service_times_community_id'), ['community_id'], unique=False)
        batch_op.create_index('uq_community_service_times_street', ['category'], unique=True, sqlite_where=sa.text('community_id IS NULL'), postgresql_where=sa.text('community_id IS NULL'))

    op.create_table('task_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('street_default', sa.Boolean(), nullable=False),
    sa.Column('reminder_hours', sa.Integer(), nullable=False),
    sa.Column('level1_after_hours', sa.Integer(), nullable=False),
    sa.Column('level2_after_hours', sa.Integer(), nullable=False),
    sa.Column('level2_org_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('level1_after_hours >= 0 AND level2_after_hours > level1_after_hours', name=op.f('ck_task_policies_levels_in_order')),
    sa.CheckConstraint('reminder_hours >= 0', name=op.f('ck_task_policies_reminder_not_negative')),
    sa.CheckConstraint('street_default = (community_id IS NULL)', name=op.f('ck_task_policies_street_default_has_no_community')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_task_policies_community_id_communities')),
    sa.ForeignKeyConstraint(['level2_org_id'], ['organizations.id'], name=op.f('fk_task_policies_level2_org_id_organizations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_task_policies_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_policies')),
    sa.UniqueConstraint('community_id', name=op.f('uq_task_policies_community_id'))
    )
    with op.batch_alter_table('task_policies', schema=None) as batch_op:
        batch_op.create_index('uq_task_policies_street', ['street_default'], unique=True, sqlite_where=sa.text('street_default'), postgresql_where=sa.text('street_default'))

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('courtyard_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('assignee_org_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('category', sa.Enum('sanitation', 'parking', 'property_service', 'repairs', 'greening', 'safety', 'elderly_care', 'neighbour_dispute', 'facilities', 'other', name='task_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('assigned', 'accepted', 'in_progress', 'done', 'verified', 'reopened', name='task_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('due_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('accepted_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('started_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('done_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('verified_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('reminded_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('overdue_notified_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.CheckConstraint('escalation_level BETWEEN 0 AND 2', name=op.f('ck_tasks_escalation_level_range')),
    sa.ForeignKeyConstraint(['assignee_org_id'], ['organizations.id'], name=op.f('fk_tasks_assignee_org_id_organizations')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_tasks_community_id_communities')),
    sa.ForeignKeyConstraint(['courtyard_id'], ['courtyards.id'], name=op.f('fk_tasks_courtyard_id_courtyards')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tasks_created_by_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_tasks_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_tasks_topic_id_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_courtyard_id'), ['courtyard_id'], unique=False)
        batch_op.create_index('ix_tasks_org_status', ['assignee_org_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index('ix_tasks_status_due_at', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_topic_id'), ['topic_id'], unique=False)

    op.create_table('task_escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('target', sa.Enum('community', 'street', 'organization', name='escalation_target', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('acknowledged_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledgement', sa.Text(), nullable=True),
    sa.CheckConstraint("(target = 'community') = (community_id IS NOT NULL)", name=op.f('ck_task_escalations_community_target')),
    sa.CheckConstraint("(target = 'organization') = (organization_id IS NOT NULL)", name=op.f('ck_task_escalations_org_target')),
    sa.CheckConstraint('automatic OR raised_by_id IS NOT NULL', name=op.f('ck_task_escalations_raised_by_someone')),
    sa.CheckConstraint('level IN (1, 2)', name=op.f('ck_task_escalations_level_one_or_two')),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_task_escalations_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_task_escalations_community_id_communities')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_task_escalations_organization_id_organizations')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_task_escalations_raised_by_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_escalations_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_escalations'))
    )
    with op.batch_alter_table('task_escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_escalations_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_escalations_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_task_escalations_pending', ['target', 'acknowledged_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_escalations_task_id'), ['task_id'], unique=False)

    op.create_table('task_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Enum('satisfied', 'basically_satisfied', 'unsatisfied', name='task_score', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_ratings_task_id_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_task_ratings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_ratings')),
    sa.UniqueConstraint('task_id', 'user_id', name=op.f('uq_task_ratings_task_id_user_id'))
    )
    with op.batch_alter_table('task_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_ratings_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_ratings_user_id'), ['user_id'], unique=False)

    op.create_table('task_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('created', 'status', 'note', 'verified', 'reopened', 'escalated', 'acknowledged', name='task_update_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('from_status', sa.Enum('assigned', 'accepted', 'in_progress', 'done', 'verified', 'reopened', name='task_update_from', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('assigned', 'accepted', 'in_progress', 'done', 'verified', 'reopened', name='task_update_to', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('escalation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_task_updates_author_id_users')),
    sa.ForeignKeyConstraint(['escalation_id'], ['task_escalations.id'], name=op.f('fk_task_updates_escalation_id_task_escalations')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_updates_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_updates'))
    )
    with op.batch_alter_table('task_updates', schema=None) as batch_op:
        batch_op.create_index('ix_task_updates_task_id_id', ['task_id', 'id'], unique=False)

    op.create_table('task_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['update_id'], ['task_updates.id'], name=op.f('fk_task_photos_update_id_task_updates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_task_photos_upload_id_uploads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_photos')),
    sa.UniqueConstraint('update_id', 'upload_id', name=op.f('uq_task_photos_update_id_upload_id'))
    )
    with op.batch_alter_table('task_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_photos_update_id'), ['update_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_photos_upload_id'), ['upload_id'], unique=False)



def downgrade():
    with op.batch_alter_table('task_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_photos_upload_id'))
        batch_op.drop_index(batch_op.f('ix_task_photos_update_id'))

    op.drop_table('task_photos')
    with op.batch_alter_table('task_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_task_updates_task_id_id')

    op.drop_table('task_updates')
    with op.batch_alter_table('task_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_ratings_user_id'))
        batch_op.drop_index(batch_op.f('ix_task_ratings_task_id'))

    op.drop_table('task_ratings')
    with op.batch_alter_table('task_escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_escalations_task_id'))
        batch_op.drop_index('ix_task_escalations_pending')
        batch_op.drop_index(batch_op.f('ix_task_escalations_organization_id'))
        batch_op.drop_index(batch_op.f('ix_task_escalations_community_id'))

    op.drop_table('task_escalations')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_topic_id'))
        batch_op.drop_index('ix_tasks_status_due_at')
        batch_op.drop_index(batch_op.f('ix_tasks_proposal_id'))
        batch_op.drop_index('ix_tasks_org_status')
        batch_op.drop_index(batch_op.f('ix_tasks_courtyard_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_community_id'))

    op.drop_table('tasks')
    with op.batch_alter_table('task_policies', schema=None) as batch_op:
        batch_op.drop_index('uq_task_policies_street', sqlite_where=sa.text('street_default'), postgresql_where=sa.text('street_default'))

    op.drop_table('task_policies')
    with op.batch_alter_table('community_service_times', schema=None) as batch_op:
        batch_op.drop_index('uq_community_service_times_street', sqlite_where=sa.text('community_id IS NULL'), postgresql_where=sa.text('community_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_community_service_times_community_id'))

    op.drop_table('community_service_times')
