"""emergencies: notices to courtyards, their updates, vulnerable households and door-to-door visits

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:50:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('water', 'heating', 'power', 'gas', 'lift', 'other', name='notice_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('active', 'resolved', name='notice_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('started_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('expected_end_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('resolved_at', courtyard.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(status = 'resolved') = (resolved_at IS NOT NULL)", name=op.f('ck_notices_resolved_when_resolved')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_notices_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_notices_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_community_status', ['community_id', 'status'], unique=False)

    op.create_table('notice_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('posted', 'update', 'resolved', name='notice_update_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notice_updates_author_id_users')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_updates_notice_id_notices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_updates'))
    )
    with op.batch_alter_table('notice_updates', schema=None) as batch_op:
        batch_op.create_index('ix_notice_updates_notice_id_id', ['notice_id', 'id'], unique=False)

    op.create_table('household_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('living_alone', 'empty_nest', 'limited_mobility', name='household_flag_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('set_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_household_flags_set_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_household_flags_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_flags')),
    sa.UniqueConstraint('unit_id', 'kind', name=op.f('uq_household_flags_unit_id_kind'))
    )
    with op.batch_alter_table('household_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_flags_unit_id'), ['unit_id'], unique=False)

    op.create_table('notice_courtyards',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('courtyard_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['courtyard_id'], ['courtyards.id'], name=op.f('fk_notice_courtyards_courtyard_id_courtyards')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_courtyards_notice_id_notices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notice_id', 'courtyard_id', name=op.f('pk_notice_courtyards'))
    )
    with op.batch_alter_table('notice_courtyards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_courtyards_courtyard_id'), ['courtyard_id'], unique=False)

    op.create_table('notice_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('ok', 'needs_help', name='visit_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('visited_by_id', sa.Integer(), nullable=False),
    sa.Column('visited_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_visits_notice_id_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_notice_visits_unit_id_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visited_by_id'], ['users.id'], name=op.f('fk_notice_visits_visited_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_visits')),
    sa.UniqueConstraint('notice_id', 'unit_id', name=op.f('uq_notice_visits_notice_id_unit_id'))
    )
    with op.batch_alter_table('notice_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_visits_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_visits_unit_id'), ['unit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('notice_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_visits_unit_id'))
        batch_op.drop_index(batch_op.f('ix_notice_visits_notice_id'))

    op.drop_table('notice_visits')
    with op.batch_alter_table('notice_courtyards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_courtyards_courtyard_id'))

    op.drop_table('notice_courtyards')
    with op.batch_alter_table('household_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_flags_unit_id'))

    op.drop_table('household_flags')
    with op.batch_alter_table('notice_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_updates_notice_id_id')

    op.drop_table('notice_updates')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_community_status')

    op.drop_table('notices')
