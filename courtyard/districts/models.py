"""The district courtyard (片区议事): the 片区治理服务站's staff, threads, posts and experience cases.

A District (courtyard/places/models.py: a place, between the street and its communities)
has its own staff (DistrictStaff). Its courtyard is a forum of DistrictThread rows — raised
from a community's topic (吹哨 to the district: `source_topic_id`, one thread per topic, a
UNIQUE constraint) or started by a member — each with its DistrictPost rows. An
ExperienceCase (经验案例) marks a solved topic of the district's communities, or a resolved
thread, as an example for every community, with a short summary of how it was solved; a
topic or thread is a case at most once (UNIQUE), and a case names exactly one of them (CHECK).
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..dbtypes import UTCDateTime, created_at_column, str_enum
from ..deliberation.models import Category, Topic
from ..extensions import db
from ..places.models import Community, District


class ThreadStatus(str, enum.Enum):
    open = "open"
    resolved = "resolved"


THREAD_STATUS_LABELS = {ThreadStatus.open: _l("Under discussion"), ThreadStatus.resolved: _l("Resolved")}


class DistrictStaff(db.Model):
    """A seat on the staff of a district's 片区治理服务站."""

    __tablename__ = "district_staff"
    __table_args__ = (sa.UniqueConstraint("district_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    district: Mapped[District] = relationship()
    user: Mapped[User] = relationship()


class DistrictThread(db.Model):
    """A cross-community problem deliberated in the district courtyard."""

    __tablename__ = "district_threads"
    __table_args__ = (
        sa.Index("ix_district_threads_district_activity", "district_id", "last_activity_at"),
        sa.CheckConstraint("(status = 'resolved') = (resolved_at IS NOT NULL)", name="resolved_when_resolved"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[Category] = mapped_column(str_enum(Category, "thread_category"))
    status: Mapped[ThreadStatus] = mapped_column(str_enum(ThreadStatus, "district_thread_status"),
                                                 default=ThreadStatus.open)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"))  # raised from
    source_topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id", ondelete="SET NULL"),
                                                        unique=True)
    post_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at_column()
    last_activity_at: Mapped[datetime] = created_at_column()
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    district: Mapped[District] = relationship()
    author: Mapped[User] = relationship()
    community: Mapped[Community | None] = relationship()
    source_topic: Mapped[Topic | None] = relationship()


class DistrictPost(db.Model):
    """One post of a district thread's discussion."""

    __tablename__ = "district_posts"
    __table_args__ = (sa.Index("ix_district_posts_thread_id_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("district_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = created_at_column()

    thread: Mapped[DistrictThread] = relationship()
    author: Mapped[User] = relationship()


class ExperienceCase(db.Model):
    """经验案例: a solved problem kept as an example, browsable by every community."""

    __tablename__ = "experience_cases"
    __table_args__ = (
        sa.CheckConstraint("(topic_id IS NULL) <> (thread_id IS NULL)", name="topic_or_thread"),
        sa.Index("ix_experience_cases_district_created", "district_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"), unique=True)
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("district_threads.id", ondelete="CASCADE"),
                                                  unique=True)
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"))
    title: Mapped[str] = mapped_column(sa.String(100))
    category: Mapped[Category] = mapped_column(str_enum(Category, "case_category"), index=True)
    summary: Mapped[str] = mapped_column(sa.Text)
    marked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    district: Mapped[District] = relationship()
    topic: Mapped[Topic | None] = relationship()
    thread: Mapped[DistrictThread | None] = relationship()
    community: Mapped[Community | None] = relationship()
    marked_by: Mapped[User] = relationship()
