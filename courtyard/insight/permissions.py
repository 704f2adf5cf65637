"""Who may read which figures, and who may see the community's boards. The one place these rules live.

| what | street administrator | community staff | secretary | other members of a courtyard |
| --- | --- | --- | --- | --- |
| figures of the street (`scope=street`) | yes | no | no | no |
| figures of a community | every one | their communities | no | no |
| figures of a courtyard | every one | courtyards of their communities | their courtyard | no |
| dashboards, 未诉先办, exports | yes | their communities | no | no |
| 物业服务质量榜, 公示栏, 曝光台 of a community | every one | their communities | the courtyard's community | the courtyard's community |
| turn a recurring problem into a topic or task | yes | their communities | no | no |

A secretary reads their own courtyard's figures (through the API and the courtyard's
dashboard) but neither other courtyards nor exports: the export holds every topic of the
scope, and staff answer for those. tests/insight/test_permissions.py checks the table.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..places import permissions as places
from ..places.models import Community, Courtyard, Membership, MembershipStatus, Role
from .queries import Scope


def can_read_scope(user, scope: Scope) -> bool:
    if not places._authenticated(user):
        return False
    if scope.kind == "street":
        return places.is_street_admin(user)
    if places.is_community_staff(user, scope.community_id):
        return True
    if scope.kind == "courtyard":
        return _is_secretary_of(user, scope.id)
    return False


def can_use_staff_tools(user, scope: Scope) -> bool:
    """Dashboards, 未诉先办 and exports: street administrators, and community staff within their communities."""
    if not places._authenticated(user):
        return False
    if scope.kind == "street":
        return places.is_street_admin(user)
    return places.is_community_staff(user, scope.community_id)


can_export = can_use_staff_tools
can_view_foresight = can_use_staff_tools


def can_act_on_recurring(user, courtyard: Courtyard) -> bool:
    """Turn a recurring problem into a proactive topic or task: the community's staff."""
    return places.is_community_staff(user, courtyard.building.community_id)


def can_run_monthly_projects(user, community_id: int) -> bool:
    """Choose the community's 主动治理 project of the month and record its outcome: its staff."""
    return places._authenticated(user) and places.is_community_staff(user, community_id)


def can_use_dashboard(user) -> bool:
    """Offer the dashboard in the navigation: staff of any community, street administrators."""
    return places.is_any_staff(user)


def _is_secretary_of(user, courtyard_id: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(
        Membership.courtyard_id == courtyard_id, Membership.user_id == user.id,
        Membership.status == MembershipStatus.active, Membership.role == Role.secretary))))


def member_community_ids(user) -> set[int]:
    """Communities in which the user is an active member of some courtyard."""
    if not places._authenticated(user):
        return set()
    return {m.courtyard.building.community_id for m in places.active_memberships(user)}


def can_view_community_boards(user, community: Community | int) -> bool:
    """物业服务质量榜, 公示栏 and 曝光台: the community's residents, its staff, street administrators."""
    cid = community if isinstance(community, int) else community.id
    if not places._authenticated(user):
        return False
    return places.is_community_staff(user, cid) or cid in member_community_ids(user)


def board_communities(user) -> sa.Select:
    """The communities whose boards the user may see (for the navigation and the index page)."""
    if places.is_street_admin(user):
        return sa.select(Community).order_by(Community.id)
    ids = member_community_ids(user) | places.staff_community_ids(user)
    return sa.select(Community).where(Community.id.in_(ids or {-1})).order_by(Community.id)


def can_see_boards(user) -> bool:
    return places._authenticated(user) and (places.is_any_staff(user) or bool(member_community_ids(user)))


def readable_scopes(user) -> list[Scope]:
    """The scopes the user may pick on the dashboard, widest first."""
    out: list[Scope] = []
    if not places._authenticated(user):
        return out
    if places.is_street_admin(user):
        out.append(Scope("street", None, "", None))
    for community in db.session.scalars(places.manageable_communities(user)):
        out.append(Scope("community", community.id, community.name, community.id))
    return out
