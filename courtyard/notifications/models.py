from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime, created_at_column
from ..extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    courtyard_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courtyards.id"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The sentence in the recipient's language when it was made (pushes, SMS); the centre
    # renders it afresh from `kind` and `data` in the reader's language.
    text: Mapped[str] = mapped_column(sa.String(300))
    url: Mapped[str | None] = mapped_column(sa.String(300))
    # What the sentence is made of: names, the new status, how many replies were coalesced.
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()


class TopicMute(db.Model):
    __tablename__ = "topic_mutes"
    __table_args__ = (sa.UniqueConstraint("topic_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()
