"""JSON shapes of places and people, shared by the API and real-time events."""
from __future__ import annotations

from ..accounts.models import User
from ..accounts.services import mask_phone
from ..dbtypes import iso
from ..realtime import presence
from . import permissions, services
from .models import Building, Community, Courtyard, Membership, Organization, Unit


def user_json(user: User, viewer=None) -> dict:
    phone = user.phone if viewer is not None and permissions.can_see_phone(viewer, user) else mask_phone(user.phone)
    return {"id": user.id, "login": user.login, "display_name": user.display_name, "phone": phone,
            "is_street_admin": user.is_street_admin, "created_at": iso(user.created_at)}


def community_json(c: Community) -> dict:
    return {"id": c.id, "name": c.name, "created_at": iso(c.created_at)}


def organization_json(o: Organization) -> dict:
    return {"id": o.id, "name": o.name, "kind": o.kind.value, "created_at": iso(o.created_at)}


def unit_json(u: Unit) -> dict:
    return {"id": u.id, "building_id": u.building_id, "label": u.label, "area_m2": float(u.area_m2)}


def building_json(b: Building, *, with_invite: bool = False) -> dict:
    out = {"id": b.id, "name": b.name, "community_id": b.community_id,
           "courtyard_id": b.courtyard.id, "property_org_id": b.property_org_id,
           "units": [unit_json(u) for u in b.units], "created_at": iso(b.created_at)}
    if with_invite:
        out["invite_code"] = b.invite_code
    return out


def membership_json(m: Membership, viewer=None) -> dict:
    return {"id": m.id, "courtyard_id": m.courtyard_id, "user": user_json(m.user, viewer),
            "role": m.role.value, "status": m.status.value,
            "unit": unit_json(m.unit) if m.unit else None, "is_owner": m.is_owner,
            "created_at": iso(m.created_at), "decided_at": iso(m.decided_at)}


def courtyard_json(cy: Courtyard, viewer=None, *, counts: bool = False) -> dict:
    b = cy.building
    out = {"id": cy.id, "name": cy.name,
           "building": {"id": b.id, "name": b.name, "property_org_id": b.property_org_id},
           "community": community_json(b.community)}
    if viewer is not None:
        m = permissions.active_membership(viewer, cy)
        out["my_role"] = m.role.value if m else None
        out["can_moderate"] = permissions.can_moderate_courtyard(viewer, cy)
        if out["can_moderate"]:
            out["invite_code"] = b.invite_code
    if counts:
        out["member_count"] = services.member_count(cy)
        out["online_count"] = presence.online_in_courtyard(cy.id)
    return out


def me_json(user: User) -> dict:
    roles = services.roles_of(user)
    out = user_json(user, user)
    out["memberships"] = [{"id": m.id, "courtyard_id": m.courtyard_id, "courtyard_name": m.courtyard.name,
                           "role": m.role.value, "status": m.status.value,
                           "unit": unit_json(m.unit) if m.unit else None, "is_owner": m.is_owner}
                          for m in roles["memberships"]]
    out["community_staff"] = [community_json(s.community) for s in roles["community_staff"]]
    out["organizations"] = [organization_json(o.organization) for o in roles["organizations"]]
    out["roles"] = sorted({m.role.value for m in roles["memberships"] if m.status.value == "active"}
                          | ({"community_staff"} if roles["community_staff"] else set())
                          | {f"{o.organization.kind.value}_staff" for o in roles["organizations"]}
                          | ({"street_admin"} if user.is_street_admin else set()))
    return out


def invite_json(b: Building) -> dict:
    """What an invite code shows someone about to join: the building and its flats, nothing more."""
    return {"invite_code": b.invite_code, "courtyard_id": b.courtyard.id,
            "building": {"id": b.id, "name": b.name}, "community": {"id": b.community_id, "name": b.community.name},
            "units": [{"id": u.id, "label": u.label} for u in b.units]}
