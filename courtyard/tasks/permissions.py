"""Who may see and do what with tasks, escalations and the service policy.

Pages, the API, the socket rooms and the templates all ask here. The list query
(`visible_tasks`) and the object check (`can_view_task`) are one clause, so they agree.

Who sees a task: whoever may read its topic (members of the courtyard, the community's
staff, street administrators, invited organizations), the staff of the organization it is
assigned to, and the staff of a department it was escalated to.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..deliberation import permissions as topics
from ..deliberation.models import Topic
from ..extensions import db
from ..places import permissions as places
from ..places.models import OrganizationMember, OrgKind, Organization, Role
from ..uploads.permissions import attachment
from .models import Escalation, EscalationTarget, Task, TaskPhoto, TaskUpdate


def _visible_clause(user):
    topic_ids = topics.visible_topics(user).with_only_columns(Topic.id)
    clauses = [Task.topic_id.in_(topic_ids)]
    orgs = places.organization_ids(user)
    if orgs:
        clauses.append(Task.assignee_org_id.in_(orgs))
        clauses.append(Task.id.in_(sa.select(Escalation.task_id).where(Escalation.organization_id.in_(orgs))))
    return sa.or_(*clauses)


def visible_tasks(user) -> sa.Select:
    if not places._authenticated(user):
        return sa.select(Task).where(sa.false())
    if places.is_street_admin(user):
        return sa.select(Task)
    return sa.select(Task).where(_visible_clause(user))


def can_view_task(user, task: Task) -> bool:
    if not places._authenticated(user):
        return False
    return bool(db.session.scalar(sa.select(sa.exists(
        visible_tasks(user).where(Task.id == task.id).with_only_columns(Task.id)))))


def can_create_task(user, topic: Topic) -> bool:
    """The topic's moderators (secretary, building lead) and the community's staff (CONTRACT §4)."""
    return topics.can_moderate_topic(user, topic)


def is_assignee(user, task: Task) -> bool:
    return task.assignee_org_id in places.organization_ids(user)


def can_work_task(user, task: Task) -> bool:
    """Only the assignee organization's staff move a task forward or add notes and photos to it."""
    return is_assignee(user, task)


def can_verify_task(user, task: Task) -> bool:
    """The topic's author (still a member), the courtyard's secretary or building lead accept or reopen."""
    membership = places.active_membership(user, task.courtyard)
    if membership is None:
        return False
    return task.topic.author_id == user.id or membership.role in places.MODERATOR_ROLES


def can_rate_task(user, task: Task) -> bool:
    """Every active member of the courtyard, once each (the rating can be changed)."""
    return places.active_membership(user, task.courtyard) is not None


def can_escalate_task(user, task: Task) -> bool:
    """吹哨 by hand: the courtyard's secretary, the community's staff, street administrators."""
    if places.is_community_staff(user, task.community_id):
        return True
    membership = places.active_membership(user, task.courtyard)
    return membership is not None and membership.role == Role.secretary


def _pending_for_clause(user):
    """Escalations `user` is the receiving side of (community staff, street administrators, department staff)."""
    clauses = []
    staff_of = places.staff_community_ids(user)
    if staff_of:
        clauses.append(sa.and_(Escalation.target == EscalationTarget.community,
                               Escalation.community_id.in_(staff_of)))
    if places.is_street_admin(user):
        clauses.append(Escalation.target == EscalationTarget.street)
    orgs = places.organization_ids(user)
    if orgs:
        clauses.append(sa.and_(Escalation.target == EscalationTarget.organization,
                               Escalation.organization_id.in_(orgs)))
    return sa.or_(*clauses) if clauses else sa.false()


def can_acknowledge(user, escalation: Escalation) -> bool:
    """报到: the side the whistle was blown to, once."""
    if not places._authenticated(user):
        return False
    if escalation.target == EscalationTarget.community:
        return escalation.community_id in places.staff_community_ids(user)
    if escalation.target == EscalationTarget.street:
        return places.is_street_admin(user)
    return escalation.organization_id in places.organization_ids(user)


def escalations_for(user) -> sa.Select:
    """Escalations of tasks the user sees, or addressed to them."""
    if not places._authenticated(user):
        return sa.select(Escalation).where(sa.false())
    tasks = visible_tasks(user).with_only_columns(Task.id)
    return sa.select(Escalation).where(sa.or_(Escalation.task_id.in_(tasks), _pending_for_clause(user)))


def addressed_to(user) -> sa.Select:
    if not places._authenticated(user):
        return sa.select(Escalation).where(sa.false())
    return sa.select(Escalation).where(_pending_for_clause(user))


def department_ids(user) -> set[int]:
    orgs = places.organization_ids(user)
    if not orgs:
        return set()
    return set(db.session.scalars(sa.select(Organization.id).where(
        Organization.id.in_(orgs), Organization.kind == OrgKind.department)))


# --- navigation and administration ---------------------------------------------------------

def can_use_work_queue(user) -> bool:
    """Staff of a property company or a department: their organizations' tasks."""
    return bool(places.organization_ids(user))


def can_use_escalations_inbox(user) -> bool:
    """Those who can be whistled to: community staff, street administrators, department staff."""
    return places.is_any_staff(user) or bool(department_ids(user))


def can_edit_policy(user, community) -> bool:
    """A community's service times and clock: its staff (and street administrators)."""
    return places.is_community_staff(user, community)


def can_edit_street_policy(user) -> bool:
    return places.is_street_admin(user)


def organization_staff(org_id: int) -> sa.Select:
    return sa.select(OrganizationMember.user_id).where(OrganizationMember.organization_id == org_id)


@attachment("task")
def photo_on_visible_task(user, upload_id: int) -> bool:
    """Photos of a task's timeline (the finished work): whoever may see the task."""
    task_ids = sa.select(TaskUpdate.task_id).join(TaskPhoto, TaskPhoto.update_id == TaskUpdate.id).where(
        TaskPhoto.upload_id == upload_id)
    attached = visible_tasks(user).where(Task.id.in_(task_ids))
    return bool(db.session.scalar(sa.select(sa.exists(attached.with_only_columns(Task.id)))))
