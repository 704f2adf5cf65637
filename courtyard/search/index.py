"""Writing the index: one entry per topic and per message.

`add_topic` and `add_message` are what the listeners call (one INSERT each, in the act's
transaction). `backfill` writes the entries of every topic and message in bulk, reading the
tables in id order a batch at a time; it works on a plain Connection with table definitions
of its own, so migration 0011 can call it as well as `rebuild` (flask search-reindex, flask
seed-scale). On SQLite the FTS5 table follows search_entries through its triggers.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import EntryKind, SearchEntry
from .schema import FTS_TABLE, SQLITE_DELETE_TRIGGER
from .tokens import chars

BATCH = 1000  # rows read at a time

_entries = sa.table("search_entries", sa.column("id"), sa.column("kind"), sa.column("topic_id"), sa.column("message_id"),
                    sa.column("courtyard_id"), sa.column("chars"), sa.column("created_at"))
_topics = sa.table("topics", sa.column("id"), sa.column("courtyard_id"), sa.column("title"), sa.column("body"),
                   sa.column("created_at"))
_messages = sa.table("messages", sa.column("id"), sa.column("topic_id"), sa.column("body"),
                     sa.column("created_at"))


def topic_chars(title: str, body: str) -> str:
    return chars(f"{title}\n{body}")


def add_topic(topic) -> None:
    """The topic's entry, in the current transaction (topic flushed)."""
    db.session.execute(sa.insert(SearchEntry.__table__).values(
        kind=EntryKind.topic.value, topic_id=topic.id, message_id=None, courtyard_id=topic.courtyard_id,
        chars=topic_chars(topic.title, topic.body), created_at=topic.created_at))


def add_message(topic, message) -> None:
    """The message's entry, in the current transaction (message flushed)."""
    db.session.execute(sa.insert(SearchEntry.__table__).values(
        kind=EntryKind.message.value, topic_id=topic.id, message_id=message.id, courtyard_id=topic.courtyard_id,
        chars=chars(message.body), created_at=message.created_at))


def _insert(conn, rows: list[dict]) -> None:
    """An executemany that SQLAlchemy sends as multi-row INSERTs ("insertmanyvalues", used with
    RETURNING): one statement compiled once, not a VALUES list of thousands of parameters
    compiled per batch (most of the time) nor, on pg8000, one round trip per row."""
    if rows:
        conn.execute(sa.insert(_entries).returning(_entries.c.id), rows).all()


def backfill(conn) -> int:
    """Entries for every topic and message (search_entries must be empty); returns how many."""
    n, last = 0, 0
    courtyard_of: dict[int, int] = {}
    while True:
        rows = conn.execute(sa.select(_topics).where(_topics.c.id > last).order_by(_topics.c.id)
                            .limit(BATCH)).all()
        if not rows:
            break
        for r in rows:
            courtyard_of[r.id] = r.courtyard_id
        _insert(conn, [{"kind": "topic", "topic_id": r.id, "message_id": None, "courtyard_id": r.courtyard_id,
                        "chars": topic_chars(r.title, r.body), "created_at": r.created_at} for r in rows])
        n, last = n + len(rows), rows[-1].id
    last = 0
    while True:
        rows = conn.execute(sa.select(_messages).where(_messages.c.id > last).order_by(_messages.c.id)
                            .limit(BATCH)).all()
        if not rows:
            break
        _insert(conn, [{"kind": "message", "topic_id": r.topic_id, "message_id": r.id,
                        "courtyard_id": courtyard_of[r.topic_id], "chars": chars(r.body),
                        "created_at": r.created_at} for r in rows])
        n, last = n + len(rows), rows[-1].id
    return n


def rebuild() -> int:
    """Empty the index and write it anew from the topics and messages (one transaction,
    committed); returns the number of entries."""
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        # The triggers would delete from the FTS table row by row: empty both at once instead.
        conn.execute(sa.text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')"))
        conn.execute(sa.text("DROP TRIGGER IF EXISTS search_entries_ad"))
        conn.execute(sa.delete(_entries))
        conn.execute(sa.text(SQLITE_DELETE_TRIGGER))
    else:
        conn.execute(sa.delete(_entries))
    n = backfill(conn)
    if conn.dialect.name == "sqlite":
        conn.execute(sa.text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))
    db.session.commit()
    analyze(db.session.connection())
    db.session.commit()
    return n


def analyze(conn) -> None:
    """The planner's statistics of the index, after writing it in bulk: without them PostgreSQL
    takes a common word for a rare one (3 rows for 35,000) and plans the search for that."""
    conn.execute(sa.text("ANALYZE search_entries"))
