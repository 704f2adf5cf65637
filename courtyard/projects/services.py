"""The project pool (民生项目池): one function per act, shared by the pages and the JSON API.

Each act checks permissions.py (NotFound where the caller may not know the project exists,
Forbidden for the wrong people), validates (Invalid naming the fields; nothing is stored
then), writes, says what happened (courtyard/signals.py: project-created, project-changed,
project-linked — the audit log listens), commits, and publishes `project.updated` with the
whole project to the rooms of its confirmed courtyards and of its owner department, after
the commit. Status moves and milestone ticks are conditional UPDATEs on what the caller
saw: of two pressing at once one wins and the other gets a Conflict.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from .. import clock, events, signals
from ..deliberation import permissions as topic_permissions
from ..deliberation.models import Topic, TopicStatus
from ..deliberation.services import clean_text
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..places.models import Building, Courtyard, Organization, OrgKind
from ..places.services import find
from ..realtime import rooms
from ..tasks.models import Task
from ..validation import Fields, parse_id_filter
from . import payloads, permissions, rules
from .models import (BudgetSource, Project, ProjectLink, ProjectMilestone, ProjectStatus, ProjectUpdate,
                     ProjectUpdateKind)

TITLE_MAX = 100
SUMMARY_MAX = 4000
BUDGET_NOTE_MAX = 200
UPDATE_MAX = 2000
MILESTONE_NOTE_MAX = 500
MILESTONES_MAX = 30
LINKS_MAX = 50


# --- reading -------------------------------------------------------------------------------

def _loaded(q: sa.Select) -> sa.Select:
    return q.options(joinedload(Project.owner_org), joinedload(Project.created_by),
                     selectinload(Project.milestones), selectinload(Project.links),
                     selectinload(Project.updates).joinedload(ProjectUpdate.author))


def get_project(actor, project_id) -> Project:
    """A project the actor may read; NotFound otherwise (its existence is private)."""
    project = find(Project, project_id)
    if project is None or not permissions.can_view_project(actor, project):
        raise NotFound()
    return project


def projects_for(actor, *, status=None, org_id=None, community_id=None) -> sa.Select:
    """The projects the actor may read, those under way first, newest first. Filters: a
    status, the owner department, a community (projects with a confirmed link to one of its
    courtyards). Invalid on a filter that is not a status or an id."""
    f = Fields()
    q = permissions.visible_projects(actor)
    if status not in (None, ""):
        try:
            q = q.where(Project.status == ProjectStatus(status))
        except ValueError:
            f.add("status", _l("Not one of the allowed values."))
    org = parse_id_filter(f, "org_id", org_id)
    community = parse_id_filter(f, "community_id", community_id)
    f.check()
    if org is not None:
        q = q.where(Project.owner_org_id == org)
    if community is not None:
        q = q.where(Project.id.in_(
            sa.select(ProjectLink.project_id).join(Courtyard, Courtyard.id == ProjectLink.courtyard_id)
            .join(Building, Building.id == Courtyard.building_id)
            .where(ProjectLink.confirmed_at.is_not(None), Building.community_id == community)))
    rank = sa.case((Project.status == ProjectStatus.in_progress, 0), (Project.status == ProjectStatus.approved, 1),
                   (Project.status == ProjectStatus.proposed, 2), (Project.status == ProjectStatus.completed, 3),
                   else_=4)
    return _loaded(q.order_by(rank, Project.updated_at.desc(), Project.id.desc()))


def _confirmed_for(actor, where) -> list[Project]:
    q = permissions.visible_projects(actor).where(
        Project.id.in_(sa.select(ProjectLink.project_id).where(ProjectLink.confirmed_at.is_not(None), where)),
        Project.status != ProjectStatus.cancelled)
    return list(db.session.scalars(_loaded(q.order_by(Project.id))))


def badges_of_topic(actor, topic: Topic) -> list[dict]:
    """What a topic's page says of the projects it (or a task of it) is confirmed as part of, as far
    as the actor may read them: id, title, status, the lead department's name, milestones reached
    and in all — one query (the topic page counts its queries: tests/web/test_topic_queries.py)."""
    done = sa.func.count(ProjectMilestone.done_at)
    q = (permissions.visible_projects(actor)
         .with_only_columns(Project.id, Project.title, Project.status, Organization.name,
                            sa.func.count(ProjectMilestone.id), done)
         .join(Organization, Organization.id == Project.owner_org_id)
         .outerjoin(ProjectMilestone, ProjectMilestone.project_id == Project.id)
         .where(Project.id.in_(sa.select(ProjectLink.project_id).where(ProjectLink.confirmed_at.is_not(None),
                                                                       ProjectLink.topic_id == topic.id)),
                Project.status != ProjectStatus.cancelled)
         .group_by(Project.id, Project.title, Project.status, Organization.name).order_by(Project.id))
    return [{"id": pid, "title": title, "status": status, "owner": owner,
             "progress": {"done": d, "total": total, "percent": rules.progress_percent(d, total)}}
            for pid, title, status, owner, total, d in db.session.execute(q)]


def projects_of_topic(actor, topic: Topic) -> list[Project]:
    """The projects a topic (or a task of it) is confirmed as part of, as far as the actor may read them."""
    return _confirmed_for(actor, ProjectLink.topic_id == topic.id)


def projects_of_courtyard(actor, courtyard: Courtyard) -> list[Project]:
    """The projects linked to the courtyard's topics, for its home page."""
    return _confirmed_for(actor, ProjectLink.courtyard_id == courtyard.id)


def projects_of_task(actor, task: Task) -> list[Project]:
    q = permissions.visible_projects(actor).where(
        Project.id.in_(sa.select(ProjectLink.project_id).where(ProjectLink.task_id == task.id)))
    return list(db.session.scalars(_loaded(q.order_by(Project.id))))


def departments() -> list[Organization]:
    """The organizations a project may be owned by: the street's departments, by name."""
    return list(db.session.scalars(sa.select(Organization).where(Organization.kind == OrgKind.department)
                                   .order_by(Organization.name)))


def can_take_task(actor, task: Task) -> bool:
    """Offer 转入民生项目池 on a task: a street administrator, a task escalated to level 2 (the
    street or a department, 吹哨报到), not yet part of a project."""
    if not permissions.can_create_project(actor) or task.escalation_level < 2:
        return False
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProjectLink)
                             .where(ProjectLink.task_id == task.id)) == 0


def linked_targets(actor, project: Project) -> list[dict]:
    """The project's links as the actor may see them: the topic (and task) when they may read it,
    else only its courtyard. Proposed links only for those who see the whole pool."""
    whole = permissions.sees_whole_pool(actor)
    out = []
    for link in project.links:
        if link.confirmed_at is None and not whole:
            continue
        readable = topic_permissions.can_view_topic(actor, link.topic)
        out.append({"link": link, "topic": link.topic if readable else None, "task": link.task if readable else None,
                    "courtyard": link.courtyard, "can_remove": permissions.can_remove_link(actor, link),
                    "can_confirm": link.confirmed_at is None and permissions.confirms_links(actor)})
    return out


# --- figures for the street dashboard ------------------------------------------------------

def figures() -> dict:
    """The pool in numbers: projects by status, the budget of those not cancelled, and 难题解决 —
    the distinct topics linked (confirmed, directly or through a task) to a project that is not
    cancelled, where the project is completed or the topic is closed (已办结). Two queries."""
    by_status = {s.value: 0 for s in ProjectStatus}
    budget = Decimal(0)
    for status, count, amount in db.session.execute(
            sa.select(Project.status, sa.func.count(), sa.func.coalesce(sa.func.sum(Project.budget_amount), 0))
            .group_by(Project.status)):
        by_status[status.value] = count
        if status != ProjectStatus.cancelled:
            budget += Decimal(amount)
    solved = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(ProjectLink.topic_id)))
        .join(Project, Project.id == ProjectLink.project_id).join(Topic, Topic.id == ProjectLink.topic_id)
        .where(ProjectLink.confirmed_at.is_not(None), Project.status != ProjectStatus.cancelled,
               sa.or_(Project.status == ProjectStatus.completed, Topic.status == TopicStatus.closed)))
    return {"projects": sum(by_status.values()), "by_status": by_status,
            "budget": budget.quantize(Decimal("0.01")), "solved": solved or 0}


# --- parsing -------------------------------------------------------------------------------

def _parse_budget(f: Fields, value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0.00")
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        f.add("budget_amount", _l("Must be a number."))
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        f.add("budget_amount", _l("Must be a number."))
        return None
    if not number.is_finite() or number < 0 or number > rules.BUDGET_MAX:
        f.add("budget_amount", _l("Must be between 0 and %(hi)s yuan.", hi=rules.BUDGET_MAX))
        return None
    return number.quantize(Decimal("0.01"))


def _parse_source(f: Fields, value) -> BudgetSource | None:
    try:
        return BudgetSource(value)
    except (ValueError, TypeError):
        f.add("budget_source", _l("Not one of the allowed values."))
        return None


def _parse_owner(f: Fields, value) -> Organization | None:
    org = find(Organization, value)
    if org is None or org.kind != OrgKind.department:
        f.add("owner_org_id", _l("Choose one of the street's departments."))
        return None
    return org


def _parse_day(f: Fields, field: str, value) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        f.add(field, _l("Must be a date (YYYY-MM-DD)."))
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        f.add(field, _l("Must be a date (YYYY-MM-DD)."))
        return None
    if not 2000 <= day.year <= 2100:
        f.add(field, _l("Must be a date (YYYY-MM-DD)."))
        return None
    return day


def _parse_milestones(f: Fields, value) -> list[dict]:
    """[{"title", "due_on"?}] or plain titles; empty entries skipped."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or len(value) > MILESTONES_MAX:
        f.add("milestones", _l("Must be a list of at most %(n)s milestones.", n=MILESTONES_MAX))
        return []
    out = []
    for item in value:
        item = {"title": item} if isinstance(item, str) else item
        if not isinstance(item, dict):
            f.add("milestones", _l("Must be a list of milestones."))
            return []
        if not isinstance(item.get("title"), str) or not item["title"].strip():
            continue
        sub = Fields()
        title = sub.text("title", clean_text(item["title"]), max_len=TITLE_MAX)
        due = _parse_day(sub, "due_on", item.get("due_on"))
        if sub.errors:
            f.add("milestones", next(iter(sub.errors.values())))
            return []
        out.append({"title": title, "due_on": due})
    return out


def _target(f: Fields, actor, topic_id, task_id) -> tuple[Topic | None, Task | None]:
    """The topic or task a link names, which the actor may link (its courtyard is theirs)."""
    topic = task = None
    if task_id not in (None, ""):
        task = find(Task, task_id)
        if task is None:
            f.add("task_id", _l("No such task."))
            return None, None
        topic = task.topic
        field = "task_id"
    elif topic_id not in (None, ""):
        topic = find(Topic, topic_id)
        if topic is None:
            f.add("topic_id", _l("No such topic."))
            return None, None
        field = "topic_id"
    else:
        f.add("topic_id", _l("Name a topic or a task."))
        return None, None
    if not permissions.can_link_courtyard(actor, topic.courtyard):
        f.add(field, _l("You may link only topics and tasks of your community."))
        return None, None
    return topic, task


# --- publishing ----------------------------------------------------------------------------

def _publish(project: Project) -> None:
    db.session.flush()
    db.session.refresh(project)
    payload = payloads.project_json(project)
    for courtyard_id in payload["courtyard_ids"]:
        events.publish("project.updated", rooms.courtyard(courtyard_id), payload)
    events.publish("project.updated", rooms.org(project.owner_org_id), payload)


def _bump(project: Project, now, **values) -> None:
    db.session.execute(sa.update(Project).where(Project.id == project.id)
                       .values(seq=Project.seq + 1, updated_at=now, **values)
                       .execution_options(synchronize_session=False))


# --- creating and editing ------------------------------------------------------------------

def create_project(actor, *, title, owner_org_id, budget_source, summary=None, budget_amount=None,
                   budget_note=None, milestones=None, topic_id=None, task_id=None) -> Project:
    """Take a problem into the pool: a project (status proposed) led by a department, with its
    budget, first milestones and, optionally, the escalated task or the topic it answers.

    Street administrators. Raises Forbidden, Invalid (title, summary, owner_org_id,
    budget_amount, budget_source, budget_note, milestones, topic_id, task_id). Sends
    project-created; publishes project.updated.
    """
    if not permissions.can_create_project(actor):
        raise Forbidden()
    f = Fields()
    title = f.text("title", clean_text(title), max_len=TITLE_MAX)
    summary = f.text("summary", clean_text(summary), max_len=SUMMARY_MAX, required=False) or ""
    owner = _parse_owner(f, owner_org_id)
    amount = _parse_budget(f, budget_amount)
    source = _parse_source(f, budget_source)
    note = f.text("budget_note", clean_text(budget_note), max_len=BUDGET_NOTE_MAX, required=False) or ""
    steps = _parse_milestones(f, milestones)
    topic = task = None
    if topic_id not in (None, "") or task_id not in (None, ""):
        topic, task = _target(f, actor, topic_id, task_id)
    f.check()
    now = clock.now()
    project = Project(title=title, summary=summary, owner_org_id=owner.id, budget_amount=amount,
                      budget_source=source, budget_note=note, status=ProjectStatus.proposed,
                      created_by_id=actor.id, created_at=now, updated_at=now)
    project.milestones = [ProjectMilestone(title=s["title"], due_on=s["due_on"], position=i, note="")
                          for i, s in enumerate(steps)]
    project.updates = [ProjectUpdate(kind=ProjectUpdateKind.created, to_status=ProjectStatus.proposed,
                                     text=summary[:UPDATE_MAX], author_id=actor.id, created_at=now)]
    links = []
    if topic is not None:
        links.append(ProjectLink(topic_id=topic.id, task_id=task.id if task else None,
                                 courtyard_id=topic.courtyard_id, created_by_id=actor.id, created_at=now,
                                 confirmed_at=now))
    project.links = links
    db.session.add(project)
    db.session.flush()
    signals.project_created.send(project, actor=actor, links=links)
    _publish(project)
    db.session.commit()
    return project


EDITABLE = ("title", "summary", "owner_org_id", "budget_amount", "budget_source", "budget_note")


def edit_project(actor, project: Project, **changes) -> Project:
    """Change a project's details (any of EDITABLE; the others are left as they are).

    Street administrators, while the project is not completed or cancelled. Raises NotFound,
    Forbidden, Conflict (final), Invalid (the fields). Sends project-changed ("edited",
    with the old values of what changed); publishes project.updated.
    """
    _viewable(actor, project)
    if not permissions.is_street(actor):
        raise Forbidden()
    if not permissions.can_edit_project(actor, project):
        raise Conflict(_l("This project is finished and can no longer be changed."))
    f = Fields()
    new: dict = {}
    if "title" in changes:
        new["title"] = f.text("title", clean_text(changes["title"]), max_len=TITLE_MAX)
    if "summary" in changes:
        new["summary"] = f.text("summary", clean_text(changes["summary"]), max_len=SUMMARY_MAX, required=False) or ""
    if "owner_org_id" in changes:
        owner = _parse_owner(f, changes["owner_org_id"])
        new["owner_org_id"] = owner.id if owner else None
    if "budget_amount" in changes:
        new["budget_amount"] = _parse_budget(f, changes["budget_amount"])
    if "budget_source" in changes:
        new["budget_source"] = _parse_source(f, changes["budget_source"])
    if "budget_note" in changes:
        new["budget_note"] = f.text("budget_note", clean_text(changes["budget_note"]), max_len=BUDGET_NOTE_MAX,
                                    required=False) or ""
    f.check()
    before: dict = {}
    for key, value in new.items():
        old = getattr(project, key)
        if old != value:
            before[key] = old.value if hasattr(old, "value") else (str(old) if isinstance(old, Decimal) else old)
            setattr(project, key, value)
    if not before:
        return project
    now = clock.now()
    project.updated_at, project.seq = now, project.seq + 1
    db.session.flush()
    signals.project_changed.send(project, actor=actor, what="edited", update=None, before=before)
    _publish(project)
    db.session.commit()
    return project


def _viewable(actor, project: Project) -> None:
    if not permissions.can_view_project(actor, project):
        raise NotFound()


def _workable(actor, project: Project) -> None:
    _viewable(actor, project)
    if not (permissions.is_street(actor) or permissions.is_owner_staff(actor, project)):
        raise Forbidden(_l("Only the street and %(org)s can do that.", org=project.owner_org.name))
    if project.status.value in rules.FINAL:
        raise Conflict(_l("This project is finished and can no longer be changed."))


# --- moving on -----------------------------------------------------------------------------

def set_status(actor, project: Project, *, status, note=None) -> ProjectUpdate:
    """Move a project on: approved, started, completed or cancelled (rules.TRANSITIONS), with a note.

    Street administrators every move; the owner department starts an approved project and
    completes one in progress. Raises NotFound, Forbidden, Invalid (status, note), Conflict
    (not a move from here, or someone moved it just now). Sends project-changed ("status");
    publishes project.updated.
    """
    _viewable(actor, project)
    if not (permissions.is_street(actor) or permissions.is_owner_staff(actor, project)):
        raise Forbidden()
    f = Fields()
    try:
        to = ProjectStatus(status)
    except (ValueError, TypeError):
        f.add("status", _l("Not one of the allowed values."))
        to = None
    note = f.text("note", clean_text(note), max_len=UPDATE_MAX, required=False) or ""
    f.check()
    here = project.status
    if not rules.can_move(here.value, to.value):
        raise Conflict(_l("A project that is %(status)s cannot move to that status.",
                          status=_status_word(here)))
    if not permissions.can_move(actor, project, to.value):
        raise Forbidden(_l("Only the street can make that move."))
    now = clock.now()
    changed = db.session.execute(
        sa.update(Project).where(Project.id == project.id, Project.status == here)
        .values(status=to, seq=Project.seq + 1, updated_at=now,
                completed_at=now if to == ProjectStatus.completed else None)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict(_l("Someone else changed this project just now."))
    db.session.refresh(project)
    update = ProjectUpdate(project_id=project.id, kind=ProjectUpdateKind.status, from_status=here, to_status=to,
                           text=note, author_id=actor.id, created_at=now)
    db.session.add(update)
    db.session.flush()
    signals.project_changed.send(project, actor=actor, what="status", update=update, before=here.value)
    _publish(project)
    db.session.commit()
    return update


def move_allowed(actor, project: Project, status) -> bool:
    """Whether set_status(actor, project, status=status) would make the move (a PATCH that also edits
    asks first, so that a refused move leaves the details as they were)."""
    try:
        to = ProjectStatus(status)
    except (ValueError, TypeError):
        return False
    return rules.can_move(project.status.value, to.value) and permissions.can_move(actor, project, to.value)


def change_project(actor, project: Project, changes: dict, *, status=None, note=None) -> Project:
    """Edit a project's details and/or move its status on, as one act (PATCH /projects/<id>).
    A move that would be refused is refused before anything is edited (set_status raises
    what it would raise: Invalid, Forbidden, Conflict). Raises Invalid when there is nothing to change."""
    if not changes and status is None:
        raise Invalid(fields={"status": _l("Nothing to change.")})
    if changes and status is not None and not move_allowed(actor, project, status):
        set_status(actor, project, status=status, note=note)  # raises: nothing edited
    if changes:
        edit_project(actor, project, **changes)
    if status is not None:
        set_status(actor, project, status=status, note=note)
    return project


def _status_word(status: ProjectStatus) -> str:
    from .models import STATUS_LABELS
    return str(STATUS_LABELS[status])


def post_update(actor, project: Project, *, text) -> ProjectUpdate:
    """A progress note on the project's timeline (施工进场, 材料到位 …).

    The owner department's staff and street administrators, until the project is finished.
    Raises NotFound, Forbidden, Conflict (finished), Invalid (text). Sends project-changed
    ("progress"); publishes project.updated.
    """
    _workable(actor, project)
    f = Fields()
    text = f.text("text", clean_text(text), max_len=UPDATE_MAX)
    f.check()
    now = clock.now()
    _bump(project, now)
    update = ProjectUpdate(project_id=project.id, kind=ProjectUpdateKind.progress, text=text, author_id=actor.id,
                           created_at=now)
    db.session.add(update)
    db.session.flush()
    db.session.refresh(project)
    signals.project_changed.send(project, actor=actor, what="progress", update=update, before=None)
    _publish(project)
    db.session.commit()
    return update


def add_milestone(actor, project: Project, *, title, due_on=None) -> ProjectMilestone:
    """A new milestone at the end of the project's list.

    The owner department's staff and street administrators, until the project is finished.
    Raises NotFound, Forbidden, Conflict (finished, or MILESTONES_MAX reached), Invalid (title,
    due_on). Sends project-changed ("milestone"); publishes project.updated.
    """
    _workable(actor, project)
    f = Fields()
    title = f.text("title", clean_text(title), max_len=TITLE_MAX)
    due = _parse_day(f, "due_on", due_on)
    f.check()
    if len(project.milestones) >= MILESTONES_MAX:
        raise Conflict(_l("A project has at most %(n)s milestones.", n=MILESTONES_MAX))
    now = clock.now()
    position = max((m.position for m in project.milestones), default=-1) + 1
    milestone = ProjectMilestone(project_id=project.id, title=title, due_on=due, position=position, note="")
    db.session.add(milestone)
    _bump(project, now)
    db.session.flush()
    db.session.refresh(project)
    signals.project_changed.send(project, actor=actor, what="milestone", update=None, before=None)
    _publish(project)
    db.session.commit()
    return milestone


def reach_milestone(actor, project: Project, milestone_id, *, note=None) -> ProjectUpdate:
    """A milestone is reached (ticked), with a note; the timeline says so.

    The owner department's staff and street administrators, until the project is finished.
    Raises NotFound (no such milestone of this project), Forbidden, Conflict (finished, or
    ticked already — of two ticking at once one wins), Invalid (note). Sends project-changed
    ("milestone"); publishes project.updated.
    """
    _workable(actor, project)
    milestone = find(ProjectMilestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        raise NotFound()
    f = Fields()
    note = f.text("note", clean_text(note), max_len=MILESTONE_NOTE_MAX, required=False) or ""
    f.check()
    now = clock.now()
    changed = db.session.execute(
        sa.update(ProjectMilestone).where(ProjectMilestone.id == milestone.id, ProjectMilestone.done_at.is_(None))
        .values(done_at=now, done_by_id=actor.id, note=note).execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict(_l("This milestone has been reached already."))
    _bump(project, now)
    update = ProjectUpdate(project_id=project.id, kind=ProjectUpdateKind.milestone,
                           text=milestone.title + (f"：{note}" if note else ""), author_id=actor.id, created_at=now)
    db.session.add(update)
    db.session.flush()
    db.session.refresh(milestone)
    db.session.refresh(project)
    signals.project_changed.send(project, actor=actor, what="milestone", update=update, before=None)
    _publish(project)
    db.session.commit()
    return update


# --- links ---------------------------------------------------------------------------------

def add_link(actor, project: Project, *, topic_id=None, task_id=None) -> ProjectLink:
    """Link a topic, or a task (and with it its topic), to the project.

    Street administrators (confirmed at once) and community staff for their community's
    topics (proposed: the street confirms). Raises NotFound, Forbidden, Conflict (finished;
    linked already; LINKS_MAX reached), Invalid (topic_id, task_id). Sends project-linked;
    publishes project.updated.
    """
    _viewable(actor, project)
    if not permissions.can_link_any(actor):
        raise Forbidden()
    if project.status == ProjectStatus.cancelled:
        raise Conflict(_l("This project was cancelled."))
    f = Fields()
    topic, task = _target(f, actor, topic_id, task_id)
    f.check()
    existing = [link for link in project.links
                if (task is not None and link.task_id == task.id)
                or (task is None and link.task_id is None and link.topic_id == topic.id)]
    if existing:
        raise Conflict(_l("This is linked to the project already."))
    if len(project.links) >= LINKS_MAX:
        raise Conflict(_l("A project has at most %(n)s links.", n=LINKS_MAX))
    now = clock.now()
    confirmed = permissions.confirms_links(actor)
    link = ProjectLink(project_id=project.id, topic_id=topic.id, task_id=task.id if task else None,
                       courtyard_id=topic.courtyard_id, created_by_id=actor.id, created_at=now,
                       confirmed_at=now if confirmed else None)
    db.session.add(link)
    _bump(project, now)
    db.session.flush()
    db.session.refresh(project)
    signals.project_linked.send(project, actor=actor, link=link, change="linked" if confirmed else "proposed")
    _publish(project)
    db.session.commit()
    return link


def _link_of(actor, project: Project, link_id) -> ProjectLink:
    _viewable(actor, project)
    link = find(ProjectLink, link_id)
    if link is None or link.project_id != project.id:
        raise NotFound()
    return link


def confirm_link(actor, project: Project, link_id) -> ProjectLink:
    """Confirm a link community staff proposed: the courtyard now follows the project.

    Street administrators. Raises NotFound, Forbidden, Conflict (confirmed already). Sends
    project-linked ("confirmed"); publishes project.updated.
    """
    link = _link_of(actor, project, link_id)
    if not permissions.confirms_links(actor):
        raise Forbidden()
    now = clock.now()
    changed = db.session.execute(
        sa.update(ProjectLink).where(ProjectLink.id == link.id, ProjectLink.confirmed_at.is_(None))
        .values(confirmed_at=now).execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict(_l("This link is confirmed already."))
    _bump(project, now)
    db.session.flush()
    db.session.refresh(link)
    db.session.refresh(project)
    signals.project_linked.send(project, actor=actor, link=link, change="confirmed")
    _publish(project)
    db.session.commit()
    return link


def remove_link(actor, project: Project, link_id) -> None:
    """Remove a link: the courtyard no longer follows the project (its last event says so).

    Street administrators; community staff their community's proposals. Raises NotFound,
    Forbidden. Sends project-linked ("removed"); publishes project.updated — also to the
    courtyard that was linked, so its open pages learn it.
    """
    link = _link_of(actor, project, link_id)
    if not permissions.can_remove_link(actor, link):
        raise Forbidden()
    was_confirmed, courtyard_id = link.confirmed_at is not None, link.courtyard_id
    now = clock.now()
    signals.project_linked.send(project, actor=actor, link=link, change="removed")
    db.session.delete(link)
    _bump(project, now)
    db.session.flush()
    db.session.refresh(project)
    payload = payloads.project_json(project)
    _publish(project)
    if was_confirmed and courtyard_id not in payload["courtyard_ids"]:
        events.publish("project.updated", rooms.courtyard(courtyard_id), payload)
    db.session.commit()


def linkable_topics(actor, *, exclude: Project | None = None, limit: int = 200) -> list[Topic]:
    """Topics the actor may link (their communities', the street's all), most recent first."""
    clause = permissions.linkable_courtyards_clause(actor)
    if clause is None and not permissions.is_street(actor):
        return []
    q = sa.select(Topic).join(Courtyard, Courtyard.id == Topic.courtyard_id).where(
        Topic.status.not_in((TopicStatus.withdrawn, TopicStatus.merged)))
    if clause is not None:
        q = q.where(clause)
    if exclude is not None:
        q = q.where(Topic.id.not_in(sa.select(ProjectLink.topic_id).where(ProjectLink.project_id == exclude.id,
                                                                          ProjectLink.task_id.is_(None))))
    return list(db.session.scalars(q.options(joinedload(Topic.courtyard)).order_by(Topic.id.desc()).limit(limit)))


def task_prefill(actor, task_id) -> dict:
    """The new-project form's values for 转入民生项目池 of a task: its topic's title and text, the
    department it was escalated to (if one), the link to the task. {} when it is not offered."""
    task = find(Task, task_id)
    if task is None or not can_take_task(actor, task):
        return {}
    owner = next((e.organization_id for e in reversed(task.escalations) if e.organization_id), None)
    return {"title": task.topic.title[:TITLE_MAX], "summary": task.topic.body[:SUMMARY_MAX],
            "owner_org_id": owner, "task_id": task.id, "task": task}

