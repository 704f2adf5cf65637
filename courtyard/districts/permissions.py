"""Who may see and do what in the districts (片区): the one place these rules live.

- Members of a district courtyard: its district staff (片区治理服务站), the staff of its
  communities, the secretaries of courtyards in its communities, street administrators.
  They read its threads and posts, start threads and post (the list query
  `visible_threads` and the object check `can_view_thread` are one set of district ids).
  Residents, building leads and organizations' staff are not members.
- Resolve or reopen a thread: its author, the district's staff, street administrators.
- Raise a topic to its district (吹哨): the secretary of the topic's courtyard or the staff
  of its community (and street administrators).
- Mark an experience case (经验案例), or remove it: the district's staff, street administrators.
- Read experience cases: anyone signed in — they are written to be shared, about public
  problems; a case links to its topic only for those who may read the topic.
- Manage districts (create, rename, assign communities, appoint staff): street administrators.
"""
from __future__ import annotations

import sqlalchemy as sa

from .. import header, memo
from ..extensions import db
from ..places import permissions as places
from ..places.models import (Building, Community, CommunityStaff, Courtyard, District, Membership, MembershipStatus,
                             Role)
from .models import DistrictStaff, DistrictThread


def _authenticated(user) -> bool:
    return places._authenticated(user)


def _seats(user) -> tuple[frozenset[int], frozenset[int]]:
    """(the districts whose station the user staffs, the districts of the communities they are
    staff of or a secretary in): one query, once a request, beyond what places' rules know."""
    def load():
        communities = set(places.staff_community_ids(user))
        communities |= {m.courtyard.building.community_id for m in places.active_memberships(user)
                        if m.role == Role.secretary}
        q = sa.select(DistrictStaff.district_id, sa.literal(1)).where(DistrictStaff.user_id == user.id)
        if communities:
            q = q.union_all(sa.select(Community.district_id, sa.literal(0)).where(
                Community.id.in_(communities), Community.district_id.is_not(None)))
        staff, member = set(), set()
        for district_id, is_staff in db.session.execute(q):
            (staff if is_staff else member).add(district_id)
        return frozenset(staff), frozenset(staff | member)
    return memo.remembered(("district_seats", user.id), load)


def staff_district_ids(user) -> frozenset[int]:
    """The districts whose 片区治理服务站 the user is on the staff of."""
    if not _authenticated(user):
        return frozenset()
    return _seats(user)[0]


def member_district_ids(user) -> frozenset[int] | None:
    """The districts whose courtyard the user is a member of; None for every one (a street administrator)."""
    if not _authenticated(user):
        return frozenset()
    if places.is_street_admin(user):
        return None
    return _seats(user)[1]


def is_member(user, district: District | int) -> bool:
    did = district if isinstance(district, int) else district.id
    ids = member_district_ids(user)
    return ids is None or did in ids


def is_district_staff(user, district: District | int) -> bool:
    did = district if isinstance(district, int) else district.id
    return places.is_street_admin(user) or did in staff_district_ids(user)


def visible_districts(user) -> sa.Select:
    """The districts whose courtyard the user may enter, by id."""
    ids = member_district_ids(user)
    q = sa.select(District).order_by(District.id)
    return q if ids is None else q.where(District.id.in_(ids or {-1}))


def can_use_districts(user) -> bool:
    """Members of at least one district courtyard."""
    ids = member_district_ids(user)
    return ids is None or bool(ids)


def _member_anywhere(user) -> sa.ColumnElement | None:
    """can_use_districts as SQL, for the layout's one query a page (courtyard/header.py): the
    same three ways in as _seats — a station seat, staff of a community in a district, the
    secretary of a courtyard there."""
    if not _authenticated(user) or places.is_street_admin(user):
        return None
    in_district = Community.district_id.is_not(None)
    return sa.or_(
        sa.exists().where(DistrictStaff.user_id == user.id),
        sa.exists().where(CommunityStaff.user_id == user.id, CommunityStaff.community_id == Community.id, in_district),
        sa.exists().where(Membership.user_id == user.id, Membership.role == Role.secretary,
                          Membership.status == MembershipStatus.active, Membership.courtyard_id == Courtyard.id,
                          Courtyard.building_id == Building.id, Building.community_id == Community.id, in_district))


header.register("districts", _member_anywhere)


def offers_districts(user) -> bool:
    """The 片区 link in the menu: can_use_districts, asked with the layout's other figures."""
    if not _authenticated(user):
        return False
    return places.is_street_admin(user) or bool(header.value(user, "districts"))


def can_view_thread(user, thread: DistrictThread) -> bool:
    return is_member(user, thread.district_id)


def visible_threads(user) -> sa.Select:
    ids = member_district_ids(user)
    q = sa.select(DistrictThread)
    return q if ids is None else q.where(DistrictThread.district_id.in_(ids or {-1}))


def can_start_thread(user, district) -> bool:
    return is_member(user, district)


def can_post(user, thread: DistrictThread) -> bool:
    return is_member(user, thread.district_id)


def can_manage_thread(user, thread: DistrictThread) -> bool:
    """Resolve or reopen it."""
    return is_district_staff(user, thread.district_id) or (_authenticated(user) and thread.author_id == user.id)


def can_raise_topic(user, topic) -> bool:
    """The secretary of the topic's courtyard, its community's staff, street administrators."""
    if places.is_community_staff(user, topic.courtyard.building.community_id):
        return True
    m = places.active_membership(user, topic.courtyard)
    return m is not None and m.role == Role.secretary


def can_mark_case(user, district) -> bool:
    return is_district_staff(user, district)


def can_read_cases(user) -> bool:
    return _authenticated(user)


def can_manage_districts(user) -> bool:
    return places.is_street_admin(user)
