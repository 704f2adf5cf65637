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


PLACES = ("stairwell", "roof", "elevator", "bike_shed", "entrance", "basement", "common_area", "home", "other")


def upgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place', sa.Enum(*PLACES, name='topic_place', native_enum=False,
                                                       create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('place_note', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_topics_point_whole'), '(latitude IS NULL) = (longitude IS NULL)')
        batch_op.create_check_constraint(
            op.f('ck_topics_point_on_earth'),
            'latitude IS NULL OR (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180)')


def downgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_topics_point_on_earth'), type_='check')
        batch_op.drop_constraint(op.f('ck_topics_point_whole'), type_='check')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
        batch_op.drop_column('place_note')
        batch_op.drop_column('place')
