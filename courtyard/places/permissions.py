"""Who may see and do what with places and roles. The one place these rules live.

Every predicate takes the acting user first. List queries (`visible_courtyards`) and
object checks (`can_view_courtyard`) are built from the same clauses so they agree.
"""
from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import memo
from ..accounts.models import User
from ..extensions import db
from .models import (Building, Community, CommunityStaff, Courtyard, Membership,
                     MembershipStatus, OrganizationMember, Role)

MODERATOR_ROLES = (Role.secretary, Role.building_lead)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_street_admin(user) -> bool:
    return _authenticated(user) and user.is_street_admin


def _viewer_rows(*columns) -> sa.Select:
    """The user's active memberships × staff seats × organizations (one row when they have none)."""
    return (sa.select(*columns)
            .select_from(User)
            .outerjoin(Membership, sa.and_(Membership.user_id == User.id,
                                           Membership.status == MembershipStatus.active))
            .outerjoin(CommunityStaff, CommunityStaff.user_id == User.id)
            .outerjoin(OrganizationMember, OrganizationMember.user_id == User.id)
            .where(User.id == sa.bindparam("user_id")))


# _viewer's statements, built once (on first use, when the mappers are configured): building them
# and their cache keys anew for every request cost as much as running them (docs/performance.md).
@functools.cache
def _viewer_query() -> sa.Select:
    return _viewer_rows(Membership, CommunityStaff.community_id, OrganizationMember.organization_id).options(
        joinedload(Membership.courtyard).joinedload(Courtyard.building))


@functools.cache
def _viewer_ids_query() -> sa.Select:
    return _viewer_rows(Membership.courtyard_id, CommunityStaff.community_id, OrganizationMember.organization_id)


def _viewer(user) -> tuple[dict[int, Membership], frozenset[int], frozenset[int]]:
    """What the rules below ask about the user, in one query, once a request (courtyard.memo):
    their active memberships by courtyard (with its building), the communities they are staff
    of, the organizations they belong to. The three lists are short: their product is too."""
    def load():
        memberships, communities, organizations = {}, set(), set()
        for m, community_id, org_id in db.session.execute(_viewer_query(), {"user_id": user.id}):
            if m is not None:
                memberships.setdefault(m.courtyard_id, m)
            if community_id is not None:
                communities.add(community_id)
            if org_id is not None:
                organizations.add(org_id)
        return memberships, frozenset(communities), frozenset(organizations)
    return memo.remembered(("viewer", user.id), load)


def _viewer_ids(user) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    """_viewer as ids only: the courtyards of the active memberships, the staff communities, the
    organizations. From _viewer when this request has it already; otherwise from a query of the
    same rows that builds no objects (a socket's handshake needs nothing more)."""
    viewer = memo.known(("viewer", user.id))
    if viewer is not None:
        return frozenset(viewer[0]), viewer[1], viewer[2]

    def load():
        courtyards, communities, organizations = set(), set(), set()
        for courtyard_id, community_id, org_id in db.session.execute(_viewer_ids_query(), {"user_id": user.id}):
            for ids, value in ((courtyards, courtyard_id), (communities, community_id), (organizations, org_id)):
                if value is not None:
                    ids.add(value)
        return frozenset(courtyards), frozenset(communities), frozenset(organizations)
    return memo.remembered(("viewer_ids", user.id), load)


def staff_community_ids(user) -> set[int]:
    if not _authenticated(user):
        return set()
    return set(_viewer(user)[1])


def organization_ids(user) -> set[int]:
    if not _authenticated(user):
        return set()
    return set(_viewer(user)[2])


def active_memberships(user) -> list[Membership]:
    """The user's active memberships (their courtyards and buildings loaded)."""
    if not _authenticated(user):
        return []
    return list(_viewer(user)[0].values())


def active_membership(user, courtyard: Courtyard) -> Membership | None:
    if not _authenticated(user):
        return None
    return _viewer(user)[0].get(courtyard.id)


def is_community_staff(user, community: Community | int) -> bool:
    cid = community if isinstance(community, int) else community.id
    return is_street_admin(user) or cid in staff_community_ids(user)


def is_any_staff(user) -> bool:
    return is_street_admin(user) or bool(staff_community_ids(user))


def _visible_clause(user):
    """SQL condition on Courtyard for the courtyards `user` belongs to or oversees."""
    if is_street_admin(user):
        return sa.true()
    member = sa.select(Membership.courtyard_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.active)
    staff = sa.select(Building.id).join(
        CommunityStaff, CommunityStaff.community_id == Building.community_id).where(
        CommunityStaff.user_id == user.id)
    return sa.or_(Courtyard.id.in_(member), Courtyard.building_id.in_(staff))


def visible_courtyards(user) -> sa.Select:
    if not _authenticated(user):
        return sa.select(Courtyard).where(sa.false())
    return sa.select(Courtyard).where(_visible_clause(user))


def visible_ids(user) -> tuple[list[int], list[int]]:
    """(the ids of visible_courtyards, of the user's organizations), ascending: what a socket's
    rooms are made of (realtime). A member who oversees nothing sees exactly the courtyards of
    their active memberships, so one query of ids answers both; staff and the street
    administrator list their courtyards with visible_courtyards."""
    if not _authenticated(user):
        return [], []
    courtyards, communities, organizations = _viewer_ids(user)
    if communities or is_street_admin(user):
        courtyards = db.session.scalars(visible_courtyards(user).with_only_columns(Courtyard.id))
    return sorted(courtyards), sorted(organizations)


def can_view_courtyard(user, courtyard: Courtyard) -> bool:
    """_visible_clause for one courtyard, from what the rules know of the user already."""
    if not _authenticated(user):
        return False
    if is_street_admin(user) or active_membership(user, courtyard) is not None:
        return True
    return courtyard.building.community_id in staff_community_ids(user)


def can_moderate_courtyard(user, courtyard: Courtyard) -> bool:
    """Secretary or building lead of the courtyard, or staff over its community."""
    if is_community_staff(user, courtyard.building.community_id):
        return True
    m = active_membership(user, courtyard)
    return m is not None and m.role in MODERATOR_ROLES


can_approve_members = can_moderate_courtyard


# Administration (CONTRACT §4: street administrators; community staff within their community)
def can_create_community(user) -> bool:
    return is_street_admin(user)


def can_manage_community(user, community: Community) -> bool:
    return is_community_staff(user, community)


def can_create_organization(user) -> bool:
    return is_street_admin(user)


def can_manage_organization(user, organization) -> bool:
    return is_street_admin(user)


def can_create_user(user) -> bool:
    return is_any_staff(user)


def can_manage_courtyard_members(user, courtyard: Courtyard) -> bool:
    return is_community_staff(user, courtyard.building.community_id)


def can_appoint_community_staff(user, community: Community) -> bool:
    return is_street_admin(user)


def can_use_admin(user) -> bool:
    return is_any_staff(user)


def manageable_communities(user) -> sa.Select:
    if is_street_admin(user):
        return sa.select(Community).order_by(Community.id)
    return sa.select(Community).where(Community.id.in_(staff_community_ids(user) or {-1})).order_by(Community.id)


def can_see_phone(viewer, subject: User) -> bool:
    """The person, street administrators, and those who look after a courtyard the person belongs to."""
    if not _authenticated(viewer):
        return False
    if viewer.id == subject.id or viewer.is_street_admin:
        return True
    courtyard_ids = list(db.session.scalars(
        sa.select(Membership.courtyard_id).where(Membership.user_id == subject.id)))
    if not courtyard_ids:
        return False
    staff_of = staff_community_ids(viewer)
    if staff_of and db.session.scalar(sa.select(sa.exists().where(
            Courtyard.id.in_(courtyard_ids), Courtyard.building_id == Building.id,
            Building.community_id.in_(staff_of)))):
        return True
    return bool(db.session.scalar(sa.select(sa.exists().where(
        Membership.user_id == viewer.id, Membership.courtyard_id.in_(courtyard_ids),
        Membership.status == MembershipStatus.active, Membership.role.in_(MODERATOR_ROLES)))))
