"""Who may see and do what with emergency notices, household flags and visits: the one place.

- Post, update and resolve a notice: the staff of its community, street administrators.
- Read a notice: active members of one of its courtyards (residents, building leads,
  secretaries), the community's staff, street administrators. The list query
  (`visible_notices`) and the object check (`can_view_notice`) are one clause.
- Household flags (独居/空巢/行动不便) of a courtyard: kept and seen by the community's staff
  and the courtyard's building leads and secretary — never by residents.
- The door-to-door checklist of a notice: its community's staff (every chosen courtyard), a
  building lead or secretary (the chosen courtyards they lead); they tick those flats.
- The 公示栏's notices: whoever may read the community's board — its staff, street
  administrators and the members of its courtyards.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..places import permissions as places
from ..places.models import Building, Courtyard
from .models import Notice, NoticeCourtyard, NoticeStatus


def can_post_notice(user, community) -> bool:
    return places.is_community_staff(user, community)


def can_manage_notice(user, notice: Notice) -> bool:
    """Add updates to it and resolve it."""
    return places.is_community_staff(user, notice.community_id)


def _member_courtyards(user) -> list[int]:
    return [m.courtyard_id for m in places.active_memberships(user)]


def _led_courtyards(user) -> list[int]:
    return [m.courtyard_id for m in places.active_memberships(user) if m.role in places.MODERATOR_ROLES]


def _visible_clause(user):
    staff_of = places.staff_community_ids(user)
    clauses = [Notice.id.in_(sa.select(NoticeCourtyard.notice_id).where(
        NoticeCourtyard.courtyard_id.in_(_member_courtyards(user))))]
    if staff_of:
        clauses.append(Notice.community_id.in_(staff_of))
    return sa.or_(*clauses)


def visible_notices(user) -> sa.Select:
    if not places._authenticated(user):
        return sa.select(Notice).where(sa.false())
    if places.is_street_admin(user):
        return sa.select(Notice)
    return sa.select(Notice).where(_visible_clause(user))


def can_view_notice(user, notice: Notice) -> bool:
    if not places._authenticated(user):
        return False
    if places.is_community_staff(user, notice.community_id):
        return True
    return bool(set(notice.courtyard_ids) & set(_member_courtyards(user)))


def can_use_notices(user) -> bool:
    """The notices page in the menu: community staff and street administrators."""
    return places.is_any_staff(user)


# --- households ------------------------------------------------------------------------------

def can_keep_flags(user, courtyard: Courtyard) -> bool:
    """The community's staff, the courtyard's building leads and secretary."""
    return places.can_moderate_courtyard(user, courtyard)


def flag_courtyards(user) -> sa.Select:
    """The courtyards whose flags the user keeps, in building order."""
    if not places._authenticated(user):
        return sa.select(Courtyard).where(sa.false())
    q = sa.select(Courtyard).join(Building, Building.id == Courtyard.building_id)
    if places.is_street_admin(user):
        return q.order_by(Building.community_id, Building.id)
    clauses = [Courtyard.id.in_(_led_courtyards(user))]
    staff_of = places.staff_community_ids(user)
    if staff_of:
        clauses.append(Building.community_id.in_(staff_of))
    return q.where(sa.or_(*clauses)).order_by(Building.community_id, Building.id)


def checklist_courtyard_ids(user, notice: Notice) -> list[int]:
    """Of the notice's courtyards, those whose flagged flats the user sees and ticks."""
    if not places._authenticated(user):
        return []
    if places.is_community_staff(user, notice.community_id):
        return notice.courtyard_ids
    led = set(_led_courtyards(user))
    return [c for c in notice.courtyard_ids if c in led]


def can_use_checklist(user, notice: Notice) -> bool:
    return bool(checklist_courtyard_ids(user, notice))


def can_visit(user, notice: Notice, courtyard_id: int) -> bool:
    return courtyard_id in checklist_courtyard_ids(user, notice)


def checklist_reader_ids(notice: Notice, courtyard_id: int) -> list[int]:
    """Who sees a flat of this courtyard on the notice's checklist (checklist_courtyard_ids, the
    other way round): the street's administrators, the community's staff, and the courtyard's
    active building leads and secretary — told of its visits live."""
    from ..accounts.models import User
    from ..places.models import CommunityStaff, Membership, MembershipStatus
    admins = sa.select(User.id).where(User.is_street_admin.is_(True), User.is_active_account.is_(True))
    staff = sa.select(CommunityStaff.user_id).where(CommunityStaff.community_id == notice.community_id)
    leads = sa.select(Membership.user_id).where(
        Membership.courtyard_id == courtyard_id, Membership.status == MembershipStatus.active,
        Membership.role.in_(places.MODERATOR_ROLES))
    return sorted(set(db.session.scalars(sa.union(admins, staff, leads))))


def can_use_flags(user) -> bool:
    """The household list in the menu: staff, building leads and secretaries."""
    return places.is_any_staff(user) or bool(_led_courtyards(user))


# --- the 公示栏 -------------------------------------------------------------------------------

def can_read_board_notices(user, community_id: int) -> bool:
    if not places._authenticated(user):
        return False
    if places.is_community_staff(user, community_id):
        return True
    return any(m.courtyard.building.community_id == community_id for m in places.active_memberships(user))


def is_active(notice: Notice) -> bool:
    return notice.status == NoticeStatus.active

