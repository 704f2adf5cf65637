"""JSON shapes of tasks, their timeline and escalations: the same for the API and `task.updated`."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..dbtypes import iso
from ..timefmt import when_stored
from ..deliberation.payloads import author_json
from . import rules
from .models import Escalation, EscalationTarget, Score, Task, TaskStatus, TaskUpdate

STATUS_LABELS = {
    TaskStatus.assigned: _l("Assigned"),
    TaskStatus.accepted: _l("Accepted"),
    TaskStatus.in_progress: _l("In progress"),
    TaskStatus.done: _l("Done, waiting for acceptance"),
    TaskStatus.verified: _l("Accepted by residents"),
    TaskStatus.reopened: _l("Reopened"),
}
SCORE_LABELS = {
    Score.satisfied: _l("Satisfied"),
    Score.basically_satisfied: _l("Basically satisfied"),
    Score.unsatisfied: _l("Unsatisfied"),
}
LEVEL_LABELS = {0: _l("Not escalated"), 1: _l("Escalated to the community"), 2: _l("Escalated to the street")}


def org_json(org) -> dict | None:
    if org is None:
        return None
    return {"id": org.id, "name": org.name, "kind": org.kind.value}


def ratings_count(task: Task) -> dict[str, int]:
    from .services import rating_counts
    return rating_counts(task)


def escalation_json(e: Escalation) -> dict:
    waited = rules.hours_between(e.created_at, e.acknowledged_at)
    return {
        "id": e.id, "task_id": e.task_id, "level": e.level, "target": e.target.value,
        "target_name": target_name(e),
        "community_id": e.community_id, "organization": org_json(e.organization),
        "reason": e.reason, "automatic": e.automatic,
        "raised_by": author_json(e.raised_by) if e.raised_by else None,
        "created_at": iso(e.created_at), "acknowledged_at": iso(e.acknowledged_at),
        "acknowledged_by": author_json(e.acknowledged_by) if e.acknowledged_by else None,
        "acknowledgement": e.acknowledgement,
        "hours_to_acknowledge": round(waited, 2) if waited is not None else None,
    }


def target_name(e: Escalation) -> str:
    if e.target == EscalationTarget.community:
        return e.community.name if e.community else ""
    if e.target == EscalationTarget.organization:
        return e.organization.name if e.organization else ""
    from flask import current_app
    return current_app.config.get("STREET_NAME", "")


def update_json(u: TaskUpdate) -> dict:
    return {
        "id": u.id, "kind": u.kind.value,
        "author": author_json(u.author) if u.author else None,
        "from_status": u.from_status.value if u.from_status else None,
        "to_status": u.to_status.value if u.to_status else None,
        "note": u.note, "escalation_id": u.escalation_id,
        "photos": [{"id": p.upload_id, "url": f"/uploads/{p.upload_id}"} for p in u.photos],
        "created_at": iso(u.created_at),
    }


def task_json(t: Task, *, timeline: bool = True) -> dict:
    """The task as everyone who may see it sees it. `timeline` adds the updates and escalations."""
    now = clock.now()
    topic = t.topic
    body = {
        "id": t.id, "topic_id": t.topic_id, "proposal_id": t.proposal_id, "courtyard_id": t.courtyard_id,
        "community_id": t.community_id, "title": t.title, "category": t.category.value,
        "status": t.status.value, "assignee_org": org_json(t.assignee_org),
        "assignee_org_id": t.assignee_org_id,
        "topic": {"id": topic.id, "title": topic.title, "author_id": topic.author_id},
        "created_by": author_json(t.created_by),
        "created_at": iso(t.created_at), "updated_at": iso(t.updated_at), "due_at": iso(t.due_at),
        "accepted_at": iso(t.accepted_at), "started_at": iso(t.started_at), "done_at": iso(t.done_at),
        "verified_at": iso(t.verified_at),
        "overdue": rules.is_overdue(t.status.value, t.due_at, now),
        "escalation_level": t.escalation_level,
        "ratings": ratings_count(t),
        "seq": t.seq,
    }
    if timeline:
        body["timeline"] = [update_json(u) for u in t.updates]
        body["escalations"] = [escalation_json(e) for e in t.escalations]
    return body


# --- notification sentences (notifications/payloads.py asks here for the task_* kinds) -----

def when_local(value) -> str:
    """A time for a sentence, in the reader's language and Beijing time (timefmt: 12月5日 14:00)."""
    return when_stored(value)


def notification_text(kind: str, data: dict) -> str | None:
    title = data.get("title", "")
    if kind == "task_assigned":
        return _("New task for %(org)s: “%(title)s”, due %(due)s", org=data.get("org", ""), title=title,
                 due=when_local(data.get("due_at")))
    if kind == "task_status":
        label = STATUS_LABELS.get(_status(data.get("status")), data.get("status", ""))
        return _("Task “%(title)s” is now: %(status)s", title=title, status=label)
    if kind == "task_done":
        return _("“%(title)s” is done. Please check the work and accept it or reopen it.", title=title)
    if kind == "task_verified":
        return _("“%(title)s” was accepted by %(name)s", title=title, name=data.get("name", ""))
    if kind == "task_reopened":
        return _("“%(title)s” was reopened by %(name)s", title=title, name=data.get("name", ""))
    if kind == "task_reminder":
        return _("Reminder: task “%(title)s” is due %(due)s", title=title, due=when_local(data.get("due_at")))
    if kind == "task_overdue":
        return _("Task “%(title)s” is overdue", title=title)
    if kind == "task_escalated":
        return _("Task “%(title)s” was escalated to %(target)s (level %(level)s). Please acknowledge it.",
                 title=title, target=data.get("target", ""), level=data.get("level", ""))
    if kind == "task_acknowledged":
        return _("%(target)s acknowledged the escalation of “%(title)s”", target=data.get("target", ""),
                 title=title)
    return None


def _status(value):
    try:
        return TaskStatus(value)
    except ValueError:
        return value
