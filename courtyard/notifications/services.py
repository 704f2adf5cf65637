"""Notifications: the in-app centre, pushed live, and outbound channels.

The hooks below are called by listeners.py when another domain signals what happened
(courtyard/signals.py), inside that domain's transaction. A hook adds Notification rows and
queues, for after the commit, `notification.created` to `user:<id>` and, for the kinds in
OUTBOUND_KINDS, a send through the configured channels (channels.py).

Who hears of what:
- a reply in a topic: its author and its supporters (我也遇到), not the one who wrote it;
- a status change (also a merge): the topic's author and supporters, not the one who made it;
- an invitation (进院解题): the invited organization's staff, or the community's staff;
- a membership approved: the new member.
Only people who may still read the topic are told, and nobody who muted it (TopicMute).

Coalescing (grouping.py): one unread notification per person and group — every step of a
task (task_*), a topic's status changes, a topic's replies. A further step updates that row
(its kind, sentence, count, latest actor and time, the steps it kept) instead of adding one,
and it is pushed again under the same id; once read, the next step starts a new row. So 20
replies make one unread entry saying "20 new replies", 13 steps of a task one entry of 13.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from .. import clock, events, header
from ..accounts.models import User
from ..deliberation import permissions as topic_permissions
from ..deliberation.models import Topic, TopicSupport
from ..districts.models import DistrictStaff
from ..errors import NotFound
from ..extensions import db
from ..places.models import CommunityStaff, Membership, MembershipStatus, OrganizationMember
from ..places.permissions import MODERATOR_ROLES
from ..places.services import find
from ..realtime import rooms
from ..tasks import permissions as task_permissions
from ..tasks.payloads import target_name
from . import channels, outbound as outbound_records, payloads
from . import grouping
from ..dbtypes import iso
from .models import Notification, TopicMute


REPLY, STATUS, INVITATION, MEMBERSHIP_APPROVED = "reply", "status", "invitation", "membership_approved"
# Worth a text message or a WeChat push, not only the in-app centre.
EMERGENCY = "emergency"
DISTRICT_RAISED = "district_raised"
PROJECT_PROGRESS = "project_progress"
OUTBOUND_KINDS = {INVITATION, MEMBERSHIP_APPROVED, "task_assigned", "task_escalated",
                  "ballot_opened", "ballot_closing", "ballot_decided", "ballot_reminder", EMERGENCY}


Recipient = channels.Recipient  # who an outbound channel sends to (id, display_name, phone, locale, email)


def topic_url(topic_id: int) -> str:
    return f"/topics/{topic_id}"


# --- hooks ---------------------------------------------------------------------------------

def message_posted(actor, topic, message) -> None:
    """Tell the topic's author and supporters of a reply (unless they muted the topic)."""
    interested = set(db.session.scalars(sa.select(TopicSupport.user_id).where(TopicSupport.topic_id == topic.id)))
    interested.add(topic.author_id)
    _notify(_audience(topic, interested, actor), kind=REPLY, actor=actor, topic=topic, url=topic_url(topic.id),
            data={"title": topic.title, "actor": actor.display_name})


def topic_status_changed(actor, topic, old_status) -> None:
    """Tell the topic's author and supporters its status changed (a merge included)."""
    interested = set(db.session.scalars(sa.select(TopicSupport.user_id).where(TopicSupport.topic_id == topic.id)))
    interested.add(topic.author_id)
    data = {"title": topic.title, "status": topic.status.value, "old": getattr(old_status, "value", old_status)}
    if topic.merged_into_id is not None:
        into = db.session.get(Topic, topic.merged_into_id)
        data["into"] = into.title if into else None
    _notify(_audience(topic, interested, actor), kind=STATUS, actor=actor, topic=topic, url=topic_url(topic.id),
            data=data)


def invited(actor, invitation) -> None:
    """Tell the invited organization's staff (or the community's staff) they were brought into a topic."""
    topic = invitation.topic
    if invitation.organization_id is not None:
        staff = set(db.session.scalars(sa.select(OrganizationMember.user_id).where(
            OrganizationMember.organization_id == invitation.organization_id)))
        who = invitation.organization.name
    else:
        staff = set(db.session.scalars(sa.select(CommunityStaff.user_id).where(
            CommunityStaff.community_id == invitation.community_id)))
        who = invitation.community.name
    _notify(_audience(topic, staff, actor), kind=INVITATION, actor=actor, topic=topic, url=topic_url(topic.id),
            data={"title": topic.title, "who": who, "courtyard": topic.courtyard.name})


def membership_approved(actor, membership) -> None:
    """Tell a person their request to join a courtyard was approved."""
    if actor is not None and membership.user_id == actor.id:
        return
    courtyard = membership.courtyard
    _notify([membership.user_id], kind=MEMBERSHIP_APPROVED, actor=actor, courtyard_id=courtyard.id,
            url=f"/courtyards/{courtyard.id}", data={"courtyard": courtyard.name})


def _audience(topic, user_ids: set[int], actor, *, respect_mute: bool = True) -> list[int]:
    """Of `user_ids`: not the actor, not those who muted the topic (unless `respect_mute` is
    False: work someone must do), only those who may read it."""
    ids = set(user_ids)
    if actor is not None:
        ids.discard(actor.id)
    if not ids:
        return []
    if respect_mute:
        muted = set(db.session.scalars(sa.select(TopicMute.user_id).where(
            TopicMute.topic_id == topic.id, TopicMute.user_id.in_(ids))))
        ids -= muted
    if not ids:
        return []
    readers = topic_permissions.topic_readers(topic).subquery()
    return sorted(db.session.scalars(sa.select(readers.c[0]).where(readers.c[0].in_(ids))))


# --- tasks (courtyard/tasks): sentences in tasks/payloads.py --------------------------------
#
# Who hears of what:
# - a task dispatched, reminded, overdue or reopened: the assignee organization's staff
#   (even if they muted the topic: it is their work);
# - a task moved forward: the topic's author, its supporters and whoever dispatched it;
#   once done, those who can accept it are asked to (the author, secretary, building lead);
# - accepted or reopened: the organization's staff, the dispatcher and the topic's author;
# - escalated (吹哨): the receiving side (community staff, street administrators or the
#   department's staff), the organization's staff and the dispatcher;
# - acknowledged (报到): whoever raised it, the dispatcher and the organization's staff.

TASK_ASSIGNED, TASK_STATUS, TASK_DONE, TASK_VERIFIED, TASK_REOPENED = (
    "task_assigned", "task_status", "task_done", "task_verified", "task_reopened")
TASK_REMINDER, TASK_OVERDUE, TASK_ESCALATED, TASK_ACKNOWLEDGED = (
    "task_reminder", "task_overdue", "task_escalated", "task_acknowledged")


def _task_org_staff(task) -> set[int]:
    return set(db.session.scalars(sa.select(OrganizationMember.user_id).where(
        OrganizationMember.organization_id == task.assignee_org_id)))


def _task_supporters(task) -> set[int]:
    ids = set(db.session.scalars(sa.select(TopicSupport.user_id).where(TopicSupport.topic_id == task.topic_id)))
    return ids | {task.topic.author_id}


def _task_verifiers(task) -> set[int]:
    ids = set(db.session.scalars(sa.select(Membership.user_id).where(
        Membership.courtyard_id == task.courtyard_id, Membership.status == MembershipStatus.active,
        Membership.role.in_(MODERATOR_ROLES))))
    author = db.session.get(User, task.topic.author_id)
    if author is not None and task_permissions.can_verify_task(author, task):
        ids.add(author.id)
    return ids


def _task_notify(task, user_ids: set[int], kind: str, actor=None, *, respect_mute: bool = True, **data):
    _notify(_audience(task.topic, user_ids, actor, respect_mute=respect_mute), kind=kind, actor=actor,
            topic=task.topic, url=f"/tasks/{task.id}", data={"title": task.title, "task_id": task.id, **data})


def task_assigned(actor, task) -> None:
    """Tell the assignee organization's staff of a new task."""
    _task_notify(task, _task_org_staff(task), TASK_ASSIGNED, actor, respect_mute=False,
                 org=task.assignee_org.name, due_at=task.due_at.isoformat())


def task_status_changed(actor, task, old_status) -> None:
    """Tell those following the topic that the work moved on; once done, ask those who can accept it."""
    status = task.status.value
    concerned = _task_supporters(task) | {task.created_by_id}
    if status == "done":
        verifiers = _task_verifiers(task)
        _task_notify(task, verifiers, TASK_DONE, actor)
        concerned -= verifiers
    _task_notify(task, concerned, TASK_STATUS, actor, status=status, old=getattr(old_status, "value", old_status))


def task_verified(actor, task, accepted: bool) -> None:
    """Tell the organization, the dispatcher and the topic's author that the work was accepted or reopened."""
    people = _task_org_staff(task) | {task.created_by_id, task.topic.author_id}
    _task_notify(task, people, TASK_VERIFIED if accepted else TASK_REOPENED, actor, respect_mute=accepted,
                 name=actor.display_name)


def task_reminder(task) -> None:
    """The service clock: the due date is near."""
    _task_notify(task, _task_org_staff(task), TASK_REMINDER, respect_mute=False, due_at=task.due_at.isoformat())


def task_overdue(task) -> None:
    """The service clock: the due date has passed."""
    _task_notify(task, _task_org_staff(task) | {task.created_by_id}, TASK_OVERDUE, respect_mute=False,
                 due_at=task.due_at.isoformat())


def _escalation_receivers(escalation) -> set[int]:
    target = escalation.target.value
    if target == "community":
        return set(db.session.scalars(sa.select(CommunityStaff.user_id).where(
            CommunityStaff.community_id == escalation.community_id)))
    if target == "street":
        return set(db.session.scalars(sa.select(User.id).where(User.is_street_admin.is_(True))))
    return set(db.session.scalars(sa.select(OrganizationMember.user_id).where(
        OrganizationMember.organization_id == escalation.organization_id)))


def task_escalated(actor, task, escalation) -> None:
    """吹哨: the receiving side is asked to acknowledge; the organization and the dispatcher are told."""
    people = _escalation_receivers(escalation) | _task_org_staff(task) | {task.created_by_id}
    _task_notify(task, people, TASK_ESCALATED, actor, respect_mute=False, level=escalation.level,
                 target=target_name(escalation))


def task_acknowledged(actor, task, escalation) -> None:
    """报到: whoever raised the escalation, the dispatcher and the organization hear it was answered."""
    people = _task_org_staff(task) | {task.created_by_id}
    if escalation.raised_by_id is not None:
        people.add(escalation.raised_by_id)
    _task_notify(task, people, TASK_ACKNOWLEDGED, actor, target=target_name(escalation))


# --- emergencies (courtyard/emergencies) -----------------------------------------------------

def emergency(actor, notice, update) -> None:
    """An emergency notice posted, updated or resolved: every active member of its courtyards
    (not the one who wrote it), in the centre and by text or WeChat — no mute applies."""
    told: set[int] = set() if actor is None else {actor.id}
    data = {"title": notice.title, "notice_kind": notice.kind.value, "step": update.kind.value,
            "text": update.text[:120], "notice_id": notice.id}
    for courtyard_id in notice.courtyard_ids:
        members = [uid for uid in db.session.scalars(sa.select(Membership.user_id).where(
            Membership.courtyard_id == courtyard_id, Membership.status == MembershipStatus.active)
            .order_by(Membership.user_id)) if uid not in told]
        told.update(members)
        _notify(members, kind=EMERGENCY, actor=actor, courtyard_id=courtyard_id, url=f"/notices/{notice.id}",
                data=data)


# --- districts (courtyard/districts) -----------------------------------------------------------

def topic_raised_to_district(actor, topic, thread) -> None:
    """A community topic raised to its district (吹哨): the staff of the district's station (not the
    one who raised it), in the centre only, linked to the district thread."""
    staff = [uid for uid in db.session.scalars(sa.select(DistrictStaff.user_id).where(
        DistrictStaff.district_id == thread.district_id).order_by(DistrictStaff.user_id))
        if actor is None or uid != actor.id]
    _notify(staff, kind=DISTRICT_RAISED, actor=actor, url=f"/districts/{thread.district_id}/threads/{thread.id}",
            data={"title": thread.title, "district": thread.district.name,
                  "community": topic.courtyard.building.community.name, "thread_id": thread.id})


# --- the project pool (courtyard/projects) ----------------------------------------------------

def project_progress(actor, project, update) -> None:
    """A project moved on (its status, a progress note, a milestone reached): the authors and
    supporters of the topics it is confirmed for hear it, through each topic (mutes and who may
    read it apply), once each even when several of their topics are linked."""
    from ..projects.models import ProjectLink
    topic_ids = sorted(set(db.session.scalars(sa.select(ProjectLink.topic_id).where(
        ProjectLink.project_id == project.id, ProjectLink.confirmed_at.is_not(None)))))
    told: set[int] = set()
    for topic in db.session.scalars(sa.select(Topic).where(Topic.id.in_(topic_ids)).order_by(Topic.id)):
        interested = set(db.session.scalars(sa.select(TopicSupport.user_id).where(TopicSupport.topic_id == topic.id)))
        interested.add(topic.author_id)
        audience = _audience(topic, interested - told, actor)
        told.update(audience)
        _notify(audience, kind=PROJECT_PROGRESS, actor=actor, topic=topic, url=f"/projects/{project.id}",
                data={"title": project.title, "topic_title": topic.title, "step": update.kind.value,
                      "status": project.status.value, "text": (update.text or "")[:120], "project_id": project.id})


def _notify(user_ids: list[int], *, kind: str, actor=None, topic=None, courtyard_id=None, url=None,
            data: dict, outbound: set[int] | None = None) -> list[Notification]:
    """Add (or coalesce) the rows and push them; `outbound`: which of the recipients also get the
    OUTBOUND_KINDS through the channels (None: all of them)."""
    if not user_ids:
        return []
    now = clock.now()
    # Coalescing (grouping.py): one unread entry per person and group — a task's steps, a
    # topic's status changes, its replies; the step joins it under the same id.
    group = grouping.group_key(kind, data, topic.id if topic is not None else None)
    existing: dict[int, Notification] = {}
    if group is not None:
        prefix = grouping.family(kind)
        same_family = Notification.kind.startswith(prefix) if prefix == "task_" else Notification.kind == prefix
        existing = {n.user_id: n for n in db.session.scalars(sa.select(Notification).where(
            Notification.user_id.in_(user_ids), Notification.topic_id == topic.id, same_family,
            Notification.read_at.is_(None)).order_by(Notification.id))
            if grouping.group_key(n.kind, n.data, n.topic_id) == group}
    users = {u.id: u for u in db.session.execute(
        sa.select(User.id, User.locale, User.display_name, User.phone).where(User.id.in_(user_ids)))}
    rows = []
    for user_id in user_ids:
        n = existing.get(user_id)
        previous = (n.kind, n.data, iso(n.created_at)) if n is not None else None
        if n is None:
            n = Notification(user_id=user_id, kind=kind)
            db.session.add(n)
        n.kind = kind  # the latest step's
        n.topic_id = topic.id if topic is not None else None
        n.courtyard_id = topic.courtyard_id if topic is not None else courtyard_id
        n.actor_id = actor.id if actor is not None else None
        n.url, n.created_at = url, now
        n.data = grouping.gathered(previous, kind, data, iso(now), group)
        n.text = _text_in(n, _locale_of(users.get(user_id)))
        rows.append(n)
    db.session.flush()
    for n in rows:
        user = users.get(n.user_id)
        payload = payloads.notification_json(n, locale=_locale_of(user))
        events.publish("notification.created", rooms.user(n.user_id), payload)
    if kind in OUTBOUND_KINDS:
        _queue_outbound([n for n in rows if n.user_id in users and (outbound is None or n.user_id in outbound)])
    return rows


def _locale_of(user) -> str:
    langs = current_app.config["LANGUAGES"]
    locale = getattr(user, "locale", None)
    return locale if locale in langs else current_app.config["BABEL_DEFAULT_LOCALE"]


def _text_in(n: Notification, locale: str) -> str:
    with force_locale(locale):
        return payloads.render_text(n)[:300]


# --- outbound channels, after the commit ---------------------------------------------------

def _queue_outbound(rows: list[Notification]) -> None:
    """Delivery records for these notifications, in this transaction; sent after the commit (outbound.py)."""
    outbound_records.queue(rows)


# --- the centre ----------------------------------------------------------------------------

def notifications_for(actor, *, unread: bool | None = None) -> sa.Select:
    """The actor's notifications, newest first; only unread ones when unread=True."""
    q = sa.select(Notification).where(Notification.user_id == actor.id)
    if unread is True:
        q = q.where(Notification.read_at.is_(None))
    elif unread is False:
        q = q.where(Notification.read_at.is_not(None))
    return q.order_by(Notification.created_at.desc(), Notification.id.desc())


def _unread_expression(actor) -> sa.ColumnElement:
    return sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)).scalar_subquery()


header.register("unread_notifications", _unread_expression)  # the badge, with the layout's other figures


def unread_count(actor) -> int:
    return db.session.scalar(sa.select(_unread_expression(actor)))


def get_notification(actor, notification_id) -> Notification:
    """One of the actor's own notifications; NotFound for anyone else's."""
    n = find(Notification, notification_id)
    if n is None or n.user_id != actor.id:
        raise NotFound()
    return n


def mark_read(actor, notification: Notification) -> Notification:
    if notification.user_id != actor.id:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = clock.now()
        db.session.commit()
    return notification


def mark_all_read(actor, *, topic_id: int | None = None) -> int:
    """Mark every unread notification read (or only those of one topic). Returns how many."""
    q = sa.update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if topic_id is not None:
        q = q.where(Notification.topic_id == topic_id)
    result = db.session.execute(q.values(read_at=clock.now()).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


# --- muting --------------------------------------------------------------------------------

def is_muted(actor, topic) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(
        TopicMute.topic_id == topic.id, TopicMute.user_id == actor.id))))


def mute(actor, topic) -> bool:
    """No more notifications about this topic for the actor. Idempotent. Raises NotFound."""
    if not topic_permissions.can_mute(actor, topic):
        raise NotFound()
    if not is_muted(actor, topic):
        db.session.add(TopicMute(topic_id=topic.id, user_id=actor.id, created_at=clock.now()))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
    return True


def unmute(actor, topic) -> bool:
    """Hear about this topic again. Idempotent. Raises NotFound."""
    if not topic_permissions.can_mute(actor, topic):
        raise NotFound()
    db.session.execute(sa.delete(TopicMute).where(TopicMute.topic_id == topic.id, TopicMute.user_id == actor.id))
    db.session.commit()
    return False
