"""未诉先办 actions: a recurring problem that staff turned into a topic (and perhaps a task) of their own."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import created_at_column, str_enum
from ..deliberation.models import Category, Topic
from ..extensions import db

__all__ = ["ProactiveAction"]


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


# Indexes the figures need at street scale (bench/insight.py; docs/performance.md). They are on
# other domains' tables, declared here beside their one reader so that the reason stays with them.
from ..tasks.models import Task  # noqa: E402

sa.Index("ix_topics_created_at", Topic.__table__.c.created_at)
sa.Index("ix_tasks_created_at", Task.__table__.c.created_at)
sa.Index("ix_tasks_community_id_created_at", Task.__table__.c.community_id, Task.__table__.c.created_at)
