"""Response models of topics, messages and moderation: what courtyard/deliberation/payloads.py
and the moderation routes build."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, RootModel

from ..api.schemas import Out
from ..places.models import OrgKind
from .models import Category, CategoryClass, Place, TopicStatus

# Query parameters the query models read as text for the services to check (doc(params=...)).
TOPIC_PARAMS = {"status": TopicStatus, "category": Category}
MESSAGE_PARAMS = {"after": Annotated[int, Field(ge=0, description="A message id (default 0)")],
                  "limit": Annotated[int, Field(ge=1, le=500, description="Default 100")]}


class AuthorOut(Out):
    id: int
    display_name: str


class PhotoOut(Out):
    id: int
    url: str


class CategoryOut(Out):
    code: Category
    label: str = Field(description="In the caller's language")


class CategoriesOut(RootModel[list[CategoryOut]]):
    """Every topic category."""


class ClassOut(Out):
    code: CategoryClass
    label: str = Field(description="In the caller's language")
    categories: list[Category] = Field(description="The categories of this class (each category is in one class)")


class ClassesOut(RootModel[list[ClassOut]]):
    """The five classes of 判."""


class PlaceOut(Out):
    code: Place | None = Field(description="Where in or around the building; null with only a note")
    label: str | None = Field(description="In the caller's language")
    note: str | None


class LocationOut(Out):
    lat: float = Field(ge=-90, le=90, description="WGS-84 degrees")
    lng: float = Field(ge=-180, le=180)


class TopicOut(Out):
    id: int
    courtyard_id: int
    title: str
    body: str
    category: Category
    status: TopicStatus
    locked: bool
    pinned: bool
    merged_into_id: int | None
    author: AuthorOut
    place: PlaceOut | None = Field(description="Null when the author did not say where")
    location: LocationOut | None = Field(description="An optional map point")
    support_count: int
    message_count: int
    photos: list[PhotoOut]
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime


class MyTopicOut(TopicOut):
    supported: bool = Field(description="Whether the caller said 我也遇到")


class BadgeOut(Out):
    kind: Literal["property", "department", "community"]
    name: str


class MessageOut(Out):
    id: int
    topic_id: int
    author: AuthorOut
    body: str = Field(description="Empty while the message is hidden")
    client_id: str
    badge: BadgeOut | None = Field(description="For staff of an organization or the community")
    hidden: bool
    created_at: datetime


class TopicRef(Out):
    id: int
    title: str


class ReportOut(Out):
    id: int
    message: MessageOut = Field(description="With its body, hidden or not")
    topic: TopicRef
    reporter: AuthorOut | None
    reason: str | None
    resolved: bool
    resolved_at: datetime | None
    created_at: datetime


class MyReportOut(Out):
    id: int
    message_id: int
    reason: str | None
    resolved: bool
    created_at: datetime


class InvitedOrganization(Out):
    id: int
    name: str
    kind: OrgKind


class InvitedCommunity(Out):
    id: int
    name: str


class InvitationOut(Out):
    id: int
    topic_id: int
    organization: InvitedOrganization | None
    community: InvitedCommunity | None
    invited_by: AuthorOut | None
    created_at: datetime


class BlockedWordOut(Out):
    id: int
    word: str
    created_at: datetime
