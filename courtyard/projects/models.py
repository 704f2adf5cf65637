"""The street's project pool (民生项目池): problems too big for one courtyard, worked as projects.

A Project is a piece of work the street takes on — often an escalated task (吹哨报到 to the
street) or a topic the street picks: a title, a summary, the department that leads it (an
Organization of kind department: the responsible force), a budget (amount in CNY and its
source) and a status. Its milestones (ProjectMilestone) are ticked by the department's
staff, its timeline (ProjectUpdate) says what happened, and its links (ProjectLink) name the
topics and tasks it answers: the residents of every linked courtyard follow its progress.

A link made by community staff is *proposed* (confirmed_at NULL) until a street
administrator confirms it; only confirmed links make a project visible to a courtyard.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..dbtypes import UTCDateTime, created_at_column, str_enum
from ..deliberation.models import Topic
from ..extensions import db
from ..places.models import Courtyard, Organization
from ..tasks.models import Task


class ProjectStatus(str, enum.Enum):
    proposed = "proposed"
    approved = "approved"
    in_progress = "in_progress"
    completed = "completed"
    cancelled = "cancelled"


STATUS_LABELS = {
    ProjectStatus.proposed: _l("Proposed"),
    ProjectStatus.approved: _l("Approved"),
    ProjectStatus.in_progress: _l("Under way"),
    ProjectStatus.completed: _l("Finished"),
    ProjectStatus.cancelled: _l("Cancelled"),
}


class BudgetSource(str, enum.Enum):
    street_fund = "street_fund"              # 街道民生资金
    district_finance = "district_finance"    # 区财政
    maintenance_fund = "maintenance_fund"    # 专项维修资金
    property = "property"                    # 物业
    residents = "residents"                  # 居民自筹
    other = "other"                          # 其他


SOURCE_LABELS = {
    BudgetSource.street_fund: _l("Street livelihood fund"),
    BudgetSource.district_finance: _l("District finance"),
    BudgetSource.maintenance_fund: _l("Special maintenance fund"),
    BudgetSource.property: _l("Property company"),
    BudgetSource.residents: _l("Residents' own contribution"),
    BudgetSource.other: _l("Other"),
}


class ProjectUpdateKind(str, enum.Enum):
    created = "created"      # taken into the pool
    status = "status"        # approved, started, completed, cancelled
    progress = "progress"    # a progress note from the department or the street
    milestone = "milestone"  # a milestone was reached


class Project(db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        sa.CheckConstraint("budget_amount >= 0", name="budget_not_negative"),
        sa.CheckConstraint("(status = 'completed') = (completed_at IS NOT NULL)", name="completed_when_completed"),
        sa.Index("ix_projects_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    owner_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    budget_amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), default=Decimal(0))
    budget_source: Mapped[BudgetSource] = mapped_column(str_enum(BudgetSource, "project_budget_source"))
    budget_note: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[ProjectStatus] = mapped_column(str_enum(ProjectStatus, "project_status"),
                                                  default=ProjectStatus.proposed)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seq: Mapped[int] = mapped_column(default=0)  # grows with every change: clients keep the newest

    owner_org: Mapped[Organization] = relationship()
    created_by: Mapped[User] = relationship()
    milestones: Mapped[list[ProjectMilestone]] = relationship(
        back_populates="project", order_by="(ProjectMilestone.position, ProjectMilestone.id)",
        cascade="all, delete-orphan")
    updates: Mapped[list[ProjectUpdate]] = relationship(back_populates="project", order_by="ProjectUpdate.id",
                                                        cascade="all, delete-orphan")
    links: Mapped[list[ProjectLink]] = relationship(back_populates="project", order_by="ProjectLink.id",
                                                    cascade="all, delete-orphan")


class ProjectMilestone(db.Model):
    """One step of a project (立项批复, 施工进场, 竣工验收 …): reached when done_at is set."""

    __tablename__ = "project_milestones"
    __table_args__ = (sa.Index("ix_project_milestones_project_position", "project_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(100))
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    position: Mapped[int] = mapped_column(default=0)

    project: Mapped[Project] = relationship(back_populates="milestones")
    done_by: Mapped[User | None] = relationship()


class ProjectUpdate(db.Model):
    """One line of a project's timeline, oldest first."""

    __tablename__ = "project_updates"
    __table_args__ = (sa.Index("ix_project_updates_project_id_id", "project_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[ProjectUpdateKind] = mapped_column(str_enum(ProjectUpdateKind, "project_update_kind"))
    from_status: Mapped[ProjectStatus | None] = mapped_column(str_enum(ProjectStatus, "project_update_from"))
    to_status: Mapped[ProjectStatus | None] = mapped_column(str_enum(ProjectStatus, "project_update_to"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    project: Mapped[Project] = relationship(back_populates="updates")
    author: Mapped[User] = relationship()


class ProjectLink(db.Model):
    """A topic, or a task (and with it its topic), that a project answers.

    topic_id is always set (a task's link names the task's topic too), courtyard_id is the
    topic's courtyard: who may follow the project is one join away. One link per project and
    target: a task once (UNIQUE), a topic once without a task (a partial UNIQUE index).
    """

    __tablename__ = "project_links"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "task_id"),
        sa.Index("uq_project_links_topic", "project_id", "topic_id", unique=True,
                 sqlite_where=sa.text("task_id IS NULL"), postgresql_where=sa.text("task_id IS NULL")),
        sa.Index("ix_project_links_courtyard_confirmed", "courtyard_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    courtyard_id: Mapped[int] = mapped_column(sa.ForeignKey("courtyards.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: proposed by community staff

    project: Mapped[Project] = relationship(back_populates="links")
    topic: Mapped[Topic] = relationship()
    task: Mapped[Task | None] = relationship()
    courtyard: Mapped[Courtyard] = relationship()
    created_by: Mapped[User] = relationship()
