"""Courtyard pages (my courtyards, a courtyard's home, member approval) and the administration pages."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts import services as accounts
from ..accounts.forms import InviteCodeForm
from ..errors import Forbidden, Invalid, NotFound
from ..realtime import presence
from ..web import landing
from . import permissions, services
from .forms import (BuildingForm, CommunityForm, MemberRoleForm, OrganizationForm, PickUserForm, PropertyForm,
                    UnitsForm, parse_unit_lines, property_choices)
from .models import Building, Community, Membership, Organization, OrgKind, Role

bp = Blueprint("places", __name__)

ROLE_LABELS = {Role.resident: _l("Resident"), Role.building_lead: _l("Building lead"),
               Role.secretary: _l("Secretary")}
ROLE_ORDER = {Role.secretary: 0, Role.building_lead: 1, Role.resident: 2}
KIND_LABELS = {OrgKind.property: _l("Property company"), OrgKind.department: _l("City department")}


@bp.app_template_filter("role_label")
def role_label(role) -> str:
    return str(ROLE_LABELS.get(Role(role), role))


@bp.app_template_filter("kind_label")
def kind_label(kind) -> str:
    return str(KIND_LABELS.get(OrgKind(kind), kind))


def _my_role(courtyard) -> str:
    """How the current user stands in a courtyard, in words."""
    membership = permissions.active_membership(current_user, courtyard)
    if membership is not None:
        return role_label(membership.role)
    if current_user.is_street_admin:
        return _("Street administrator")
    return _("Community staff")


def _phone_for(user) -> str | None:
    return user.phone if permissions.can_see_phone(current_user, user) else accounts.mask_phone(user.phone)


# --- a resident's pages --------------------------------------------------------------------

@bp.get("/courtyards")
@login_required
def my_courtyards():
    """My courtyards, and the join requests still waiting for approval."""
    cards = [{"courtyard": cy, "role": _my_role(cy), "members": services.member_count(cy),
              "waiting": services.pending_count(cy) if permissions.can_approve_members(current_user, cy) else 0}
             for cy in services.courtyards_for(current_user)]
    pending = services.my_pending_requests(current_user)
    if not cards and not pending and landing.works_elsewhere(current_user):
        return redirect(landing.landing_url(current_user))  # staff with no courtyard: to their work
    return render_template("places/my_courtyards.html", cards=cards, pending=pending,
                           join_form=InviteCodeForm(formdata=None))


@bp.get("/waiting")
@login_required
def waiting():
    """Shown right after asking to join: the request waits for the building lead or secretary."""
    pending = services.my_pending_requests(current_user)
    if not pending:
        return redirect(url_for("places.my_courtyards"))
    return render_template("places/waiting.html", pending=pending)


@bp.get("/courtyards/<int:courtyard_id>")
@login_required
def courtyard(courtyard_id):
    """A courtyard's home: who lives here, and for moderators the invite code and the waiting list."""
    cy = services.courtyard_for(current_user, courtyard_id)
    members = sorted(services.members(cy), key=lambda m: (ROLE_ORDER[m.role], m.unit.label if m.unit else "",
                                                          m.id))
    moderator = permissions.can_moderate_courtyard(current_user, cy)
    return render_template(
        "places/courtyard.html", courtyard=cy, building=cy.building, my_role=_my_role(cy),
        members=[(m, _phone_for(m.user)) for m in members], moderator=moderator,
        pending_count=services.pending_count(cy) if moderator else 0,
        unit_count=len(cy.building.units), online=presence.online_in_courtyard(cy.id))


@bp.post("/courtyards/<int:courtyard_id>/invite-code")
@login_required
def regenerate_invite_code(courtyard_id):
    """Give the building a new invite code; the old one stops working."""
    cy = services.courtyard_for(current_user, courtyard_id)
    code = services.regenerate_invite_code(current_user, cy)
    flash(_("The new invite code is %(code)s. The old one no longer works.", code=code), "success")
    back = url_for("places.admin_building", building_id=cy.building_id) if request.form.get(
        "back") == "admin" else url_for("places.courtyard", courtyard_id=cy.id)
    return redirect(back)


@bp.get("/courtyards/<int:courtyard_id>/pending")
@login_required
def pending(courtyard_id):
    """Join requests waiting for the building lead or secretary."""
    cy = services.courtyard_for(current_user, courtyard_id)
    rows = services.pending_memberships(current_user, cy)
    return render_template("places/pending.html", courtyard=cy,
                           rows=[(m, _phone_for(m.user)) for m in rows])


@bp.post("/courtyards/<int:courtyard_id>/pending/<int:membership_id>")
@login_required
def decide(courtyard_id, membership_id):
    """Approve or reject one join request."""
    cy = services.courtyard_for(current_user, courtyard_id)
    membership = services.get_or_404(Membership, membership_id)
    if membership.courtyard_id != cy.id:
        raise NotFound()
    decision = request.form.get("decision")
    if decision not in ("approve", "reject"):
        raise Invalid(_("Choose approve or reject."))
    services.decide_membership(current_user, membership, approve=decision == "approve")
    name = membership.user.display_name
    if decision == "approve":
        flash(_("%(name)s has joined the courtyard.", name=name), "success")
    else:
        flash(_("The request of %(name)s was turned down.", name=name), "info")
    return redirect(url_for("places.pending", courtyard_id=cy.id))


# --- administration ------------------------------------------------------------------------

def _require_admin() -> None:
    if not permissions.can_use_admin(current_user):
        raise Forbidden()


def _admin_community(community_id) -> Community:
    _require_admin()
    community = services.get_or_404(Community, community_id)
    if not permissions.can_manage_community(current_user, community):
        raise Forbidden()
    return community


def _admin_building(building_id) -> Building:
    _require_admin()
    building = services.get_or_404(Building, building_id)
    if not permissions.can_manage_community(current_user, building.community):
        raise Forbidden()
    return building


def _admin_organization(org_id) -> Organization:
    _require_admin()
    org = services.get_or_404(Organization, org_id)
    if not permissions.can_manage_organization(current_user, org):
        raise Forbidden()
    return org


def _user_id(login) -> int | None:
    user = accounts.user_by_login(login)
    return user.id if user else None


_UNIT_KEY = re.compile(r"^units(?:\.(\d+))?")


def _show_unit_errors(form, err: Invalid, lines: list[int]) -> None:
    """The service names units by position; the page names them by the line they were typed on."""
    form.add_error(None, err.message)
    for key, message in err.fields.items():
        match = _UNIT_KEY.match(key)
        if match and match[1] is not None:
            i = int(match[1])
            form.add_error("units", _("Line %(n)s: %(message)s", n=lines[i] if i < len(lines) else i + 1,
                                      message=message))
        elif match:
            form.add_error("units", message)
        else:
            form.add_error(key, message)


@bp.get("/admin")
@login_required
def admin():
    """The administration start page."""
    _require_admin()
    return render_template("admin/index.html", communities=services.communities_for_admin(current_user))


def _communities_page(form: CommunityForm | None = None, status: int = 200):
    communities = services.communities_for_admin(current_user)
    can_create = permissions.can_create_community(current_user)
    return render_template("admin/communities.html", communities=communities,
                           form=form or CommunityForm(formdata=None), can_create=can_create), status


@bp.get("/admin/communities")
@login_required
def admin_communities():
    """Communities I look after."""
    _require_admin()
    return _communities_page()


@bp.post("/admin/communities")
@login_required
def admin_create_community():
    """Create a community."""
    _require_admin()
    form = CommunityForm()
    try:
        community = services.create_community(current_user, name=form.name.data)
    except Invalid as err:
        form.show(err)
        return _communities_page(form, err.status)
    flash(_("Community %(name)s created.", name=community.name), "success")
    return redirect(url_for("places.admin_community", community_id=community.id))


def _community_page(community: Community, building_form: BuildingForm | None = None,
                    staff_form: PickUserForm | None = None, status: int = 200):
    building_form = building_form or BuildingForm(formdata=None)
    building_form.property_org_id.choices = property_choices(services.organizations(OrgKind.property))
    buildings = [{"building": b, "members": services.member_count(b.courtyard)} for b in community.buildings]
    return render_template(
        "admin/community.html", community=community, buildings=buildings, building_form=building_form,
        staff=services.community_staff(community),
        can_appoint=permissions.can_appoint_community_staff(current_user, community),
        staff_form=staff_form or PickUserForm(formdata=None, prefix="staff")), status


@bp.get("/admin/communities/<int:community_id>")
@login_required
def admin_community(community_id):
    """A community: its buildings and its staff."""
    return _community_page(_admin_community(community_id))


@bp.post("/admin/communities/<int:community_id>/buildings")
@login_required
def admin_create_building(community_id):
    """Add a building (and with it its courtyard and flats)."""
    community = _admin_community(community_id)
    form = BuildingForm()
    units, lines = parse_unit_lines(form.units.data)
    try:
        building = services.create_building(current_user, community, name=form.name.data, units=units,
                                            property_org_id=form.property_org_id.data)
    except Invalid as err:
        _show_unit_errors(form, err, lines)
        return _community_page(community, building_form=form, status=err.status)
    flash(_("%(name)s created with %(n)s flats.", name=building.name, n=len(building.units)), "success")
    return redirect(url_for("places.admin_building", building_id=building.id))


@bp.post("/admin/communities/<int:community_id>/staff")
@login_required
def admin_add_staff(community_id):
    """Appoint a community worker."""
    community = _admin_community(community_id)
    form = PickUserForm(prefix="staff")
    try:
        row = services.add_community_staff(current_user, community, user_id=_user_id(form.login.data))
    except Invalid as err:
        form.show(err, {"user_id": "login"})
        return _community_page(community, staff_form=form, status=err.status)
    flash(_("%(name)s now works for %(community)s.", name=row.user.display_name, community=community.name),
          "success")
    return redirect(url_for("places.admin_community", community_id=community.id))


def _building_page(building: Building, units_form: UnitsForm | None = None,
                   property_form: PropertyForm | None = None, member_form: MemberRoleForm | None = None,
                   status: int = 200):
    cy = building.courtyard
    property_form = property_form or PropertyForm(
        formdata=None, prefix="property",
        property_org_id=str(building.property_org_id) if building.property_org_id else "")
    property_form.property_org_id.choices = property_choices(services.organizations(OrgKind.property))
    member_form = member_form or MemberRoleForm(formdata=None, prefix="member")
    member_form.set_units(building.units)
    members = services.members(cy)
    per_unit: dict[int, list] = {}
    for m in members:
        if m.unit_id:
            per_unit.setdefault(m.unit_id, []).append(m)
    moderators = [m for m in members if m.role != Role.resident]
    return render_template(
        "admin/building.html", building=building, courtyard=cy, per_unit=per_unit, moderators=moderators,
        units_form=units_form or UnitsForm(formdata=None, prefix="units"), property_form=property_form,
        member_form=member_form, pending_count=services.pending_count(cy)), status


@bp.get("/admin/buildings/<int:building_id>")
@login_required
def admin_building(building_id):
    """A building: flats, property company, invite code, secretary and building leads."""
    return _building_page(_admin_building(building_id))


@bp.post("/admin/buildings/<int:building_id>/units")
@login_required
def admin_add_units(building_id):
    """Add flats to a building."""
    building = _admin_building(building_id)
    form = UnitsForm(prefix="units")
    units, lines = parse_unit_lines(form.units.data)
    if not units:
        form.add_error("units", _("Type one flat per line."))
        return _building_page(building, units_form=form, status=422)
    try:
        added = services.add_units(current_user, building, units)
    except Invalid as err:
        _show_unit_errors(form, err, lines)
        return _building_page(building, units_form=form, status=err.status)
    flash(_("%(n)s flats added.", n=len(added)), "success")
    return redirect(url_for("places.admin_building", building_id=building.id))


@bp.post("/admin/buildings/<int:building_id>/property")
@login_required
def admin_set_property(building_id):
    """Set or change the building's property company."""
    building = _admin_building(building_id)
    form = PropertyForm(prefix="property")
    form.property_org_id.choices = property_choices(services.organizations(OrgKind.property))
    try:
        services.update_building(current_user, building, property_org_id=form.property_org_id.data)
    except Invalid as err:
        form.show(err)
        return _building_page(building, property_form=form, status=err.status)
    flash(_("Property company saved."), "success")
    return redirect(url_for("places.admin_building", building_id=building.id))


@bp.post("/admin/buildings/<int:building_id>/members")
@login_required
def admin_set_member(building_id):
    """Make someone the secretary, a building lead or a resident of the building's courtyard."""
    building = _admin_building(building_id)
    form = MemberRoleForm(prefix="member")
    try:
        m = services.set_courtyard_member(current_user, building.courtyard, user_id=_user_id(form.login.data),
                                          role=form.role.data, unit_id=form.unit_id.data,
                                          is_owner=bool(form.is_owner.data))
    except Invalid as err:
        form.show(err, {"user_id": "login"})
        return _building_page(building, member_form=form, status=err.status)
    flash(_("%(name)s is now %(role)s of %(building)s.", name=m.user.display_name, role=role_label(m.role),
            building=building.name), "success")
    return redirect(url_for("places.admin_building", building_id=building.id))


def _organizations_page(form: OrganizationForm | None = None, status: int = 200):
    return render_template("admin/organizations.html", organizations=services.organizations(),
                           form=form or OrganizationForm(formdata=None)), status


@bp.get("/admin/organizations")
@login_required
def admin_organizations():
    """Property companies and city departments."""
    _require_admin()
    if not permissions.can_create_organization(current_user):
        raise Forbidden()
    return _organizations_page()


@bp.post("/admin/organizations")
@login_required
def admin_create_organization():
    """Create a property company or a city department."""
    _require_admin()
    form = OrganizationForm()
    try:
        org = services.create_organization(current_user, name=form.name.data, kind=form.kind.data)
    except Invalid as err:
        form.show(err)
        return _organizations_page(form, err.status)
    flash(_("%(name)s created.", name=org.name), "success")
    return redirect(url_for("places.admin_organization", org_id=org.id))


def _organization_page(org: Organization, form: PickUserForm | None = None, status: int = 200):
    return render_template("admin/organization.html", org=org, buildings=services.buildings_managed_by(org),
                           members=services.organization_members(org),
                           form=form or PickUserForm(formdata=None)), status


@bp.get("/admin/organizations/<int:org_id>")
@login_required
def admin_organization(org_id):
    """An organization and its staff."""
    return _organization_page(_admin_organization(org_id))


@bp.post("/admin/organizations/<int:org_id>/members")
@login_required
def admin_add_org_member(org_id):
    """Add a staff member to an organization."""
    org = _admin_organization(org_id)
    form = PickUserForm()
    try:
        row = services.add_organization_member(current_user, org, user_id=_user_id(form.login.data))
    except Invalid as err:
        form.show(err, {"user_id": "login"})
        return _organization_page(org, form, err.status)
    flash(_("%(name)s now works for %(org)s.", name=row.user.display_name, org=org.name), "success")
    return redirect(url_for("places.admin_organization", org_id=org.id))
