"""未诉先办 actions: a recurring problem that staff turned into a topic (and perhaps a task) of their own."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, created_at_column, str_enum
from ..deliberation.models import Category, Topic
from ..extensions import db

__all__ = ["MonthlyProject", "ProactiveAction"]


class ProactiveAction(db.Model):
    """One act of 未诉先办: the topics that kept coming back, and the topic (and task) made of them.

    The made topic is staff's own, so the detector leaves it out; the source topics stay
    in the figures and are shown as already acted on.
    """

    __tablename__ = "insight_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(sa.ForeignKey("courtyards.id"), index=True)
    category: Mapped[Category] = mapped_column(str_enum(Category, "insight_action_category"))
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id"), unique=True)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"))
    source_topic_ids: Mapped[list] = mapped_column(sa.JSON)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    topic: Mapped[Topic] = relationship()


class MonthlyProject(db.Model):
    """A community's 主动治理 project of one month, chosen on the 书记办公日 (issue 12 part 3).

    Its discussion is a topic the staff raised in one courtyard (deliberation), into which the
    departments that must "answer the question" were invited (进院解题); its outcome, once
    recorded, stands on the community's 公示栏. One per community and month.
    """

    __tablename__ = "insight_monthly_projects"
    __table_args__ = (sa.UniqueConstraint("community_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    month: Mapped[str] = mapped_column(sa.String(7))  # 2026-12, Beijing time
    courtyard_id: Mapped[int] = mapped_column(sa.ForeignKey("courtyards.id"))
    category: Mapped[Category] = mapped_column(str_enum(Category, "insight_monthly_category"))
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id"), unique=True)
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    topic: Mapped[Topic] = relationship()


# Indexes the figures need at street scale (bench/insight.py; docs/performance.md). They are on
# other domains' tables, declared here beside their one reader so that the reason stays with them.
from ..tasks.models import Task  # noqa: E402

sa.Index("ix_topics_created_at", Topic.__table__.c.created_at)
sa.Index("ix_tasks_created_at", Task.__table__.c.created_at)
sa.Index("ix_tasks_community_id_created_at", Task.__table__.c.community_id, Task.__table__.c.created_at)
