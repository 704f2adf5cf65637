"""search: an index of topics and messages (SQLite FTS5, PostgreSQL full text)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:50:00

"""
from alembic import op
import sqlalchemy as sa

import courtyard.dbtypes
from courtyard.search import schema
from courtyard.search.index import analyze, backfill


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('topic', 'message', name='search_entry_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('courtyard_id', sa.Integer(), nullable=False),
    sa.Column('chars', sa.Text(), nullable=False),
    sa.Column('created_at', courtyard.dbtypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['courtyard_id'], ['courtyards.id'], name=op.f('fk_search_entries_courtyard_id_courtyards')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_search_entries_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_search_entries_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries')),
    sa.UniqueConstraint('message_id', name=op.f('uq_search_entries_message_id'))
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entries_courtyard_id'), ['courtyard_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entries_topic_id'), ['topic_id'], unique=False)

    conn = op.get_bind()
    if conn.dialect.name == 'sqlite':
        for statement in schema.SQLITE_CREATE:
            op.execute(statement)
        backfill(conn)  # the triggers fill search_fts
    else:
        backfill(conn)
        for statement in schema.POSTGRES_CREATE:  # the column computed and indexed once, for all rows
            op.execute(statement)
    analyze(conn)


def downgrade():
    conn = op.get_bind()
    for statement in (schema.SQLITE_DROP if conn.dialect.name == 'sqlite' else schema.POSTGRES_DROP):
        op.execute(statement)
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entries_topic_id'))
        batch_op.drop_index(batch_op.f('ix_search_entries_courtyard_id'))

    op.drop_table('search_entries')
