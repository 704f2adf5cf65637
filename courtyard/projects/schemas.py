"""Response models of projects, milestones and links: what courtyard/projects/payloads.py builds."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from ..api.schemas import Out
from ..deliberation.schemas import AuthorOut
from .models import BudgetSource, ProjectStatus, ProjectUpdateKind

# Query parameters the query model reads as text for the services to check (doc(params=...)).
PROJECT_PARAMS = {"status": ProjectStatus, "org_id": int, "community_id": int}


class OwnerOut(Out):
    id: int
    name: str


class BudgetOut(Out):
    amount: str = Field(description="Yuan, exact, two decimal places (\"480000.00\")")
    currency: str = Field(description="Always CNY")
    source: BudgetSource = Field(description="street_fund 街道民生资金, district_finance 区财政, maintenance_fund "
                                             "专项维修资金, property 物业, residents 居民自筹, other 其他")
    note: str = Field(description="How the money is made up, e.g. 区财政补贴 24 万 + 居民自筹 6 万")


class ProgressOut(Out):
    done: int
    total: int
    percent: int | None = Field(description="Milestones reached, rounded down; null without milestones")


class MilestoneOut(Out):
    id: int
    title: str
    due_on: date | None
    done: bool
    done_at: datetime | None
    note: str
    position: int


class ProjectUpdateOut(Out):
    id: int
    kind: ProjectUpdateKind
    from_status: ProjectStatus | None
    to_status: ProjectStatus | None
    text: str
    at: datetime
    author: AuthorOut


class LinkOut(Out):
    id: int
    project_id: int
    topic_id: int
    task_id: int | None = Field(description="Set when the link is to a task (its topic is topic_id)")
    courtyard_id: int
    confirmed: bool = Field(description="False while a link proposed by community staff waits for the street")
    created_at: datetime


class ProjectOut(Out):
    id: int
    title: str
    summary: str
    status: ProjectStatus = Field(description="proposed → approved → in_progress → completed; or cancelled")
    owner_org: OwnerOut = Field(description="The department that leads the project")
    budget: BudgetOut
    progress: ProgressOut
    milestones: list[MilestoneOut]
    links: list[LinkOut]
    courtyard_ids: list[int] = Field(description="The courtyards of the confirmed links: whose residents follow it")
    updates: list[ProjectUpdateOut] = Field(description="The timeline, oldest first")
    created_by: AuthorOut
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    seq: int = Field(description="Grows with every change: keep the highest")
