"""Response models of people and places: what courtyard/places/payloads.py builds."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Out, sometimes
from .models import MembershipStatus, OrgKind, Role


class UserOut(Out):
    id: int
    login: str
    display_name: str
    phone: str | None = Field(description="Masked (138****1234) unless the caller may see it")
    is_street_admin: bool
    created_at: datetime


class CommunityOut(Out):
    id: int
    name: str
    created_at: datetime


class OrganizationOut(Out):
    id: int
    name: str
    kind: OrgKind
    created_at: datetime


class UnitOut(Out):
    id: int
    building_id: int
    label: str
    area_m2: float


class BuildingOut(Out):
    id: int
    name: str
    community_id: int
    courtyard_id: int
    property_org_id: int | None
    units: list[UnitOut]
    created_at: datetime
    invite_code: str


class MembershipOut(Out):
    id: int
    courtyard_id: int
    user: UserOut
    role: Role
    status: MembershipStatus
    unit: UnitOut | None
    is_owner: bool
    created_at: datetime
    decided_at: datetime | None


class BuildingRef(Out):
    id: int
    name: str
    property_org_id: int | None


class CourtyardOut(Out):
    id: int
    name: str
    building: BuildingRef
    community: CommunityOut
    my_role: Role | None = Field(description="The caller's role in it, if an active member")
    can_moderate: bool
    invite_code: str = sometimes("Only to those who may moderate it")


class CourtyardDetailOut(CourtyardOut):
    member_count: int
    online_count: int


class MyMembershipOut(Out):
    id: int
    courtyard_id: int
    courtyard_name: str
    role: Role
    status: MembershipStatus
    unit: UnitOut | None
    is_owner: bool


class MeOut(UserOut):
    memberships: list[MyMembershipOut]
    community_staff: list[CommunityOut] = Field(description="Communities the caller is staff of")
    organizations: list[OrganizationOut] = Field(description="Organizations the caller works for")
    roles: list[Literal["resident", "building_lead", "secretary", "community_staff", "property_staff",
                        "department_staff", "street_admin"]]


class NamedRef(Out):
    id: int
    name: str


class InviteUnitOut(Out):
    id: int
    label: str


class InviteOut(Out):
    invite_code: str
    courtyard_id: int
    building: NamedRef
    community: NamedRef
    units: list[InviteUnitOut]


class OrganizationMemberOut(Out):
    organization: OrganizationOut
    user: UserOut


class CommunityStaffOut(Out):
    community: CommunityOut
    user: UserOut
