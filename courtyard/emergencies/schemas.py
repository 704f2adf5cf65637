"""Response models of notices, households and visits: what courtyard/emergencies/payloads.py builds."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ..api.schemas import Out
from ..deliberation.schemas import AuthorOut
from .models import FlagKind, NoticeKind, NoticeStatus, NoticeUpdateKind, VisitOutcome

# Query parameters the query model reads as text for the services to check (doc(params=...)).
NOTICE_PARAMS = {"status": NoticeStatus, "courtyard_id": int}


class NoticeUpdateOut(Out):
    id: int
    kind: NoticeUpdateKind
    text: str = Field(description="Empty when a notice was resolved without a word")
    at: datetime
    author: AuthorOut


class CourtyardRef(Out):
    id: int
    name: str


class NoticeOut(Out):
    id: int
    community_id: int
    kind: NoticeKind = Field(description="water 停水, heating 停暖, power 停电, gas 停气, lift 电梯停运, other 其他")
    title: str
    body: str
    status: NoticeStatus
    started_at: datetime
    expected_end_at: datetime | None
    resolved_at: datetime | None
    courtyard_ids: list[int]
    courtyards: list[CourtyardRef]
    created_by: AuthorOut
    updates: list[NoticeUpdateOut] = Field(description="The timeline, oldest first: posted, updates, resolved")


class UnitRef(Out):
    id: int
    label: str


class FlagOut(Out):
    kind: FlagKind = Field(description="living_alone 独居, empty_nest 空巢, limited_mobility 行动不便")
    note: str | None
    set_by: AuthorOut
    set_at: datetime


class FlaggedHouseholdOut(Out):
    unit: UnitRef
    courtyard_id: int
    flags: list[FlagOut]


class VisitOut(Out):
    id: int
    notice_id: int
    unit: UnitRef
    outcome: VisitOutcome
    note: str | None
    visited_by: AuthorOut
    visited_at: datetime


class ChecklistItemOut(Out):
    unit: UnitRef
    courtyard: CourtyardRef
    flags: list[FlagOut]
    visit: VisitOut | None = Field(description="Null until the flat is visited")


class ChecklistCounts(Out):
    total: int
    visited: int
    needs_help: int


class ChecklistOut(Out):
    notice_id: int
    status: NoticeStatus
    counts: ChecklistCounts
    items: list[ChecklistItemOut]
