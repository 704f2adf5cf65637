"""districts (片区), their courtyards' threads and experience cases

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:50:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('districts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('station_name', sa.String(length=100), nullable=True),
    sa.Column('station_address', sa.String(length=200), nullable=True),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_districts')),
    sa.UniqueConstraint('name', name=op.f('uq_districts_name'))
    )
    op.create_table('district_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_district_staff_district_id_districts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_district_staff_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_staff')),
    sa.UniqueConstraint('district_id', 'user_id', name=op.f('uq_district_staff_district_id_user_id'))
    )
    with op.batch_alter_table('district_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_staff_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_district_staff_user_id'), ['user_id'], unique=False)

    op.create_table('district_threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.Enum('sanitation', 'parking', 'property_service', 'repairs', 'greening', 'safety', 'elderly_care', 'neighbour_dispute', 'facilities', 'other', name='thread_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'resolved', name='district_thread_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('source_topic_id', sa.Integer(), nullable=True),
    sa.Column('post_count', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('last_activity_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("(status = 'resolved') = (resolved_at IS NOT NULL)", name=op.f('ck_district_threads_resolved_when_resolved')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_district_threads_author_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_district_threads_community_id_communities')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_district_threads_district_id_districts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_topic_id'], ['topics.id'], name=op.f('fk_district_threads_source_topic_id_topics'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_threads')),
    sa.UniqueConstraint('source_topic_id', name=op.f('uq_district_threads_source_topic_id'))
    )
    with op.batch_alter_table('district_threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_threads_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_district_threads_district_activity', ['district_id', 'last_activity_at'], unique=False)

    op.create_table('district_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_district_posts_author_id_users')),
    sa.ForeignKeyConstraint(['thread_id'], ['district_threads.id'], name=op.f('fk_district_posts_thread_id_district_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_posts'))
    )
    with op.batch_alter_table('district_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_posts_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_district_posts_thread_id_id', ['thread_id', 'id'], unique=False)

    op.create_table('experience_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('category', sa.Enum('sanitation', 'parking', 'property_service', 'repairs', 'greening', 'safety', 'elderly_care', 'neighbour_dispute', 'facilities', 'other', name='case_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(topic_id IS NULL) <> (thread_id IS NULL)', name=op.f('ck_experience_cases_topic_or_thread')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_experience_cases_community_id_communities')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_experience_cases_district_id_districts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_experience_cases_marked_by_id_users')),
    sa.ForeignKeyConstraint(['thread_id'], ['district_threads.id'], name=op.f('fk_experience_cases_thread_id_district_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_experience_cases_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experience_cases')),
    sa.UniqueConstraint('thread_id', name=op.f('uq_experience_cases_thread_id')),
    sa.UniqueConstraint('topic_id', name=op.f('uq_experience_cases_topic_id'))
    )
    with op.batch_alter_table('experience_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experience_cases_category'), ['category'], unique=False)
        batch_op.create_index('ix_experience_cases_district_created', ['district_id', 'created_at'], unique=False)

    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_communities_district_id'), ['district_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_communities_district_id_districts'), 'districts', ['district_id'], ['id'])



def downgrade():
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_communities_district_id_districts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_communities_district_id'))
        batch_op.drop_column('district_id')

    with op.batch_alter_table('experience_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_experience_cases_district_created')
        batch_op.drop_index(batch_op.f('ix_experience_cases_category'))

    op.drop_table('experience_cases')
    with op.batch_alter_table('district_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_district_posts_thread_id_id')
        batch_op.drop_index(batch_op.f('ix_district_posts_author_id'))

    op.drop_table('district_posts')
    with op.batch_alter_table('district_threads', schema=None) as batch_op:
        batch_op.drop_index('ix_district_threads_district_activity')
        batch_op.drop_index(batch_op.f('ix_district_threads_author_id'))

    op.drop_table('district_threads')
    with op.batch_alter_table('district_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_district_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_district_staff_district_id'))

    op.drop_table('district_staff')
    op.drop_table('districts')
