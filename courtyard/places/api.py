"""JSON routes: administration, people and places (CONTRACT §4)."""
from __future__ import annotations

from typing import Literal

from flask import jsonify
from flask_login import current_user
from pydantic import Field

from ..accounts import services as accounts
from ..errors import NotFound
from ..api.core import Body, bp, doc, login_required, paginate, parse_body
from . import payloads, permissions, services
from .models import Building, Community, Courtyard, Membership, Organization


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


# --- administration ------------------------------------------------------------------------

@bp.post("/admin/communities")
@doc(body=CommunityBody, status=201, tag="admin")
@login_required
def admin_create_community():
    """Create a community (street administrators)."""
    body = parse_body(CommunityBody)
    return jsonify(payloads.community_json(services.create_community(current_user, name=body.name))), 201


@bp.get("/admin/communities")
@doc(tag="admin", paginated=True)
@login_required
def admin_list_communities():
    """Communities the caller administers."""
    return jsonify(paginate(permissions.manageable_communities(current_user), payloads.community_json))


@bp.post("/admin/communities/<int:community_id>/buildings")
@doc(body=BuildingBody, status=201, tag="admin")
@login_required
def admin_create_building(community_id):
    """Create a building with its courtyard and units."""
    community = services.get_or_404(Community, community_id)
    body = parse_body(BuildingBody)
    building = services.create_building(current_user, community, name=body.name,
                                        units=[u.model_dump() for u in body.units],
                                        property_org_id=body.property_org_id)
    return jsonify(payloads.building_json(building, with_invite=True)), 201


@bp.post("/admin/organizations")
@doc(body=OrganizationBody, status=201, tag="admin")
@login_required
def admin_create_organization():
    """Create a property company or a city department (street administrators)."""
    body = parse_body(OrganizationBody)
    org = services.create_organization(current_user, name=body.name, kind=body.kind)
    return jsonify(payloads.organization_json(org)), 201


@bp.post("/admin/users")
@doc(body=UserBody, status=201, tag="admin")
@login_required
def admin_create_user():
    """Create an account (street administrators and community staff)."""
    body = parse_body(UserBody)
    user = accounts.create_user(current_user, login=body.login, password=body.password,
                                display_name=body.display_name, phone=body.phone)
    return jsonify(payloads.user_json(user, current_user)), 201


@bp.post("/admin/courtyards/<int:courtyard_id>/members")
@doc(body=CourtyardMemberBody, status=201, tag="admin")
@login_required
def admin_set_courtyard_member(courtyard_id):
    """Make a person a resident, building lead or secretary of a courtyard."""
    courtyard = services.get_or_404(Courtyard, courtyard_id)
    body = parse_body(CourtyardMemberBody)
    m = services.set_courtyard_member(current_user, courtyard, user_id=body.user_id, role=body.role,
                                      unit_id=body.unit_id, is_owner=body.is_owner)
    return jsonify(payloads.membership_json(m, current_user)), 201


@bp.post("/admin/organizations/<int:org_id>/members")
@doc(body=UserRefBody, status=201, tag="admin")
@login_required
def admin_add_organization_member(org_id):
    """Add a staff member to a property company or department."""
    org = services.get_or_404(Organization, org_id)
    body = parse_body(UserRefBody)
    row = services.add_organization_member(current_user, org, user_id=body.user_id)
    return jsonify({"organization": payloads.organization_json(org),
                    "user": payloads.user_json(row.user, current_user)}), 201


@bp.post("/admin/communities/<int:community_id>/staff")
@doc(body=UserRefBody, status=201, tag="admin")
@login_required
def admin_add_community_staff(community_id):
    """Appoint community staff (street administrators)."""
    community = services.get_or_404(Community, community_id)
    body = parse_body(UserRefBody)
    row = services.add_community_staff(current_user, community, user_id=body.user_id)
    return jsonify({"community": payloads.community_json(community),
                    "user": payloads.user_json(row.user, current_user)}), 201


# --- people and places ---------------------------------------------------------------------

@bp.get("/courtyards")
@doc(tag="places", paginated=True)
@login_required
def list_courtyards():
    """Courtyards the caller belongs to or oversees."""
    select = permissions.visible_courtyards(current_user).order_by(Courtyard.id)
    return jsonify(paginate(select, lambda cy: payloads.courtyard_json(cy, current_user)))


@bp.get("/courtyards/<int:courtyard_id>")
@doc(tag="places")
@login_required
def get_courtyard(courtyard_id):
    """A courtyard with its building, community, member and online counts."""
    courtyard = services.courtyard_for(current_user, courtyard_id)
    return jsonify(payloads.courtyard_json(courtyard, current_user, counts=True))


@bp.get("/courtyards/<int:courtyard_id>/pending")
@doc(tag="places")
@login_required
def list_pending(courtyard_id):
    """Join requests waiting for the building lead or secretary."""
    courtyard = services.courtyard_for(current_user, courtyard_id)
    rows = services.pending_memberships(current_user, courtyard)
    return jsonify({"items": [payloads.membership_json(m, current_user) for m in rows]})


@bp.post("/memberships/<int:membership_id>/decision")
@doc(body=DecisionBody, tag="places")
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
@doc(tag="places")
@login_required
def get_building(building_id):
    """A building and its units (staff of its community)."""
    building = services.get_or_404(Building, building_id)
    if not permissions.can_manage_community(current_user, building.community):
        raise NotFound()
    return jsonify(payloads.building_json(building, with_invite=True))
