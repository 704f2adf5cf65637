from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..dbtypes import UTCDateTime, created_at_column, str_enum
from ..extensions import db


class OrgKind(str, enum.Enum):
    property = "property"
    department = "department"


class Role(str, enum.Enum):
    resident = "resident"
    building_lead = "building_lead"
    secretary = "secretary"


class MembershipStatus(str, enum.Enum):
    pending = "pending"
    active = "active"
    rejected = "rejected"
    removed = "removed"


class District(db.Model):
    """A 片区 between the street and its communities, with its 片区治理服务站 (courtyard/districts)."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    station_name: Mapped[str | None] = mapped_column(sa.String(100))
    station_address: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = created_at_column()

    communities: Mapped[list[Community]] = relationship(back_populates="district", order_by="Community.id")


class Community(db.Model):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    buildings: Mapped[list[Building]] = relationship(back_populates="community",
                                                     order_by="Building.id")
    district: Mapped[District | None] = relationship(back_populates="communities")


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "org_kind"))
    created_at: Mapped[datetime] = created_at_column()


class Building(db.Model):
    __tablename__ = "buildings"
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    property_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    invite_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = created_at_column()

    community: Mapped[Community] = relationship(back_populates="buildings")
    property_org: Mapped[Organization | None] = relationship()
    courtyard: Mapped[Courtyard] = relationship(back_populates="building", uselist=False)
    units: Mapped[list[Unit]] = relationship(back_populates="building", order_by="Unit.id")


class Courtyard(db.Model):
    """The building's online courtyard (掌上四合院): exactly one per building."""

    __tablename__ = "courtyards"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("buildings.id"), unique=True)
    created_at: Mapped[datetime] = created_at_column()

    building: Mapped[Building] = relationship(back_populates="courtyard")

    @property
    def name(self) -> str:
        return f"{self.building.community.name} · {self.building.name}"


class Unit(db.Model):
    """A household: a flat of a building, with its exclusive floor area."""

    __tablename__ = "units"
    __table_args__ = (
        sa.UniqueConstraint("building_id", "label"),
        sa.CheckConstraint("area_m2 > 0", name="area_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("buildings.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(32))
    area_m2: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))

    building: Mapped[Building] = relationship(back_populates="units")


class Membership(db.Model):
    """A person's place in one courtyard: resident, building lead (楼门长) or secretary."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("courtyard_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(sa.ForeignKey("courtyards.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "membership_role"))
    status: Mapped[MembershipStatus] = mapped_column(str_enum(MembershipStatus, "membership_status"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    is_owner: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at_column()
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    courtyard: Mapped[Courtyard] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    unit: Mapped[Unit | None] = relationship()


class OrganizationMember(db.Model):
    __tablename__ = "organization_members"
    __table_args__ = (sa.UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    organization: Mapped[Organization] = relationship()
    user: Mapped[User] = relationship()


class CommunityStaff(db.Model):
    __tablename__ = "community_staff"
    __table_args__ = (sa.UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    community: Mapped[Community] = relationship()
    user: Mapped[User] = relationship()
