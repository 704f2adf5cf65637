"""Response models of districts, threads, posts and experience cases: what payloads.py builds."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ..api.schemas import Out, sometimes
from ..deliberation.models import Category
from ..deliberation.schemas import AuthorOut
from .models import ThreadStatus

THREAD_PARAMS = {"status": ThreadStatus}
POST_PARAMS = {"after": int}
CASE_PARAMS = {"district_id": int, "category": Category}


class DistrictCommunityOut(Out):
    id: int
    name: str


class DistrictOut(Out):
    id: int
    name: str = Field(description="e.g. 芳古片区")
    station_name: str | None = Field(description="The 片区治理服务站")
    station_address: str | None
    communities: list[DistrictCommunityOut]
    staff: list[AuthorOut] = sometimes("GET /districts/<id> and the admin routes: the station's staff")


class DistrictSourceTopicOut(Out):
    id: int
    title: str
    courtyard_id: int


class DistrictThreadOut(Out):
    id: int
    district_id: int
    title: str
    body: str = Field(description="The opening text; for a raised topic, the reason it was raised")
    category: Category
    status: ThreadStatus
    author: AuthorOut
    community_id: int | None = Field(description="The community whose topic was raised, if any")
    source_topic: DistrictSourceTopicOut | None = Field(description="The community topic raised to the district (吹哨)")
    post_count: int
    created_at: datetime
    last_activity_at: datetime
    resolved_at: datetime | None


class DistrictPostOut(Out):
    id: int
    thread_id: int
    district_id: int
    author: AuthorOut
    body: str
    created_at: datetime


class ExperienceCaseOut(Out):
    id: int
    district_id: int
    district: str
    title: str
    category: Category
    summary: str = Field(description="How it was solved")
    community: DistrictCommunityOut | None
    topic_id: int | None = Field(description="The topic, only for readers who may read it")
    thread_id: int | None
    marked_by: AuthorOut
    created_at: datetime
