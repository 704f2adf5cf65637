from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..dbtypes import UTCDateTime, created_at_column, str_enum
from ..extensions import db
from ..places.models import Community, Courtyard, Organization


class Category(str, enum.Enum):
    sanitation = "sanitation"
    parking = "parking"
    property_service = "property_service"
    repairs = "repairs"
    greening = "greening"
    safety = "safety"
    elderly_care = "elderly_care"
    neighbour_dispute = "neighbour_dispute"
    facilities = "facilities"
    other = "other"


CATEGORY_LABELS = {
    Category.sanitation: _l("Sanitation"),
    Category.parking: _l("Parking"),
    Category.property_service: _l("Property service"),
    Category.repairs: _l("Repairs and leaks"),
    Category.greening: _l("Greening"),
    Category.safety: _l("Safety hazards"),
    Category.elderly_care: _l("Elderly care and disability"),
    Category.neighbour_dispute: _l("Neighbour disputes"),
    Category.facilities: _l("Facilities, e-bike sheds and charging"),
    Category.other: _l("Other"),
}


class CategoryClass(str, enum.Enum):
    """The five classes of 判 (Chaoyang's sorting of problems), a second axis over the categories."""
    city_management = "city_management"      # 城市管理
    public_safety = "public_safety"          # 平安建设
    livelihood = "livelihood"                # 民生保障
    convenience = "convenience"              # 便民服务
    complaint = "complaint"                  # 投诉举报


CLASS_LABELS = {
    CategoryClass.city_management: _l("City management"),
    CategoryClass.public_safety: _l("Public safety"),
    CategoryClass.livelihood: _l("Livelihood security"),
    CategoryClass.convenience: _l("Convenience services"),
    CategoryClass.complaint: _l("Complaints and reports"),
}

# Each category belongs to exactly one class (tests/deliberation/test_classes.py checks it).
CATEGORY_CLASS = {
    Category.sanitation: CategoryClass.city_management,
    Category.parking: CategoryClass.city_management,
    Category.greening: CategoryClass.city_management,
    Category.safety: CategoryClass.public_safety,
    Category.neighbour_dispute: CategoryClass.public_safety,
    Category.elderly_care: CategoryClass.livelihood,
    Category.repairs: CategoryClass.livelihood,
    Category.facilities: CategoryClass.convenience,
    Category.other: CategoryClass.convenience,
    Category.property_service: CategoryClass.complaint,
}


class Place(str, enum.Enum):
    """Where in or around the building the matter is (issue 12: 楼道、楼顶、电梯、车棚、单元门口…)."""
    stairwell = "stairwell"
    roof = "roof"
    elevator = "elevator"
    bike_shed = "bike_shed"
    entrance = "entrance"
    basement = "basement"
    common_area = "common_area"
    home = "home"
    other = "other"


PLACE_LABELS = {
    Place.stairwell: _l("Stairwell and corridors"),
    Place.roof: _l("Roof"),
    Place.elevator: _l("Lift"),
    Place.bike_shed: _l("Bicycle and e-bike shed"),
    Place.entrance: _l("Building entrance"),
    Place.basement: _l("Basement"),
    Place.common_area: _l("Compound common area"),
    Place.home: _l("Inside a home"),
    Place.other: _l("Elsewhere"),
}


class TopicStatus(str, enum.Enum):
    open = "open"
    deliberating = "deliberating"
    decided = "decided"
    closed = "closed"
    withdrawn = "withdrawn"
    merged = "merged"


STATUS_LABELS = {
    TopicStatus.open: _l("New"),
    TopicStatus.deliberating: _l("Under discussion"),
    TopicStatus.decided: _l("Decided"),
    TopicStatus.closed: _l("Completed"),  # 已办结: its work done and accepted (lifecycle.py)
    TopicStatus.withdrawn: _l("Withdrawn"),
    TopicStatus.merged: _l("Merged"),
}


class Topic(db.Model):
    __tablename__ = "topics"
    __table_args__ = (
        sa.Index("ix_topics_courtyard_status", "courtyard_id", "status"),
        sa.CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_self"),
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="point_whole"),
        sa.CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180)",
                           name="point_on_earth"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(sa.ForeignKey("courtyards.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[Category] = mapped_column(str_enum(Category, "topic_category"), index=True)
    status: Mapped[TopicStatus] = mapped_column(str_enum(TopicStatus, "topic_status"), default=TopicStatus.open)
    locked: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id"))
    support_count: Mapped[int] = mapped_column(default=0)
    message_count: Mapped[int] = mapped_column(default=0)
    # Where: a place in or around the building, a note (三单元北侧), an optional map point (WGS-84).
    place: Mapped[Place | None] = mapped_column(str_enum(Place, "topic_place"))
    place_note: Mapped[str | None] = mapped_column(sa.String(100))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()
    last_activity_at: Mapped[datetime] = created_at_column()

    courtyard: Mapped[Courtyard] = relationship()
    author: Mapped[User] = relationship()
    merged_into: Mapped[Topic | None] = relationship(remote_side=[id])
    # Read-only: loaded with the topic for its page (services.get_topic); written as TopicInvitation rows.
    invitations: Mapped[list[TopicInvitation]] = relationship(viewonly=True, order_by="TopicInvitation.id")
    photos: Mapped[list[TopicPhoto]] = relationship(back_populates="topic", order_by="TopicPhoto.position",
                                                    cascade="all, delete-orphan")


class TopicPhoto(db.Model):
    __tablename__ = "topic_photos"
    __table_args__ = (sa.UniqueConstraint("topic_id", "upload_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("uploads.id"))
    position: Mapped[int] = mapped_column(default=0)

    topic: Mapped[Topic] = relationship(back_populates="photos")
    upload = relationship("Upload")


class TopicSupport(db.Model):
    """我也遇到: one per person per topic."""

    __tablename__ = "topic_supports"
    __table_args__ = (sa.UniqueConstraint("topic_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        sa.UniqueConstraint("author_id", "client_id"),
        sa.Index("ix_messages_topic_id_id", "topic_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Set when the author speaks for an invited organization (进院解题): shown as a badge.
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    as_community_staff: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(sa.Text)
    client_id: Mapped[str] = mapped_column(sa.String(64))
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()

    topic: Mapped[Topic] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    organization: Mapped[Organization | None] = relationship()


class MessageReport(db.Model):
    __tablename__ = "message_reports"
    __table_args__ = (sa.UniqueConstraint("message_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    resolved: Mapped[bool] = mapped_column(default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    message: Mapped[Message] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])


class TopicInvitation(db.Model):
    """An organization or the community's staff brought into one topic (进院解题)."""

    __tablename__ = "topic_invitations"
    __table_args__ = (
        sa.UniqueConstraint("topic_id", "organization_id"),
        sa.UniqueConstraint("topic_id", "community_id"),
        sa.CheckConstraint("(organization_id IS NULL) <> (community_id IS NULL)", name="one_invitee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    topic: Mapped[Topic] = relationship()
    organization: Mapped[Organization | None] = relationship()
    community: Mapped[Community | None] = relationship()


class BlockedWord(db.Model):
    """Words the street administrator does not allow in topics and messages."""

    __tablename__ = "blocked_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(sa.String(50), unique=True)
    created_at: Mapped[datetime] = created_at_column()
