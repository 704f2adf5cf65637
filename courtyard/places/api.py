"""JSON routes: administration, people and places (CONTRACT §4)."""
from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from flask import jsonify
from flask_login import current_user
from pydantic import Field

from ..accounts import services as accounts
from ..api.core import Body, bp, doc, login_required, paginate, parse_body, parse_query, require
from ..api.schemas import items_of
from ..errors import Invalid, NotFound
from . import payloads, permissions, services
from .models import Building, Community, Courtyard, Membership, Organization, OrgKind
from .schemas import (BuildingOut, CommunityOut, CommunityStaffOut, CourtyardDetailOut, CourtyardOut, InviteOut,
                      MembershipOut, OrganizationMemberOut, OrganizationOut, UserOut)


class CommunityBody(Body):
    name: str


class UnitBody(Body):
    label: str
    area_m2: float | str


class BuildingBody(Body):
    name: str
    units: list[UnitBody] = Field(default_factory=list)
    property_org_id: int | None = None


class OrganizationBody(Body):
    name: str
    kind: Literal["property", "department"]


class UserBody(Body):
    login: str
    password: str
    display_name: str
    phone: str | None = None


class CourtyardMemberBody(Body):
    user_id: int
    role: Literal["resident", "building_lead", "secretary"]
    unit_id: int | None = None
    is_owner: bool = False


class UserRefBody(Body):
    user_id: int


class DecisionBody(Body):
    approve: bool


class JoinBody(Body):
    invite_code: str
    unit_id: int
    is_owner: bool = False


class OrganizationQuery(Body):
    kind: Literal["property", "department"] | None = None


class UserQuery(Body):
    q: str | None = None


# --- administration ------------------------------------------------------------------------

@bp.post("/admin/communities")
@doc(body=CommunityBody, response=CommunityOut, status=201, errors=(403,), tag="admin")
@login_required
def admin_create_community():
    """Create a community (street administrators)."""
    require(permissions.can_create_community(current_user))
    body = parse_body(CommunityBody)
    return jsonify(payloads.community_json(services.create_community(current_user, name=body.name))), 201


@bp.get("/admin/communities")
@doc(response=CommunityOut, paginated=True, tag="admin")
@login_required
def admin_list_communities():
    """Communities the caller administers."""
    return jsonify(paginate(permissions.manageable_communities(current_user), payloads.community_json))


@bp.post("/admin/communities/<int:community_id>/buildings")
@doc(body=BuildingBody, response=BuildingOut, status=201, errors=(403,), tag="admin")
@login_required
def admin_create_building(community_id):
    """Create a building with its courtyard and units."""
    community = services.get_or_404(Community, community_id)
    require(permissions.can_manage_community(current_user, community))
    body = parse_body(BuildingBody)
    building = services.create_building(current_user, community, name=body.name,
                                        units=[u.model_dump() for u in body.units],
                                        property_org_id=body.property_org_id)
    return jsonify(payloads.building_json(building, with_invite=True)), 201


@bp.post("/admin/organizations")
@doc(body=OrganizationBody, response=OrganizationOut, status=201, errors=(403,), tag="admin")
@login_required
def admin_create_organization():
    """Create a property company or a city department (street administrators)."""
    require(permissions.can_create_organization(current_user))
    body = parse_body(OrganizationBody)
    org = services.create_organization(current_user, name=body.name, kind=body.kind)
    return jsonify(payloads.organization_json(org)), 201


@bp.post("/admin/users")
@doc(body=UserBody, response=UserOut, status=201, errors=(403,), tag="admin")
@login_required
def admin_create_user():
    """Create an account (street administrators and community staff)."""
    require(permissions.can_create_user(current_user))
    body = parse_body(UserBody)
    user = accounts.create_user(current_user, login=body.login, password=body.password,
                                display_name=body.display_name, phone=body.phone)
    return jsonify(payloads.user_json(user, current_user)), 201


@bp.post("/admin/courtyards/<int:courtyard_id>/members")
@doc(body=CourtyardMemberBody, response=MembershipOut, status=201, errors=(403,), tag="admin")
@login_required
def admin_set_courtyard_member(courtyard_id):
    """Make a person a resident, building lead or secretary of a courtyard."""
    courtyard = services.get_or_404(Courtyard, courtyard_id)
    require(permissions.can_manage_courtyard_members(current_user, courtyard))
    body = parse_body(CourtyardMemberBody)
    m = services.set_courtyard_member(current_user, courtyard, user_id=body.user_id, role=body.role,
                                      unit_id=body.unit_id, is_owner=body.is_owner)
    return jsonify(payloads.membership_json(m, current_user)), 201


@bp.post("/admin/organizations/<int:org_id>/members")
@doc(body=UserRefBody, response=OrganizationMemberOut, status=201, errors=(403,), tag="admin")
@login_required
def admin_add_organization_member(org_id):
    """Add a staff member to a property company or department."""
    org = services.get_or_404(Organization, org_id)
    require(permissions.can_manage_organization(current_user, org))
    body = parse_body(UserRefBody)
    row = services.add_organization_member(current_user, org, user_id=body.user_id)
    return jsonify({"organization": payloads.organization_json(org),
                    "user": payloads.user_json(row.user, current_user)}), 201


@bp.post("/admin/communities/<int:community_id>/staff")
@doc(body=UserRefBody, response=CommunityStaffOut, status=201, errors=(403,), tag="admin")
@login_required
def admin_add_community_staff(community_id):
    """Appoint community staff (street administrators)."""
    community = services.get_or_404(Community, community_id)
    require(permissions.can_appoint_community_staff(current_user, community))
    body = parse_body(UserRefBody)
    row = services.add_community_staff(current_user, community, user_id=body.user_id)
    return jsonify({"community": payloads.community_json(community),
                    "user": payloads.user_json(row.user, current_user)}), 201


@bp.get("/admin/communities/<int:community_id>/buildings")
@doc(response=BuildingOut, paginated=True, errors=(403,), tag="admin")
@login_required
def admin_list_buildings(community_id):
    """Buildings of a community, with their courtyards, units and invite codes (its staff)."""
    community = services.get_or_404(Community, community_id)
    require(permissions.can_manage_community(current_user, community))
    select = sa.select(Building).where(Building.community_id == community.id).order_by(Building.id)
    return jsonify(paginate(select, lambda b: payloads.building_json(b, with_invite=True)))


@bp.get("/admin/organizations")
@doc(query=OrganizationQuery, response=OrganizationOut, paginated=True, errors=(403,), tag="admin")
@login_required
def admin_list_organizations():
    """Property companies and city departments, optionally of one kind (staff)."""
    require(permissions.can_use_admin(current_user))
    q = parse_query(OrganizationQuery)
    select = sa.select(Organization).order_by(Organization.kind, Organization.name)
    if q.kind is not None:
        select = select.where(Organization.kind == OrgKind(q.kind))
    return jsonify(paginate(select, payloads.organization_json))


@bp.get("/admin/users")
@doc(query=UserQuery, response=UserOut, paginated=True, errors=(403,), tag="admin")
@login_required
def admin_search_users():
    """Accounts whose login, name or phone contains `q`, newest first (staff); phones masked as usual."""
    require(permissions.can_create_user(current_user))
    q = parse_query(UserQuery)
    return jsonify(paginate(accounts.search_users(current_user, q.q), lambda u: payloads.user_json(u, current_user)))


# --- people and places ---------------------------------------------------------------------

@bp.get("/invites/<code>")
@doc(response=InviteOut, tag="places")
@login_required
def get_invite(code):
    """The building an invite code belongs to, and its flats to pick from."""
    try:
        building = services.building_for_invite(code)
    except Invalid:
        raise NotFound()
    return jsonify(payloads.invite_json(building))


@bp.post("/join")
@doc(body=JoinBody, response=MembershipOut, status=201, errors=(409,), tag="places")
@login_required
def join():
    """Ask to join a building's courtyard with its invite code; pending until approved."""
    body = parse_body(JoinBody)
    m = services.request_membership(current_user, invite_code=body.invite_code, unit_id=body.unit_id,
                                    is_owner=body.is_owner)
    return jsonify(payloads.membership_json(m, current_user)), 201


@bp.get("/courtyards")
@doc(response=CourtyardOut, paginated=True, tag="places")
@login_required
def list_courtyards():
    """Courtyards the caller belongs to or oversees."""
    select = permissions.visible_courtyards(current_user).order_by(Courtyard.id)
    return jsonify(paginate(select, lambda cy: payloads.courtyard_json(cy, current_user)))


@bp.get("/courtyards/<int:courtyard_id>")
@doc(response=CourtyardDetailOut, tag="places")
@login_required
def get_courtyard(courtyard_id):
    """A courtyard with its building, community, member and online counts."""
    courtyard = services.courtyard_for(current_user, courtyard_id)
    return jsonify(payloads.courtyard_json(courtyard, current_user, counts=True))


@bp.get("/courtyards/<int:courtyard_id>/pending")
@doc(response=items_of(MembershipOut), errors=(403,), tag="places")
@login_required
def list_pending(courtyard_id):
    """Join requests waiting for the building lead or secretary."""
    courtyard = services.courtyard_for(current_user, courtyard_id)
    rows = services.pending_memberships(current_user, courtyard)
    return jsonify({"items": [payloads.membership_json(m, current_user) for m in rows]})


@bp.post("/memberships/<int:membership_id>/decision")
@doc(body=DecisionBody, response=MembershipOut, errors=(403, 409), tag="places")
@login_required
def decide_membership(membership_id):
    """Approve or reject a join request."""
    m = services.get_or_404(Membership, membership_id)
    if not permissions.can_view_courtyard(current_user, m.courtyard):
        raise NotFound()
    body = parse_body(DecisionBody)
    m = services.decide_membership(current_user, m, approve=body.approve)
    return jsonify(payloads.membership_json(m, current_user))


@bp.get("/buildings/<int:building_id>")
@doc(response=BuildingOut, tag="places")
@login_required
def get_building(building_id):
    """A building and its units (staff of its community)."""
    building = services.get_or_404(Building, building_id)
    if not permissions.can_manage_community(current_user, building.community):
        raise NotFound()
    return jsonify(payloads.building_json(building, with_invite=True))
