"""monthly 主动治理 projects of the communities

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:20:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CATEGORIES = ('sanitation', 'parking', 'property_service', 'repairs', 'greening', 'safety', 'elderly_care',
              'neighbour_dispute', 'facilities', 'other')


def upgrade():
    op.create_table('insight_monthly_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('courtyard_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum(*CATEGORIES, name='insight_monthly_category', native_enum=False,
                                  create_constraint=True, length=32), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('outcome_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_monthly_projects_community_id_communities')),
    sa.ForeignKeyConstraint(['courtyard_id'], ['courtyards.id'], name=op.f('fk_insight_monthly_projects_courtyard_id_courtyards')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_insight_monthly_projects_created_by_id_users')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_insight_monthly_projects_topic_id_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_monthly_projects')),
    sa.UniqueConstraint('community_id', 'month', name=op.f('uq_insight_monthly_projects_community_id_month')),
    sa.UniqueConstraint('topic_id', name=op.f('uq_insight_monthly_projects_topic_id'))
    )
    with op.batch_alter_table('insight_monthly_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_monthly_projects_community_id'), ['community_id'], unique=False)


def downgrade():
    with op.batch_alter_table('insight_monthly_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_monthly_projects_community_id'))
    op.drop_table('insight_monthly_projects')
