"""The schema comes only from migrations: upgrading to head yields exactly the models' schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from courtyard.extensions import db
from courtyard.search.schema import include_object


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}), db.metadata)
    assert diff == []


def test_init_db_is_safe_to_repeat(app):
    from flask_migrate import upgrade
    upgrade()
    upgrade()
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
