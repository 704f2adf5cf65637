"""Emergency notices (停水/停暖/停电…), vulnerable households and the door-to-door checklist.

A Notice is posted by community staff to chosen courtyards of their community; its timeline
is the list of NoticeUpdate rows (posted, each progress update, resolved) that residents,
the 公示栏 and the notice page show. HouseholdFlag marks a flat (places.Unit) whose people
may need a knock on the door when heating or water is off: 独居, 空巢, 行动不便 — kept by the
community's staff and the courtyard's building leads and secretary, never shown to
residents. A Visit is one tick on a notice's checklist: that flat was visited, by whom,
when, with a note and whether they need help.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..dbtypes import UTCDateTime, created_at_column, str_enum
from ..extensions import db
from ..places.models import Community, Courtyard, Unit


class NoticeKind(str, enum.Enum):
    water = "water"
    heating = "heating"
    power = "power"
    gas = "gas"
    lift = "lift"
    other = "other"


KIND_LABELS = {
    NoticeKind.water: _l("Water off"),
    NoticeKind.heating: _l("Heating off"),
    NoticeKind.power: _l("Power off"),
    NoticeKind.gas: _l("Gas off"),
    NoticeKind.lift: _l("Lift out of service"),
    NoticeKind.other: _l("Other"),
}


class NoticeStatus(str, enum.Enum):
    active = "active"
    resolved = "resolved"


STATUS_LABELS = {NoticeStatus.active: _l("In progress"), NoticeStatus.resolved: _l("Resolved")}


class NoticeUpdateKind(str, enum.Enum):
    posted = "posted"
    update = "update"
    resolved = "resolved"


class FlagKind(str, enum.Enum):
    living_alone = "living_alone"          # 独居
    empty_nest = "empty_nest"              # 空巢
    limited_mobility = "limited_mobility"  # 行动不便


FLAG_LABELS = {
    FlagKind.living_alone: _l("Living alone"),
    FlagKind.empty_nest: _l("Empty-nest elderly"),
    FlagKind.limited_mobility: _l("Limited mobility"),
}


class VisitOutcome(str, enum.Enum):
    ok = "ok"
    needs_help = "needs_help"


OUTCOME_LABELS = {VisitOutcome.ok: _l("All right"), VisitOutcome.needs_help: _l("Needs help")}


class Notice(db.Model):
    __tablename__ = "notices"
    __table_args__ = (
        sa.Index("ix_notices_community_status", "community_id", "status"),
        sa.CheckConstraint("(status = 'resolved') = (resolved_at IS NOT NULL)", name="resolved_when_resolved"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, "notice_kind"))
    title: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[NoticeStatus] = mapped_column(str_enum(NoticeStatus, "notice_status"),
                                                 default=NoticeStatus.active)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expected_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()

    community: Mapped[Community] = relationship()
    created_by: Mapped[User] = relationship()
    targets: Mapped[list[NoticeCourtyard]] = relationship(back_populates="notice", order_by="NoticeCourtyard.courtyard_id",
                                                          cascade="all, delete-orphan")
    updates: Mapped[list[NoticeUpdate]] = relationship(back_populates="notice", order_by="NoticeUpdate.id",
                                                       cascade="all, delete-orphan")

    @property
    def courtyard_ids(self) -> list[int]:
        return [t.courtyard_id for t in self.targets]


class NoticeCourtyard(db.Model):
    """A courtyard a notice was sent to."""

    __tablename__ = "notice_courtyards"

    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(sa.ForeignKey("courtyards.id"), primary_key=True, index=True)

    notice: Mapped[Notice] = relationship(back_populates="targets")
    courtyard: Mapped[Courtyard] = relationship()


class NoticeUpdate(db.Model):
    """One line of a notice's timeline: posted, a progress update, resolved."""

    __tablename__ = "notice_updates"
    __table_args__ = (sa.Index("ix_notice_updates_notice_id_id", "notice_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id", ondelete="CASCADE"))
    kind: Mapped[NoticeUpdateKind] = mapped_column(str_enum(NoticeUpdateKind, "notice_update_kind"))
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()

    notice: Mapped[Notice] = relationship(back_populates="updates")
    author: Mapped[User] = relationship()


class HouseholdFlag(db.Model):
    """A flat whose people may need a visit in an emergency: one row per flat and kind."""

    __tablename__ = "household_flags"
    __table_args__ = (sa.UniqueConstraint("unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FlagKind] = mapped_column(str_enum(FlagKind, "household_flag_kind"))
    note: Mapped[str | None] = mapped_column(sa.String(200))
    set_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    set_at: Mapped[datetime] = created_at_column()

    unit: Mapped[Unit] = relationship()
    set_by: Mapped[User] = relationship()


class Visit(db.Model):
    """敲门: a flagged flat visited during a notice — one per notice and flat (a second tick replaces it)."""

    __tablename__ = "notice_visits"
    __table_args__ = (sa.UniqueConstraint("notice_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[VisitOutcome] = mapped_column(str_enum(VisitOutcome, "visit_outcome"))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    visited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    visited_at: Mapped[datetime] = created_at_column()

    unit: Mapped[Unit] = relationship()
    visited_by: Mapped[User] = relationship()
