"""Response models of the notification centre: what courtyard/notifications/payloads.py builds."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ..api.schemas import Out


class NotificationOut(Out):
    id: int
    kind: str = Field(description="reply, status, invitation, membership_approved, task_…")
    text: str = Field(description="The sentence, in the caller's language")
    url: str | None
    topic_id: int | None
    created_at: datetime
    read: bool
    count: int = Field(ge=1, description="Replies folded into this one")


class UnreadCountOut(Out):
    unread: int


class ReadAllOut(Out):
    updated: int
    unread: int


class MuteOut(Out):
    topic_id: int
    muted: bool
