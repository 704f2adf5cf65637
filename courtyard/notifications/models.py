from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime, created_at_column, str_enum
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


class OutboundStatus(str, enum.Enum):
    queued = "queued"      # waiting for its next_attempt_at (a retry, or the morning after quiet hours)
    sending = "sending"    # claimed by one process (claimed_at), being sent
    sent = "sent"
    failed = "failed"      # refused for good, or out of attempts
    skipped = "skipped"    # nothing to send to any more (no phone, no e-mail address, opted out)


class OutboundMessage(db.Model):
    """One notification to send through one outbound channel: its delivery record.

    Written in the notification's own transaction, so that a committed notification is never
    lost to a crash; sent after the commit and by the `notifications.deliver_due` job
    (outbound.py). `last_error` is our own short word for what went wrong ("HTTP 500",
    "timeout"), never the gateway's text, the phone number or the address.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (sa.Index("ix_outbound_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"),
                                                 index=True)
    channel: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[OutboundStatus] = mapped_column(str_enum(OutboundStatus, "outbound_status"),
                                                   default=OutboundStatus.queued)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ChannelPreference(db.Model):
    """A resident's choice for one opt-in channel (sms, email): no row means off."""

    __tablename__ = "notification_channel_prefs"
    __table_args__ = (sa.UniqueConstraint("user_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(32))
    enabled: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = created_at_column()
