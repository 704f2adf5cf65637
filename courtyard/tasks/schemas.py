"""Response models of tasks, escalations and the service policy: what
courtyard/tasks/payloads.py and the task routes build."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Out
from ..deliberation.models import Category
from ..deliberation.schemas import AuthorOut, PhotoOut
from ..places.models import OrgKind
from .models import EscalationTarget, Score, TaskStatus, UpdateKind

Id = int
# Query parameters the query models read as text for the services to check (doc(params=...)).
TASK_PARAMS = {"status": TaskStatus, "org_id": Id, "courtyard_id": Id, "topic_id": Id}


class OrgRef(Out):
    id: int
    name: str
    kind: OrgKind


class TaskTopicRef(Out):
    id: int
    title: str
    author_id: int


class RatingCounts(Out):
    satisfied: int
    basically_satisfied: int
    unsatisfied: int


class EscalationOut(Out):
    id: int
    task_id: int
    level: Literal[1, 2]
    target: EscalationTarget
    target_name: str
    community_id: int | None
    organization: OrgRef | None
    reason: str | None = Field(description="Null when the service clock raised it")
    automatic: bool
    raised_by: AuthorOut | None
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: AuthorOut | None
    acknowledgement: str | None
    hours_to_acknowledge: float | None


class TimelineEntryOut(Out):
    id: int
    kind: UpdateKind
    author: AuthorOut | None = Field(description="Null for the service clock")
    from_status: TaskStatus | None
    to_status: TaskStatus | None
    note: str | None
    escalation_id: int | None
    photos: list[PhotoOut]
    created_at: datetime


class TaskOut(Out):
    """A task in a list: without its timeline and escalations."""

    id: int
    topic_id: int
    proposal_id: int | None
    courtyard_id: int
    community_id: int
    title: str
    category: Category
    status: TaskStatus
    assignee_org: OrgRef
    assignee_org_id: int
    topic: TaskTopicRef
    created_by: AuthorOut
    created_at: datetime
    updated_at: datetime
    due_at: datetime
    accepted_at: datetime | None
    started_at: datetime | None
    done_at: datetime | None
    verified_at: datetime | None
    overdue: bool
    escalation_level: Literal[0, 1, 2]
    ratings: RatingCounts
    seq: int = Field(description="Grows with every change: keep the task with the highest")


class TaskDetailOut(TaskOut):
    """A task with its timeline and escalations."""

    timeline: list[TimelineEntryOut]
    escalations: list[EscalationOut]


class TaskAbilities(Out):
    work: bool
    note: bool
    verify: bool
    rate: bool
    escalate: bool


class MyTaskOut(TaskDetailOut):
    """A task as the caller sees it: with their rating and what they may do."""

    my_rating: Score | None
    can: TaskAbilities


class ServiceTimeOut(Out):
    category: Category
    own: bool = Field(description="Set by this community (or the street) itself, not inherited")
    hours: int


class PolicyOut(Out):
    community_id: int | None = Field(description="Null for the street's defaults")
    source: Literal["community", "street", "initial"]
    reminder_hours: int
    level1_after_hours: int
    level2_after_hours: int
    level2_org_id: int | None
    service_hours: list[ServiceTimeOut]

