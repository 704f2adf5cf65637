"""The search index: one row per topic and per message, holding its text in the index form.

The full-text machinery is not in the models (migration 0011 makes it): on SQLite the FTS5
table `search_fts` over `chars` (external content, kept in step by triggers); on PostgreSQL
the generated column `search_entries.tsv` and its GIN index. `schema.include_object` keeps
those objects out of Alembic's comparison with these models.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import created_at_column, str_enum
from ..extensions import db


class EntryKind(str, enum.Enum):
    topic = "topic"
    message = "message"


class SearchEntry(db.Model):
    """A topic (its title and body) or a message (its body), as `tokens.chars` writes it.

    Who may read it is never stored here: the search asks deliberation's permissions, and
    whether a message is hidden, when it runs."""

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, "search_entry_kind"))
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"), unique=True)
    courtyard_id: Mapped[int] = mapped_column(sa.ForeignKey("courtyards.id"), index=True)
    chars: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = created_at_column()
