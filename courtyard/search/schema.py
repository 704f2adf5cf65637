"""The database objects of the search that the models do not describe, and the one filter that
keeps them out of Alembic's comparison (courtyard/migrations/env.py, tests/test_migrations.py).

SQLite: the FTS5 table `search_fts` over search_entries.chars (external content: it stores
only the index; its rowid is the entry's id), its shadow tables, and three triggers that keep
it in step with search_entries. PostgreSQL: the generated column search_entries.tsv
(`to_tsvector('simple', chars)`: the 'simple' parser splits at the spaces `tokens.chars`
writes and folds nothing further) and its GIN index. Migration 0011 creates them.
"""
from __future__ import annotations

FTS_TABLE = "search_fts"
TSV_COLUMN = "tsv"
TSV_INDEX = "ix_search_entries_tsv"

SQLITE_DELETE_TRIGGER = f"""CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, chars) VALUES ('delete', old.id, old.chars);
END"""
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(chars, content='search_entries', content_rowid='id')",
    f"""CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
  INSERT INTO {FTS_TABLE}(rowid, chars) VALUES (new.id, new.chars);
END""",
    SQLITE_DELETE_TRIGGER,
    f"""CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, chars) VALUES ('delete', old.id, old.chars);
  INSERT INTO {FTS_TABLE}(rowid, chars) VALUES (new.id, new.chars);
END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS search_entries_au", "DROP TRIGGER IF EXISTS search_entries_ad",
               "DROP TRIGGER IF EXISTS search_entries_ai", f"DROP TABLE IF EXISTS {FTS_TABLE}"]

POSTGRES_CREATE = [
    f"ALTER TABLE search_entries ADD COLUMN {TSV_COLUMN} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', chars)) STORED",
    f"CREATE INDEX {TSV_INDEX} ON search_entries USING gin ({TSV_COLUMN})",
]
POSTGRES_DROP = [f"DROP INDEX IF EXISTS {TSV_INDEX}", f"ALTER TABLE search_entries DROP COLUMN IF EXISTS {TSV_COLUMN}"]


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: False for the search objects made by hand in migration 0011."""
    if type_ == "table" and name and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_")):
        return False
    if type_ == "column" and name == TSV_COLUMN and getattr(obj, "table", None) is not None \
            and obj.table.name == "search_entries":
        return False
    if type_ == "index" and name == TSV_INDEX:
        return False
    return True
