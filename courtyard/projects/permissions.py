"""Who may see and do what in the project pool (民生项目池): the one place.

- The pool (every project, its filters): street administrators, community staff and the
  staff of departments — the people who work the street's problems.
- A project, for everyone else: the active members (residents, building leads,
  secretaries) of a courtyard one of its *confirmed* links points to. The list query
  (`visible_projects`) and the object check (`can_view_project`) are one rule.
- Create a project, edit it, make any status move, confirm or remove links: street
  administrators.
- Post progress, add and tick milestones, start an approved project and complete one in
  progress: the staff of the owner department (and the street administrators).
- Propose a link to a topic (or task) of their community: community staff; the street
  confirms it. A street administrator's link is confirmed at once.
"""
from __future__ import annotations

import sqlalchemy as sa

from .. import memo
from ..extensions import db
from ..places import permissions as places
from ..places.models import Building, Courtyard, OrgKind, Organization
from . import rules
from .models import Project, ProjectLink


def _department_ids(user) -> frozenset[int]:
    """The departments (organizations of kind department) the user is staff of, once a request."""
    orgs = places.organization_ids(user)
    if not orgs:
        return frozenset()
    return memo.remembered(("project_departments", user.id), lambda: frozenset(db.session.scalars(
        sa.select(Organization.id).where(Organization.id.in_(orgs), Organization.kind == OrgKind.department))))


def is_street(user) -> bool:
    return places.is_street_admin(user)


def sees_whole_pool(user) -> bool:
    """Street administrators, community staff and department staff see every project."""
    if not places._authenticated(user):
        return False
    return places.is_any_staff(user) or bool(_department_ids(user))


def _member_courtyards(user) -> list[int]:
    return [m.courtyard_id for m in places.active_memberships(user)]


def visible_projects(user) -> sa.Select:
    if not places._authenticated(user):
        return sa.select(Project).where(sa.false())
    if sees_whole_pool(user):
        return sa.select(Project)
    return sa.select(Project).where(Project.id.in_(
        sa.select(ProjectLink.project_id).where(ProjectLink.confirmed_at.is_not(None),
                                                ProjectLink.courtyard_id.in_(_member_courtyards(user)))))


def can_view_project(user, project: Project) -> bool:
    """visible_projects for one project."""
    if not places._authenticated(user):
        return False
    if sees_whole_pool(user):
        return True
    mine = set(_member_courtyards(user))
    return any(link.confirmed_at is not None and link.courtyard_id in mine for link in project.links)


def can_use_pool(user) -> bool:
    """The pool in the menu: those who see the whole pool."""
    return sees_whole_pool(user)


def can_create_project(user) -> bool:
    return is_street(user)


def can_edit_project(user, project: Project) -> bool:
    return is_street(user) and project.status.value not in rules.FINAL


def is_owner_staff(user, project: Project) -> bool:
    return places._authenticated(user) and project.owner_org_id in places.organization_ids(user)


def can_work_project(user, project: Project) -> bool:
    """Post progress, add and tick milestones: the owner department's staff, street administrators."""
    return (is_street(user) or is_owner_staff(user, project)) and project.status.value not in rules.FINAL


def can_move(user, project: Project, to_status: str) -> bool:
    here = project.status.value
    if is_street(user):
        return rules.can_move(here, to_status)
    return is_owner_staff(user, project) and rules.owner_may_move(here, to_status)


def next_statuses(user, project: Project) -> list[str]:
    return rules.next_statuses(project.status.value, street=is_street(user), owner=is_owner_staff(user, project))


def can_link_courtyard(user, courtyard: Courtyard) -> bool:
    """Link a topic or task of this courtyard: the street, or its community's staff (proposed)."""
    return places.is_community_staff(user, courtyard.building.community_id)


def can_link_any(user) -> bool:
    """Link topics at all: the street, community staff."""
    return places.is_any_staff(user)


def confirms_links(user) -> bool:
    return is_street(user)


def can_remove_link(user, link: ProjectLink) -> bool:
    """The street; community staff their community's proposals that are not confirmed yet."""
    if is_street(user):
        return True
    return link.confirmed_at is None and places.is_community_staff(user, link.courtyard.building.community_id)


def linkable_courtyards_clause(user):
    """SQL condition on Courtyard for those whose topics the user may link (None: every one)."""
    if is_street(user):
        return None
    return Courtyard.building_id.in_(sa.select(Building.id).where(
        Building.community_id.in_(places.staff_community_ids(user) or {-1})))
