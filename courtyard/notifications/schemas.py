"""Response models of the notification centre: what courtyard/notifications/payloads.py builds."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ..api.schemas import Out


class NotificationStepOut(Out):
    kind: str
    text: str = Field(description="The step's sentence, in the caller's language")
    at: datetime | None


class NotificationOut(Out):
    id: int
    kind: str = Field(description="reply, status, invitation, membership_approved, task_…")
    text: str = Field(description="The sentence, in the caller's language")
    url: str | None
    topic_id: int | None
    created_at: datetime
    read: bool
    count: int = Field(ge=1, description="How many replies or steps this entry gathered")
    group: str | None = Field(description="What its steps are about: task:<id>, topic:<id>, reply:<topic id>; "
                                          "None when it stands alone")
    steps: list[NotificationStepOut] = Field(description="The latest steps it gathered (at most 10), oldest first")


class UnreadCountOut(Out):
    unread: int


class ReadAllOut(Out):
    updated: int
    unread: int


class MuteOut(Out):
    topic_id: int
    muted: bool


class ChannelOut(Out):
    name: str = Field(description="sms or email (only the channels this server is configured with)")
    enabled: bool
    available: bool = Field(description="False when it cannot be turned on (see reason)")
    address: str | None = Field(description="Where it goes: the phone masked (138****5678), the e-mail address")
    reason: str | None = Field(description="Why it is not available: no_phone")


class ChannelSettingsOut(Out):
    channels: list[ChannelOut]
    email_address: str | None = Field(description="The e-mail address e-mails go to")
