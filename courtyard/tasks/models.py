"""Tasks (任务): a decision handed to an organization, worked in the open, accepted by residents.

A task belongs to the topic it came from (and to the adopted proposal, if it came from a
ballot). Its history is the list of TaskUpdate rows — the timeline everyone sees. The
service clock (due date, reminder, overdue, escalation) is driven by policy rows that
each community can edit (TaskPolicy, ServiceTime), with street-wide defaults in the rows
whose community_id is NULL.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..dbtypes import UTCDateTime, created_at_column, str_enum
from ..deliberation.models import Category, Topic
from ..extensions import db
from ..places.models import Community, Courtyard, Organization


class TaskStatus(str, enum.Enum):
    assigned = "assigned"
    accepted = "accepted"
    in_progress = "in_progress"
    done = "done"
    verified = "verified"
    reopened = "reopened"


class UpdateKind(str, enum.Enum):
    created = "created"          # dispatched to the organization
    status = "status"            # the organization moved it forward
    note = "note"                # a progress note (with photos, perhaps)
    verified = "verified"        # accepted by a resident side
    reopened = "reopened"        # not accepted: back to the organization
    escalated = "escalated"      # 吹哨: by hand or by the service clock
    acknowledged = "acknowledged"  # 报到: the receiving side answered the whistle


class Score(str, enum.Enum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    unsatisfied = "unsatisfied"


class EscalationTarget(str, enum.Enum):
    community = "community"          # level 1: the community's staff
    street = "street"                # level 2: the street's administrators
    organization = "organization"    # level 2: a city department


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.Index("ix_tasks_org_status", "assignee_org_id", "status"),
        sa.Index("ix_tasks_status_due_at", "status", "due_at"),
        sa.CheckConstraint("escalation_level BETWEEN 0 AND 2", name="escalation_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposals.id"), index=True)
    courtyard_id: Mapped[int] = mapped_column(sa.ForeignKey("courtyards.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    assignee_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    title: Mapped[str] = mapped_column(sa.String(100))
    # The topic's category when the task was made: it chose the service time.
    category: Mapped[Category] = mapped_column(str_enum(Category, "task_category"))
    status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus, "task_status"), default=TaskStatus.assigned)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set once by whichever process sent them (a conditional UPDATE): never twice.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalation_level: Mapped[int] = mapped_column(default=0)
    # Grows with every change; every change is a conditional UPDATE on the status it saw.
    seq: Mapped[int] = mapped_column(default=0)

    topic: Mapped[Topic] = relationship()
    courtyard: Mapped[Courtyard] = relationship()
    community: Mapped[Community] = relationship()
    assignee_org: Mapped[Organization] = relationship()
    created_by: Mapped[User] = relationship()
    updates: Mapped[list[TaskUpdate]] = relationship(back_populates="task", order_by="TaskUpdate.id")
    escalations: Mapped[list[Escalation]] = relationship(back_populates="task", order_by="Escalation.id")


class TaskUpdate(db.Model):
    """One line of a task's timeline: who, when, what changed, a note, photos."""

    __tablename__ = "task_updates"
    __table_args__ = (sa.Index("ix_task_updates_task_id_id", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: the service clock
    kind: Mapped[UpdateKind] = mapped_column(str_enum(UpdateKind, "task_update_kind"))
    from_status: Mapped[TaskStatus | None] = mapped_column(str_enum(TaskStatus, "task_update_from"))
    to_status: Mapped[TaskStatus | None] = mapped_column(str_enum(TaskStatus, "task_update_to"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    escalation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("task_escalations.id"))
    created_at: Mapped[datetime] = created_at_column()

    task: Mapped[Task] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
    escalation: Mapped[Escalation | None] = relationship()
    photos: Mapped[list[TaskPhoto]] = relationship(back_populates="update", order_by="TaskPhoto.position",
                                                   cascade="all, delete-orphan")


class TaskPhoto(db.Model):
    __tablename__ = "task_photos"
    __table_args__ = (sa.UniqueConstraint("update_id", "upload_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(sa.ForeignKey("task_updates.id", ondelete="CASCADE"), index=True)
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("uploads.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    update: Mapped[TaskUpdate] = relationship(back_populates="photos")


class TaskRating(db.Model):
    """满意 / 基本满意 / 不满意: one per member per task (a constraint), changeable."""

    __tablename__ = "task_ratings"
    __table_args__ = (sa.UniqueConstraint("task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[Score] = mapped_column(str_enum(Score, "task_score"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


class Escalation(db.Model):
    """吹哨: a task handed up to the community (level 1), the street or a department (level 2).

    The receiving side acknowledges it (报到); acknowledged_at − created_at is the time it took.
    """

    __tablename__ = "task_escalations"
    __table_args__ = (
        sa.CheckConstraint("level IN (1, 2)", name="level_one_or_two"),
        sa.CheckConstraint("(target = 'organization') = (organization_id IS NOT NULL)", name="org_target"),
        sa.CheckConstraint("(target = 'community') = (community_id IS NOT NULL)", name="community_target"),
        sa.CheckConstraint("automatic OR raised_by_id IS NOT NULL", name="raised_by_someone"),
        sa.Index("ix_task_escalations_pending", "target", "acknowledged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column()
    target: Mapped[EscalationTarget] = mapped_column(str_enum(EscalationTarget, "escalation_target"))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    reason: Mapped[str | None] = mapped_column(sa.Text)  # None when the service clock raised it
    automatic: Mapped[bool] = mapped_column(default=False)
    raised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    acknowledgement: Mapped[str | None] = mapped_column(sa.Text)

    task: Mapped[Task] = relationship(back_populates="escalations")
    community: Mapped[Community | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])


class TaskPolicy(db.Model):
    """The service clock's policy of one community; the row with community_id NULL is the street's default.

    Hours are whole hours. `reminder_hours` before the due date the organization is
    reminded (0: no reminder); `level1_after_hours` after the due date the task goes to the
    community by itself, `level2_after_hours` after it to the street — or to
    `level2_org_id`, a department, when set.
    """

    __tablename__ = "task_policies"
    __table_args__ = (
        sa.UniqueConstraint("community_id"),
        # One street default: NULLs never collide in a UNIQUE, so the default is marked as such.
        sa.CheckConstraint("street_default = (community_id IS NULL)", name="street_default_has_no_community"),
        sa.Index("uq_task_policies_street", "street_default", unique=True,
                 sqlite_where=sa.text("street_default"), postgresql_where=sa.text("street_default")),
        sa.CheckConstraint("reminder_hours >= 0", name="reminder_not_negative"),
        sa.CheckConstraint("level1_after_hours >= 0 AND level2_after_hours > level1_after_hours",
                           name="levels_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"))
    street_default: Mapped[bool] = mapped_column(default=False)
    reminder_hours: Mapped[int] = mapped_column()
    level1_after_hours: Mapped[int] = mapped_column()
    level2_after_hours: Mapped[int] = mapped_column()
    level2_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    updated_at: Mapped[datetime] = created_at_column()
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    level2_org: Mapped[Organization | None] = relationship()


class ServiceTime(db.Model):
    """How many hours a task of a category is given (服务时限); community_id NULL: the street's default."""

    __tablename__ = "community_service_times"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "category"),
        sa.Index("uq_community_service_times_street", "category", unique=True,
                 sqlite_where=sa.text("community_id IS NULL"), postgresql_where=sa.text("community_id IS NULL")),
        sa.CheckConstraint("hours > 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    category: Mapped[Category] = mapped_column(str_enum(Category, "service_time_category"))
    hours: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = created_at_column()
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
