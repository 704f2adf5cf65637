"""Tasks: the work — one function per act, shared by pages, the JSON API and the service clock.

The service policy and service times are in policy.py; the clock that reminds and
escalates on its own is clock.py.

Each act checks permissions.py (NotFound where the caller may not know the task exists,
Forbidden for the wrong people), validates (Invalid with fields), writes, says what
happened (courtyard/signals.py: the audit log and notifications listen), commits, and
publishes `task.updated` to `topic:<id>` and `org:<assignee>` after the commit.

Concurrency: every change of a task is a conditional UPDATE on the status (or level) it
was read with — ``UPDATE tasks SET status = :to, seq = seq + 1 WHERE id = :id AND status
= :from`` — so of two people pressing the same button one wins and the other hears
Conflict. The service clock's jobs use the same kind of UPDATE (``... WHERE reminded_at
IS NULL``, ``... WHERE escalation_level = :seen``), so when several server processes run
the clock at once exactly one of them reminds, notifies or escalates each task.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import clock, events, memo, signals
from ..realtime import rooms
from ..deliberation import permissions as topic_permissions
from ..deliberation.models import Topic, TopicInvitation
from ..deliberation.services import check_blocked_words, clean_text
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..places.models import Courtyard, Organization, OrgKind
from ..places.services import find
from ..uploads import services as uploads
from ..validation import Fields, parse_datetime, parse_id_filter
from . import payloads, permissions, queries, rules
from .models import (Escalation, EscalationTarget, Score, Task, TaskPhoto, TaskRating, TaskStatus, TaskUpdate,
                     UpdateKind)
from .policy import policy_for, service_hours

TITLE_MAX = 100
NOTE_MAX = 2000
REASON_MAX = 500
MAX_PHOTOS = uploads.MAX_PHOTOS


# --- reading -------------------------------------------------------------------------------

def get_task(actor, task_id) -> Task:
    """A task the actor may see; NotFound otherwise (its existence is private)."""
    task = find(Task, task_id)
    if task is None or not permissions.can_view_task(actor, task):
        raise NotFound()
    return task


def tasks_for(actor, *, status=None, org_id=None, courtyard_id=None, topic_id=None) -> sa.Select:
    """The tasks the actor may see, filtered, most urgent first: overdue (longest first), then due
    soonest; done and verified ones last. Raises Invalid on a filter that is not a status or an id."""
    f = Fields()
    q = permissions.visible_tasks(actor)
    if status not in (None, ""):
        try:
            q = q.where(Task.status == TaskStatus(status))
        except ValueError:
            f.add("status", _l("Not one of the allowed values."))
    for field, column, value in (("org_id", Task.assignee_org_id, org_id),
                                 ("courtyard_id", Task.courtyard_id, courtyard_id),
                                 ("topic_id", Task.topic_id, topic_id)):
        ident = parse_id_filter(f, field, value)  # out of range names nothing: an empty list
        if ident is not None:
            q = q.where(column == ident)
    f.check()
    return q.order_by(*queries.urgency_order(clock.now()))  # rules.urgency_key, as SQL


def tasks_of_topic(actor, topic: Topic) -> list[Task]:
    """The tasks made from a topic, oldest first, as far as the actor may see them — with their
    organization and timelines (authors, photos, escalations) loaded: one query a request."""
    return [task for task, _rated in rated_tasks_of_topic(actor, topic)]


def rated_tasks_of_topic(actor, topic: Topic) -> list[tuple[Task, tuple[dict[str, int], Score | None]]]:
    """tasks_of_topic, each with what ratings_of_tasks says of it, all in the same one query."""
    def load():
        counts = [sa.select(sa.func.count()).where(TaskRating.task_id == Task.id, TaskRating.score == s)
                  .correlate(Task).scalar_subquery() for s in Score]
        mine = sa.select(TaskRating.score).where(TaskRating.task_id == Task.id, TaskRating.user_id == actor.id) \
            .correlate(Task).limit(1).scalar_subquery()
        rows = db.session.execute(
            permissions.visible_tasks(actor).where(Task.topic_id == topic.id).order_by(Task.id)
            .add_columns(*counts, mine).options(
                joinedload(Task.assignee_org),
                joinedload(Task.updates).options(
                    joinedload(TaskUpdate.author),
                    joinedload(TaskUpdate.escalation).options(joinedload(Escalation.organization),
                                                              joinedload(Escalation.community)),
                    joinedload(TaskUpdate.photos)))).unique().all()
        out = []
        for task, *numbers, my_score in rows:
            rated = {s.value: int(n or 0) for s, n in zip(Score, numbers)}
            out.append((task, (rated, Score(my_score) if my_score else None)))
        return out
    return memo.remembered(("tasks_of_topic", actor.id, topic.id), load)


def rating_counts(task: Task) -> dict[str, int]:
    return ratings_of_tasks(None, [task])[task.id][0]


def ratings_of_tasks(actor, tasks: list[Task]) -> dict[int, tuple[dict[str, int], Score | None]]:
    """For each task: its ratings counted by score, and the actor's own score (None without one) —
    one query for all of them."""
    result = {t.id: ({s.value: 0 for s in Score}, None) for t in tasks}
    if not tasks:
        return result
    mine = (sa.func.max(sa.case((TaskRating.user_id == actor.id, 1), else_=0)) if actor is not None
            else sa.literal(0))
    for task_id, score, n, is_mine in db.session.execute(
            sa.select(TaskRating.task_id, TaskRating.score, sa.func.count(), mine)
            .where(TaskRating.task_id.in_(result)).group_by(TaskRating.task_id, TaskRating.score)):
        counts, my_score = result[task_id]
        counts[score.value] = int(n)
        result[task_id] = (counts, score if is_mine else my_score)
    return result


def rating_of(actor, task: Task) -> TaskRating | None:
    return db.session.scalar(sa.select(TaskRating).where(TaskRating.task_id == task.id,
                                                         TaskRating.user_id == actor.id))


def task_for(actor, task: Task) -> dict:
    """The task as `actor` sees it: the public part plus their rating and what they may do."""
    rating = rating_of(actor, task)
    status = task.status.value
    return {
        **payloads.task_json(task),
        "my_rating": rating.score.value if rating else None,
        "can": {
            "work": permissions.can_work_task(actor, task) and status in rules.WORK_TRANSITIONS,
            "note": permissions.can_work_task(actor, task) and status in rules.OPEN,
            "verify": status == rules.VERIFY_FROM and permissions.can_verify_task(actor, task),
            "rate": status in (rules.DONE, rules.VERIFIED) and permissions.can_rate_task(actor, task),
            "escalate": status in rules.CLOCK_RUNNING and permissions.can_escalate_task(actor, task),
        },
    }


# --- dispatching ---------------------------------------------------------------------------

def _parse_due(f: Fields, value, now: datetime) -> datetime | None:
    """A due date: an aware datetime or ISO-8601 text (without a zone: Beijing time), in the future."""
    value = parse_datetime(f, "due_at", value, local=True, required=False)
    if value is None:
        return None
    if value <= now:
        f.add("due_at", _l("Must be in the future."))
        return None
    if value > now + rules.MAX_DUE:
        f.add("due_at", _l("Must be within a year."))
        return None
    return value


def _assignee(f: Fields, courtyard: Courtyard, assignee_org_id) -> Organization | None:
    if assignee_org_id in (None, ""):
        org = courtyard.building.property_org
        if org is None:
            f.add("assignee_org_id", _l("This building has no property company: choose an organization."))
        return org
    org = find(Organization, assignee_org_id)
    if org is None:
        f.add("assignee_org_id", _l("No such organization."))
    return org


def _bring_into_topic(topic: Topic, org_id: int, invited_by_id: int, now) -> None:
    """The organization that is to act may read and answer in the discussion that led to it (进院解题)."""
    if not db.session.scalar(sa.select(sa.exists().where(TopicInvitation.topic_id == topic.id,
                                                         TopicInvitation.organization_id == org_id))):
        db.session.add(TopicInvitation(topic_id=topic.id, organization_id=org_id, invited_by_id=invited_by_id,
                                       created_at=now))


def create_task(actor, topic: Topic, *, assignee_org_id=None, title=None, due_at=None, proposal=None) -> Task:
    """Dispatch a topic (or its adopted proposal) to an organization as a task.

    The topic's moderators and the community's staff. The organization defaults to the
    building's property company; the due date to now + the community's service time for
    the topic's category. The organization is brought into the topic. Raises NotFound,
    Forbidden, Invalid, Conflict (topic closed, proposal not adopted, the same organization
    already has an open task for it). Notifies the organization's staff; publishes task.updated.
    """
    if not topic_permissions.can_view_topic(actor, topic):
        raise NotFound()
    if not permissions.can_create_task(actor, topic):
        raise Forbidden()
    if topic.status in topic_permissions.CLOSED_STATES:
        raise Conflict(_l("This topic is closed."))
    if proposal is not None:
        from ..voting.models import ProposalStatus
        if proposal.status != ProposalStatus.adopted:
            raise Conflict(_l("Only an adopted proposal can become a task."))
    now = clock.now()
    f = Fields()
    org = _assignee(f, topic.courtyard, assignee_org_id)
    default_title = proposal.title if proposal is not None else topic.title
    title = f.text("title", clean_text(title), max_len=TITLE_MAX, required=False) or default_title[:TITLE_MAX]
    check_blocked_words(f, "title", title)
    due = _parse_due(f, due_at, now)
    f.check()
    community_id = topic.courtyard.building.community_id
    if due is None:
        due = rules.default_due(now, service_hours(community_id, topic.category))
    duplicate = sa.select(sa.exists().where(
        Task.topic_id == topic.id, Task.assignee_org_id == org.id, Task.status != TaskStatus.verified,
        Task.proposal_id == proposal.id if proposal is not None else Task.proposal_id.is_(None)))
    if db.session.scalar(duplicate):
        raise Conflict(_l("%(org)s already has an open task for this.", org=org.name))
    task = Task(topic=topic, proposal_id=proposal.id if proposal is not None else None,
                courtyard_id=topic.courtyard_id, community_id=community_id, assignee_org=org, title=title,
                category=topic.category, status=TaskStatus.assigned, created_by=actor, created_at=now,
                updated_at=now, due_at=due, escalation_level=0, seq=1)
    db.session.add(task)
    db.session.flush()
    db.session.add(TaskUpdate(task=task, author_id=actor.id, kind=UpdateKind.created, to_status=TaskStatus.assigned,
                              created_at=now))
    _bring_into_topic(topic, org.id, actor.id, now)
    signals.task_created.send(task, actor=actor)
    publish(task)
    db.session.commit()
    return task


def create_task_from_proposal(actor, proposal, **kw) -> Task:
    """POST /proposals/<id>/tasks: an adopted proposal becomes a task of its topic."""
    return create_task(actor, proposal.topic, proposal=proposal, **kw)


# --- working it ----------------------------------------------------------------------------

def _move(task: Task, expected: TaskStatus, to: TaskStatus, now, **values) -> None:
    """The conditional UPDATE every change goes through: Conflict if someone moved the task first."""
    result = db.session.execute(
        sa.update(Task).where(Task.id == task.id, Task.status == expected)
        .values(status=to, seq=Task.seq + 1, updated_at=now, **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_l("Someone else changed this task just now. Reload to see it."))
    db.session.refresh(task)


def _conflict_for(status: TaskStatus, target: str) -> Conflict:
    return Conflict(_l("A task cannot go from “%(a)s” to “%(b)s”.", a=str(payloads.STATUS_LABELS[status]),
                       b=str(payloads.STATUS_LABELS.get(TaskStatus(target), target))))


def check_note(f: Fields, target: TaskStatus | str | None, note):
    """An update's note checked into `f`: needed with `done` and for a note alone. Returns it cleaned."""
    try:
        target = TaskStatus(target) if target not in (None, "") else None
    except ValueError:
        target = None
    needs_note = target is None or target == TaskStatus.done
    note = f.text("note", clean_text(note), max_len=NOTE_MAX, required=needs_note)
    check_blocked_words(f, "note", note)
    return note


def add_update(actor, task: Task, *, status=None, note=None, photo_ids=None) -> TaskUpdate:
    """The assignee organization's staff move the task forward (`status`) or add a note.

    assigned → accepted → in_progress → done; reopened → in_progress. `done` needs a note
    and at least one photo of the finished work. A note alone (no status) may be added
    until the task is verified. Raises NotFound, Forbidden, Invalid, Conflict. Notifies
    the people concerned (done: those who can accept it); publishes task.updated.
    """
    if not permissions.can_view_task(actor, task):
        raise NotFound()
    if not permissions.can_work_task(actor, task):
        raise Forbidden(_l("Only the staff of %(org)s can update this task.", org=task.assignee_org.name))
    f = Fields()
    target = None
    status_given = status not in (None, "")
    if status_given:
        try:
            target = TaskStatus(status)
        except ValueError:
            f.add("status", _l("Not one of the allowed values."))
    old = task.status
    # The state decides first: a move the lifecycle does not allow (a skip included) is a
    # Conflict whatever else the body holds — with or without a note or photos.
    if target is not None and not rules.can_work(old.value, target.value):
        raise _conflict_for(old, target.value)
    if not status_given and old.value not in rules.OPEN:
        raise Conflict(_l("This task has been accepted and closed."))
    note = check_note(f, target, note)
    photos = uploads.own_uploads(f, actor, photo_ids)
    if target == TaskStatus.done and not photos and "photo_ids" not in f.errors:
        f.add("photo_ids", _l("Add at least one photo of the finished work."))
    f.check()
    now = clock.now()
    if target is not None:
        stamps = {TaskStatus.accepted: "accepted_at", TaskStatus.in_progress: "started_at",
                  TaskStatus.done: "done_at"}
        _move(task, old, target, now, **{stamps[target]: now})
    update = TaskUpdate(task=task, author_id=actor.id, kind=UpdateKind.status if target else UpdateKind.note,
                        from_status=old if target else None, to_status=target, note=note, created_at=now)
    update.photos = [TaskPhoto(upload_id=u.id, position=i) for i, u in enumerate(photos)]
    db.session.add(update)
    if target is None:
        db.session.execute(sa.update(Task).where(Task.id == task.id).values(seq=Task.seq + 1, updated_at=now)
                           .execution_options(synchronize_session=False))
        db.session.refresh(task)
    db.session.flush()
    if target is not None:
        signals.task_status_changed.send(task, actor=actor, old_status=old)
    publish(task)
    db.session.commit()
    return update


def verify(actor, task: Task, *, accepted, note=None) -> TaskUpdate:
    """The topic's author, the secretary or the building lead accept the work (verified) or
    reopen it. Only while the task is done. Raises NotFound, Forbidden, Invalid, Conflict."""
    if not permissions.can_view_task(actor, task):
        raise NotFound()
    if not permissions.can_verify_task(actor, task):
        raise Forbidden(_l("Only the one who raised the topic, the secretary or the building lead "
                           "can accept the work."))
    f = Fields()
    if not isinstance(accepted, bool):
        f.add("accepted", _l("Must be true or false."))
    note = f.text("note", clean_text(note), max_len=NOTE_MAX, required=False)
    check_blocked_words(f, "note", note)
    f.check()
    old = task.status
    target = rules.verification_result(old.value, accepted)
    if target is None:
        raise Conflict(_l("Only a task marked done can be accepted or reopened."))
    now = clock.now()
    target = TaskStatus(target)
    _move(task, old, target, now, **({"verified_at": now} if target == TaskStatus.verified else {}))
    update = TaskUpdate(task=task, author_id=actor.id, from_status=old, to_status=target, note=note, created_at=now,
                        kind=UpdateKind.verified if target == TaskStatus.verified else UpdateKind.reopened)
    db.session.add(update)
    db.session.flush()
    signals.task_verified.send(task, actor=actor, accepted=accepted, old_status=old)
    publish(task)
    db.session.commit()
    return update


def rate(actor, task: Task, *, score) -> tuple[TaskRating, bool]:
    """满意 / 基本满意 / 不满意 from a member of the courtyard, once the work is done; a second
    rating replaces the first. Returns (rating, created). Raises NotFound, Forbidden, Invalid, Conflict."""
    if not permissions.can_view_task(actor, task):
        raise NotFound()
    if not permissions.can_rate_task(actor, task):
        raise Forbidden(_l("Only members of this courtyard can rate the work."))
    try:
        score = Score(score)
    except ValueError:
        raise Invalid(fields={"score": _l("Not one of the allowed values.")})
    if task.status.value not in (rules.DONE, rules.VERIFIED):
        raise Conflict(_l("The work can be rated once it is done."))
    now = clock.now()
    rating = rating_of(actor, task)
    created = rating is None
    if created:
        rating = TaskRating(task_id=task.id, user_id=actor.id, score=score, created_at=now, updated_at=now)
        db.session.add(rating)
        try:
            db.session.flush()
        except IntegrityError:  # a second request of the same person won the race: change that one
            db.session.rollback()
            rating, created = rating_of(actor, task), False
    if not created:
        rating.score, rating.updated_at = score, now
    db.session.execute(sa.update(Task).where(Task.id == task.id).values(seq=Task.seq + 1)
                       .execution_options(synchronize_session=False))
    db.session.refresh(task)
    publish(task)
    db.session.commit()
    return rating, created


# --- 吹哨: escalation ------------------------------------------------------------------------

def level2_target(task: Task, department_id: int | None) -> dict:
    """Where a level-2 escalation goes: to the department named, else to the street."""
    if department_id is not None:
        return {"target": EscalationTarget.organization, "organization_id": department_id}
    return {"target": EscalationTarget.street}


def raise_level(task: Task, seen: int, level: int, now) -> bool:
    """UPDATE the level from `seen` to `level`; False if another process or person got there first."""
    result = db.session.execute(
        sa.update(Task).where(Task.id == task.id, Task.escalation_level == seen,
                              queries.clock_running())
        .values(escalation_level=level, seq=Task.seq + 1, updated_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def new_escalation(actor, task: Task, level: int, now, *, reason=None, automatic=False, **target) -> Escalation:
    """Record escalation `level` (1: the task's community; 2: `target`) on the timeline, bring a
    department into the topic and send task_escalated; no commit. For escalate and for the
    service clock (actor None, automatic); the caller has raised the task's level first."""
    if level == 1:
        target = {"target": EscalationTarget.community, "community_id": task.community_id}
    escalation = Escalation(task_id=task.id, level=level, reason=reason, automatic=automatic,
                            raised_by_id=actor.id if actor else None, created_at=now, **target)
    db.session.add(escalation)
    db.session.flush()
    if escalation.organization_id is not None:
        _bring_into_topic(task.topic, escalation.organization_id, actor.id if actor else task.created_by_id, now)
    db.session.add(TaskUpdate(task_id=task.id, author_id=actor.id if actor else None, kind=UpdateKind.escalated,
                              note=reason, escalation_id=escalation.id, created_at=now))
    db.session.flush()
    signals.task_escalated.send(task, actor=actor, escalation=escalation)
    return escalation


def escalate(actor, task: Task, *, reason, to_org_id=None) -> Escalation:
    """吹哨 by hand, with a reason: one level up (community, then the street or the policy's
    department), or straight to a department (`to_org_id`, level 2). The secretary, the
    community's staff, street administrators; while the work is the organization's to do.
    Raises NotFound, Forbidden, Invalid, Conflict (already at the top; that department was
    already called in; the task is done). Notifies the receiving side; publishes task.updated."""
    if not permissions.can_view_task(actor, task):
        raise NotFound()
    if not permissions.can_escalate_task(actor, task):
        raise Forbidden()
    f = Fields()
    reason = f.text("reason", clean_text(reason), max_len=REASON_MAX)
    check_blocked_words(f, "reason", reason)
    department = None
    if to_org_id not in (None, ""):
        department = find(Organization, to_org_id)
        if department is None or department.kind != OrgKind.department:
            f.add("to_org_id", _l("Choose a department."))
    f.check()
    if task.status.value not in rules.CLOCK_RUNNING:
        raise Conflict(_l("Only work still to be done can be escalated."))
    seen = task.escalation_level
    level = rules.manual_escalation_level(seen, department is not None)
    if level is None:
        raise Conflict(_l("This task is already escalated to the street."))
    if department is not None and db.session.scalar(sa.select(sa.exists().where(
            Escalation.task_id == task.id, Escalation.organization_id == department.id))):
        raise Conflict(_l("%(org)s has already been called in.", org=department.name))
    now = clock.now()
    if level != seen:
        if not raise_level(task, seen, level, now):
            db.session.rollback()
            raise Conflict(_l("Someone else changed this task just now. Reload to see it."))
    else:
        db.session.execute(sa.update(Task).where(Task.id == task.id).values(seq=Task.seq + 1, updated_at=now)
                           .execution_options(synchronize_session=False))
    if level == 2:
        _, policy_department, _src = policy_for(task.community_id)
        target = level2_target(task, department.id if department else policy_department)
    else:
        target = {}
    escalation = new_escalation(actor, task, level, now, reason=reason, **target)
    db.session.refresh(task)
    publish(task)
    db.session.commit()
    return escalation


def get_escalation(actor, escalation_id) -> Escalation:
    escalation = find(Escalation, escalation_id)
    if escalation is None or not (permissions.can_view_task(actor, escalation.task)
                                  or permissions.can_acknowledge(actor, escalation)):
        raise NotFound()
    return escalation


def acknowledge(actor, escalation: Escalation, *, note=None) -> Escalation:
    """报到: the receiving side answers the whistle, once; the time it took is kept. Raises
    NotFound, Forbidden, Invalid, Conflict (already acknowledged)."""
    if not (permissions.can_view_task(actor, escalation.task) or permissions.can_acknowledge(actor, escalation)):
        raise NotFound()
    if not permissions.can_acknowledge(actor, escalation):
        raise Forbidden()
    f = Fields()
    note = f.text("note", clean_text(note), max_len=NOTE_MAX, required=False)
    check_blocked_words(f, "note", note)
    f.check()
    now = clock.now()
    result = db.session.execute(
        sa.update(Escalation).where(Escalation.id == escalation.id, Escalation.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by_id=actor.id, acknowledgement=note)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_l("This escalation has already been acknowledged."))
    db.session.refresh(escalation)
    task = escalation.task
    db.session.add(TaskUpdate(task_id=task.id, author_id=actor.id, kind=UpdateKind.acknowledged, note=note,
                              escalation_id=escalation.id, created_at=now))
    db.session.execute(sa.update(Task).where(Task.id == task.id).values(seq=Task.seq + 1, updated_at=now)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(task)
    signals.escalation_acknowledged.send(task, actor=actor, escalation=escalation)
    publish(task)
    db.session.commit()
    return escalation


def escalations_inbox(actor, *, pending: bool | None = None, mine: bool = True) -> sa.Select:
    """Escalations addressed to the actor (`mine`) or of tasks they see; waiting ones first, then newest."""
    q = permissions.addressed_to(actor) if mine else permissions.escalations_for(actor)
    if pending is True:
        q = q.where(Escalation.acknowledged_at.is_(None))
    elif pending is False:
        q = q.where(Escalation.acknowledged_at.is_not(None))
    return q.order_by(Escalation.acknowledged_at.is_not(None), Escalation.created_at.desc(), Escalation.id.desc())


# --- publishing ----------------------------------------------------------------------------

def publish(task: Task) -> None:
    """Queue task.updated (CONTRACT §5) to the topic's room and the assignee organization's room."""
    db.session.flush()
    db.session.expire(task, ["updates", "escalations"])
    payload = payloads.task_json(task)
    events.publish("task.updated", rooms.topic(task.topic_id), payload)
    events.publish("task.updated", rooms.org(task.assignee_org_id), payload)
