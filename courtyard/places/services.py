"""Places and roles: one function per act, shared by pages, the JSON API and the CLI.

Each checks permission (raising Forbidden), validates (raising Invalid with fields),
writes, says what happened (courtyard/signals.py: the audit log and notifications listen)
and commits.
"""
from __future__ import annotations

import secrets
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import clock, signals
from ..accounts.models import User
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..validation import Fields, parse_id
from . import permissions
from .models import (Building, Community, CommunityStaff, Courtyard, Membership,
                     MembershipStatus, Organization, OrganizationMember, OrgKind, Role, Unit)

MAX_AREA = Decimal("100000")
# Longest names, the same for every door (pages, API, import-places); the columns hold these.
COMMUNITY_NAME_MAX = 64
BUILDING_NAME_MAX = 64
UNIT_LABEL_MAX = 32
ORG_NAME_MAX = 100
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud to elderly neighbours


def new_invite_code() -> str:
    while True:
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
        if not db.session.scalar(sa.select(sa.exists().where(Building.invite_code == code))):
            return code


def find(model, ident):
    """The row with this id, or None for anything that cannot be one (validation.parse_id)."""
    ident = parse_id(ident)
    return db.session.get(model, ident) if ident is not None else None


def get_or_404(model, ident):
    obj = find(model, ident)
    if obj is None:
        raise NotFound()
    return obj


def _unique(f: Fields, field: str, exists: bool) -> None:
    if exists:
        f.add(field, _l("Already exists."))


# --- communities, organizations, buildings, units ------------------------------------------

def create_community(actor, *, name) -> Community:
    if not permissions.can_create_community(actor):
        raise Forbidden()
    f = Fields()
    name = f.text("name", name, max_len=COMMUNITY_NAME_MAX)
    if name:
        _unique(f, "name", db.session.scalar(sa.select(sa.exists().where(Community.name == name))))
    f.check()
    community = Community(name=name)
    db.session.add(community)
    db.session.commit()
    return community


def create_organization(actor, *, name, kind) -> Organization:
    if not permissions.can_create_organization(actor):
        raise Forbidden()
    f = Fields()
    name = f.text("name", name, max_len=ORG_NAME_MAX)
    if name:
        _unique(f, "name", db.session.scalar(sa.select(sa.exists().where(Organization.name == name))))
    try:
        kind = OrgKind(kind)
    except ValueError:
        f.add("kind", _l("Choose one of: %(choices)s", choices="property, department"))
    f.check()
    org = Organization(name=name, kind=kind)
    db.session.add(org)
    db.session.commit()
    return org


def check_area(f: Fields, field: str, value) -> Decimal | None:
    """A unit's exclusive floor area in m²: positive, at most MAX_AREA, two decimals."""
    return f.decimal(field, value, max_value=MAX_AREA)


def _check_units(f: Fields, units, field: str = "units") -> list[tuple[str, Decimal]]:
    if units is None:
        return []
    if not isinstance(units, list):
        f.add(field, _l("Must be a list."))
        return []
    out, seen = [], set()
    for i, unit in enumerate(units):
        if not isinstance(unit, dict):
            f.add(f"{field}.{i}", _l("Must be an object with label and area_m2."))
            continue
        label = f.text(f"{field}.{i}.label", unit.get("label"), max_len=UNIT_LABEL_MAX)
        area = check_area(f, f"{field}.{i}.area_m2", unit.get("area_m2"))
        if label and label in seen:
            f.add(f"{field}.{i}.label", _l("Listed twice."))
        seen.add(label)
        out.append((label, area))
    return out


def _property_org(f: Fields, property_org_id) -> Organization | None:
    if property_org_id in (None, ""):
        return None
    org = find(Organization, property_org_id)
    if org is None or org.kind != OrgKind.property:
        f.add("property_org_id", _l("Not a property company."))
        return None
    return org


def new_building(community: Community, name: str, property_org: Organization | None = None) -> Building:
    """A building with its courtyard and a fresh invite code, added to the session (no commit)."""
    building = Building(community=community, name=name, property_org=property_org,
                        invite_code=new_invite_code())
    building.courtyard = Courtyard()
    db.session.add(building)
    return building


def create_building(actor, community: Community, *, name, units=None, property_org_id=None) -> Building:
    """A building, its courtyard (created with it) and its units."""
    if not permissions.can_manage_community(actor, community):
        raise Forbidden()
    f = Fields()
    name = f.text("name", name, max_len=BUILDING_NAME_MAX)
    if name:
        _unique(f, "name", db.session.scalar(sa.select(sa.exists().where(
            Building.community_id == community.id, Building.name == name))))
    clean_units = _check_units(f, units)
    org = _property_org(f, property_org_id)
    f.check()
    building = new_building(community, name, org)
    building.units = [Unit(label=label, area_m2=area) for label, area in clean_units]
    db.session.commit()
    return building


def update_building(actor, building: Building, *, name=None, property_org_id=None) -> Building:
    if not permissions.can_manage_community(actor, building.community):
        raise Forbidden()
    f = Fields()
    if name is not None:
        name = f.text("name", name, max_len=BUILDING_NAME_MAX)
        if name and name != building.name:
            _unique(f, "name", db.session.scalar(sa.select(sa.exists().where(
                Building.community_id == building.community_id, Building.name == name))))
    org = _property_org(f, property_org_id)
    f.check()
    if name:
        building.name = name
    building.property_org = org
    db.session.commit()
    return building


def add_units(actor, building: Building, units) -> list[Unit]:
    if not permissions.can_manage_community(actor, building.community):
        raise Forbidden()
    f = Fields()
    clean = _check_units(f, units)
    existing = {u.label for u in building.units}
    for i, (label, _) in enumerate(clean):
        if label in existing:
            f.add(f"units.{i}.label", _l("Already exists."))
    f.check()
    new = [Unit(building=building, label=label, area_m2=area) for label, area in clean]
    db.session.add_all(new)
    db.session.commit()
    return new


def regenerate_invite_code(actor, courtyard: Courtyard) -> str:
    if not permissions.can_moderate_courtyard(actor, courtyard):
        raise Forbidden()
    courtyard.building.invite_code = new_invite_code()
    db.session.commit()
    return courtyard.building.invite_code


# --- roles ---------------------------------------------------------------------------------

def _user(f: Fields, user_id) -> User | None:
    user = find(User, user_id)
    if user is None:
        f.add("user_id", _l("No such user."))
    return user


def set_courtyard_member(actor, courtyard: Courtyard, *, user_id, role, unit_id=None,
                         is_owner=False) -> Membership:
    """Make someone a resident, building lead or secretary of a courtyard (active at once).

    A person holds one membership per courtyard; naming them again changes its role.
    """
    if not permissions.can_manage_courtyard_members(actor, courtyard):
        raise Forbidden()
    f = Fields()
    user = _user(f, user_id)
    try:
        role = Role(role)
    except ValueError:
        f.add("role", _l("Choose one of: %(choices)s", choices="resident, building_lead, secretary"))
    unit = unit_of(f, courtyard, unit_id, required=(role == Role.resident))
    if not isinstance(is_owner, bool):
        f.add("is_owner", _l("Must be true or false."))
    f.check()
    membership = db.session.scalar(sa.select(Membership).where(
        Membership.courtyard_id == courtyard.id, Membership.user_id == user.id))
    old_role, old_status = (membership.role, membership.status) if membership is not None else (None, None)
    if membership is None:
        membership = Membership(courtyard=courtyard, user=user)
        db.session.add(membership)
    membership.role = role
    membership.unit = unit
    membership.is_owner = bool(is_owner and unit is not None)
    membership.status = MembershipStatus.active
    membership.decided_at = clock.now()
    membership.decided_by_id = actor.id
    db.session.flush()
    signals.courtyard_role_set.send(membership, actor=actor, old_role=old_role, old_status=old_status)
    db.session.commit()
    return membership


def unit_of(f: Fields, courtyard: Courtyard, unit_id, *, required: bool) -> Unit | None:
    if unit_id in (None, ""):
        if required:
            f.add("unit_id", _l("Choose your flat."))
        return None
    unit = find(Unit, unit_id)
    if unit is None or unit.building_id != courtyard.building_id:
        f.add("unit_id", _l("Not a flat of this building."))
        return None
    return unit


def add_organization_member(actor, org: Organization, *, user_id) -> OrganizationMember:
    if not permissions.can_manage_organization(actor, org):
        raise Forbidden()
    f = Fields()
    user = _user(f, user_id)
    f.check()
    row = db.session.scalar(sa.select(OrganizationMember).where(
        OrganizationMember.organization_id == org.id, OrganizationMember.user_id == user.id))
    if row is None:
        row = OrganizationMember(organization=org, user=user)
        db.session.add(row)
        db.session.flush()
        signals.organization_staff_added.send(row, actor=actor)
        db.session.commit()
    return row


def add_community_staff(actor, community: Community, *, user_id) -> CommunityStaff:
    if not permissions.can_appoint_community_staff(actor, community):
        raise Forbidden()
    f = Fields()
    user = _user(f, user_id)
    f.check()
    row = db.session.scalar(sa.select(CommunityStaff).where(
        CommunityStaff.community_id == community.id, CommunityStaff.user_id == user.id))
    if row is None:
        row = CommunityStaff(community=community, user=user)
        db.session.add(row)
        db.session.flush()
        signals.community_staff_added.send(row, actor=actor)
        db.session.commit()
    return row


# --- joining with an invite code -----------------------------------------------------------

def building_for_invite(code) -> Building:
    f = Fields()
    code = f.text("invite_code", code, max_len=16)
    f.check()
    building = db.session.scalar(sa.select(Building).where(Building.invite_code == code.upper()))
    if building is None:
        raise Invalid(fields={"invite_code": _l("No building has this invite code.")})
    return building


def check_tenure(f: Fields, is_owner) -> None:
    """Owner or tenant must be said (None: not chosen); only owners count in Civil Code votes."""
    if is_owner is None:
        f.add("is_owner", _l("Choose owner or tenant."))
    elif not isinstance(is_owner, bool):
        f.add("is_owner", _l("Must be true or false."))


def request_membership(user: User, *, invite_code, unit_id, is_owner=False, commit=True) -> Membership:
    """A resident asks to join a building's courtyard; it stays pending until approved."""
    f = Fields()
    try:
        building = building_for_invite(invite_code)
    except Invalid as e:
        f.errors.update(e.fields)
        building = None
    unit = unit_of(f, building.courtyard, unit_id, required=True) if building else None
    check_tenure(f, is_owner)
    f.check()
    existing = db.session.scalar(sa.select(Membership).where(
        Membership.courtyard_id == building.courtyard.id, Membership.user_id == user.id))
    if existing is not None and existing.status in (MembershipStatus.active, MembershipStatus.pending):
        raise Conflict(_l("You have already asked to join this courtyard."))
    membership = existing or Membership(courtyard=building.courtyard, user=user, role=Role.resident)
    membership.role = Role.resident
    membership.unit = unit
    membership.is_owner = bool(is_owner)
    membership.status = MembershipStatus.pending
    membership.decided_at = None
    membership.decided_by_id = None
    db.session.add(membership)
    if commit:
        db.session.commit()
    return membership


def pending_memberships(actor, courtyard: Courtyard) -> list[Membership]:
    if not permissions.can_approve_members(actor, courtyard):
        raise Forbidden()
    return list(db.session.scalars(sa.select(Membership).where(
        Membership.courtyard_id == courtyard.id, Membership.status == MembershipStatus.pending)
        .order_by(Membership.id)))


def decide_membership(actor, membership: Membership, *, approve: bool) -> Membership:
    """The building lead, secretary or community staff approves or rejects a pending request."""
    if not permissions.can_approve_members(actor, membership.courtyard):
        raise Forbidden()
    if membership.status != MembershipStatus.pending:
        raise Conflict(_l("This request has already been decided."))
    membership.status = MembershipStatus.active if approve else MembershipStatus.rejected
    membership.decided_at = clock.now()
    membership.decided_by_id = actor.id
    (signals.membership_approved if approve else signals.membership_rejected).send(membership, actor=actor)
    db.session.commit()
    return membership


def remove_membership(actor, membership: Membership) -> Membership:
    if not permissions.can_manage_courtyard_members(actor, membership.courtyard):
        raise Forbidden()
    old = membership.status
    membership.status = MembershipStatus.removed
    membership.decided_at = clock.now()
    membership.decided_by_id = actor.id
    signals.membership_removed.send(membership, actor=actor, old_status=old)
    db.session.commit()
    return membership


# --- reading -------------------------------------------------------------------------------

def courtyards_for(actor) -> list[Courtyard]:
    return list(db.session.scalars(permissions.visible_courtyards(actor).order_by(Courtyard.id)))


def courtyard_for(actor, courtyard_id) -> Courtyard:
    """A courtyard the actor may see; NotFound otherwise (its existence is private)."""
    courtyard = get_or_404(Courtyard, courtyard_id)
    if not permissions.can_view_courtyard(actor, courtyard):
        raise NotFound()
    return courtyard


def member_count(courtyard: Courtyard) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.courtyard_id == courtyard.id, Membership.status == MembershipStatus.active))


def members(courtyard: Courtyard) -> list[Membership]:
    return list(db.session.scalars(sa.select(Membership).where(
        Membership.courtyard_id == courtyard.id, Membership.status == MembershipStatus.active)
        .order_by(Membership.role.desc(), Membership.id)))


def roles_of(user: User) -> dict:
    """Everything `user` is, for /me and the navigation."""
    memberships = db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id)
                                     .order_by(Membership.id)).all()
    staff = db.session.scalars(sa.select(CommunityStaff).where(CommunityStaff.user_id == user.id)).all()
    orgs = db.session.scalars(sa.select(OrganizationMember).where(
        OrganizationMember.user_id == user.id)).all()
    return {"memberships": memberships, "community_staff": staff, "organizations": orgs}


def pending_count(courtyard: Courtyard) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.courtyard_id == courtyard.id, Membership.status == MembershipStatus.pending))


def my_pending_requests(user: User) -> list[Membership]:
    """The join requests `user` made that still wait for a decision (their own, so no check)."""
    return list(db.session.scalars(sa.select(Membership).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.pending).order_by(Membership.id)))


def organizations(kind: OrgKind | str | None = None) -> list[Organization]:
    select = sa.select(Organization).order_by(Organization.kind, Organization.name)
    if kind is not None:
        select = select.where(Organization.kind == OrgKind(kind))
    return list(db.session.scalars(select))


def organization_members(org: Organization) -> list[OrganizationMember]:
    return list(db.session.scalars(sa.select(OrganizationMember).where(
        OrganizationMember.organization_id == org.id).order_by(OrganizationMember.id)))


def community_staff(community: Community) -> list[CommunityStaff]:
    return list(db.session.scalars(sa.select(CommunityStaff).where(
        CommunityStaff.community_id == community.id).order_by(CommunityStaff.id)))


def communities_for_admin(actor) -> list[Community]:
    return list(db.session.scalars(permissions.manageable_communities(actor)))


def buildings_managed_by(org: Organization) -> list[Building]:
    return list(db.session.scalars(sa.select(Building).where(Building.property_org_id == org.id)
                                   .order_by(Building.community_id, Building.id)))
