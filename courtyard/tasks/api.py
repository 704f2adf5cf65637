"""JSON routes: tasks, their lifecycle, ratings, escalations (吹哨报到), the service policy."""
from __future__ import annotations

from typing import Literal

from flask import jsonify
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..api.core import Body, bp, doc, login_required, paginate, parse_body, parse_query, require
from ..api.schemas import items_of
from ..deliberation import services as topics
from ..places import services as places
from ..places.models import Community
from . import payloads, permissions, services
from . import policy as service_policy
from .models import Escalation, Task
from .schemas import TASK_PARAMS, EscalationOut, MyTaskOut, PolicyOut, TaskOut


class TaskBody(Body):
    assignee_org_id: int | None = None
    title: str | None = None
    due_at: str | None = None


class TaskQuery(Body):
    status: str | None = None
    org_id: str | None = None
    courtyard_id: str | None = None
    topic_id: str | None = None


class UpdateBody(Body):
    status: str | None = None
    note: str | None = None
    photo_ids: list[int] | None = None


class VerificationBody(Body):
    accepted: bool
    note: str | None = None


class RatingBody(Body):
    score: Literal["satisfied", "basically_satisfied", "unsatisfied"]


class EscalationBody(Body):
    reason: str
    to_org_id: int | None = None


class EscalationQuery(Body):
    pending: Literal["true", "false"] | None = None
    scope: Literal["mine", "all"] | None = None


class AcknowledgementBody(Body):
    note: str | None = None


class PolicyBody(Body):
    reminder_hours: int
    level1_after_hours: int
    level2_after_hours: int
    level2_org_id: int | None = None
    service_hours: dict[str, int | None] | None = None


def _task(task: Task, status: int = 200):
    return jsonify(services.task_for(current_user, task)), status


# --- dispatching ---------------------------------------------------------------------------

@bp.post("/topics/<int:topic_id>/tasks")
@doc(body=TaskBody, response=MyTaskOut, status=201, errors=(403, 409), tag="tasks")
@login_required
def create_topic_task(topic_id):
    """Dispatch a topic to an organization as a task (moderators, community staff)."""
    topic = topics.get_topic(current_user, topic_id)
    require(permissions.can_create_task(current_user, topic))
    body = parse_body(TaskBody)
    task = services.create_task(current_user, topic, assignee_org_id=body.assignee_org_id, title=body.title,
                                due_at=body.due_at)
    return _task(task, 201)


@bp.post("/proposals/<int:proposal_id>/tasks")
@doc(body=TaskBody, response=MyTaskOut, status=201, errors=(403, 409), tag="tasks")
@login_required
def create_proposal_task(proposal_id):
    """Turn an adopted proposal into a task for an organization (moderators, community staff)."""
    from ..voting import services as voting
    proposal = voting.get_proposal(current_user, proposal_id)
    require(permissions.can_create_task(current_user, proposal.topic))
    body = parse_body(TaskBody)
    task = services.create_task_from_proposal(current_user, proposal, assignee_org_id=body.assignee_org_id,
                                              title=body.title, due_at=body.due_at)
    return _task(task, 201)


# --- reading -------------------------------------------------------------------------------

@bp.get("/tasks")
@doc(query=TaskQuery, params=TASK_PARAMS, response=TaskOut, paginated=True, tag="tasks")
@login_required
def list_tasks():
    """Tasks the caller may see, most urgent first (overdue, then due soonest); filter by status,
    organization, courtyard or topic."""
    q = parse_query(TaskQuery)
    select = services.tasks_for(current_user, status=q.status, org_id=q.org_id, courtyard_id=q.courtyard_id,
                                topic_id=q.topic_id).options(selectinload(Task.assignee_org),
                                                             selectinload(Task.topic))
    return jsonify(paginate(select, lambda t: payloads.task_json(t, timeline=False)))


@bp.get("/tasks/<int:task_id>")
@doc(response=MyTaskOut, tag="tasks")
@login_required
def get_task(task_id):
    """One task with its timeline, escalations, `overdue`, `escalation_level`, ratings and the caller's rating."""
    return _task(services.get_task(current_user, task_id))


@bp.get("/topics/<int:topic_id>/tasks")
@doc(response=items_of(MyTaskOut), tag="tasks")
@login_required
def topic_tasks(topic_id):
    """The tasks made from a topic, oldest first."""
    topic = topics.get_topic(current_user, topic_id)
    tasks = services.tasks_of_topic(current_user, topic)
    return jsonify({"items": [services.task_for(current_user, t) for t in tasks]})


# --- the lifecycle -------------------------------------------------------------------------

@bp.post("/tasks/<int:task_id>/updates")
@doc(body=UpdateBody, response=MyTaskOut, status=201, errors=(403, 409), tag="tasks")
@login_required
def post_update(task_id):
    """The assignee organization's staff move the task forward or add a note; `done` needs a note
    and at least one photo (from POST /uploads)."""
    task = services.get_task(current_user, task_id)
    require(permissions.can_work_task(current_user, task))
    body = parse_body(UpdateBody)
    services.add_update(current_user, task, status=body.status, note=body.note, photo_ids=body.photo_ids)
    return _task(task, 201)


@bp.post("/tasks/<int:task_id>/verification")
@doc(body=VerificationBody, response=MyTaskOut, errors=(403, 409), tag="tasks")
@login_required
def verify_task(task_id):
    """Accept the work (verified) or reopen it: the topic's author, the secretary or the building lead."""
    task = services.get_task(current_user, task_id)
    require(permissions.can_verify_task(current_user, task))
    body = parse_body(VerificationBody)
    services.verify(current_user, task, accepted=body.accepted, note=body.note)
    return _task(task)


@bp.post("/tasks/<int:task_id>/ratings")
@doc(body=RatingBody, response=MyTaskOut, status=201, also=(200,), errors=(403, 409), tag="tasks")
@login_required
def rate_task(task_id):
    """满意 / 基本满意 / 不满意 (members of the courtyard, once each; 200 when it replaces the earlier one)."""
    task = services.get_task(current_user, task_id)
    require(permissions.can_rate_task(current_user, task))
    body = parse_body(RatingBody)
    _rating, created = services.rate(current_user, task, score=body.score)
    return _task(task, 201 if created else 200)


@bp.post("/tasks/<int:task_id>/escalations")
@doc(body=EscalationBody, response=MyTaskOut, status=201, errors=(403, 409), tag="tasks")
@login_required
def escalate_task(task_id):
    """吹哨: raise the task's escalation level, with a reason, or call in a department (`to_org_id`)."""
    task = services.get_task(current_user, task_id)
    require(permissions.can_escalate_task(current_user, task))
    body = parse_body(EscalationBody)
    services.escalate(current_user, task, reason=body.reason, to_org_id=body.to_org_id)
    return _task(task, 201)


# --- escalations (报到) ----------------------------------------------------------------------

@bp.get("/escalations")
@doc(query=EscalationQuery, response=EscalationOut, paginated=True, tag="escalations")
@login_required
def list_escalations():
    """Escalations addressed to the caller (scope=mine, default) or of every task they see (scope=all);
    waiting ones first. pending=true|false filters by acknowledgement."""
    q = parse_query(EscalationQuery)
    pending = None if q.pending is None else q.pending == "true"
    select = services.escalations_inbox(current_user, pending=pending, mine=q.scope != "all")
    return jsonify(paginate(select.options(selectinload(Escalation.task)), payloads.escalation_json))


@bp.post("/escalations/<int:escalation_id>/acknowledgement")
@doc(body=AcknowledgementBody, response=EscalationOut, errors=(403, 409), tag="escalations")
@login_required
def acknowledge_escalation(escalation_id):
    """报到: the receiving side acknowledges an escalation; the time it took is recorded."""
    escalation = services.get_escalation(current_user, escalation_id)
    require(permissions.can_acknowledge(current_user, escalation))
    body = parse_body(AcknowledgementBody)
    return jsonify(payloads.escalation_json(services.acknowledge(current_user, escalation, note=body.note)))


# --- the service policy ---------------------------------------------------------------------

def _policy_json(community_id: int | None) -> dict:
    policy, department, source = service_policy.policy_for(community_id)
    return {"community_id": community_id, "source": source, "reminder_hours": policy.reminder_hours,
            "level1_after_hours": policy.level1_after_hours, "level2_after_hours": policy.level2_after_hours,
            "level2_org_id": department, "service_hours": service_policy.service_times(community_id)}


@bp.get("/communities/<int:community_id>/task-policy")
@doc(response=PolicyOut, errors=(403,), tag="tasks")
@login_required
def get_community_policy(community_id):
    """A community's service times and service clock (its staff; street administrators)."""
    community = places.get_or_404(Community, community_id)
    require(permissions.can_edit_policy(current_user, community))
    return jsonify(_policy_json(community.id))


@bp.put("/communities/<int:community_id>/task-policy")
@doc(body=PolicyBody, response=PolicyOut, errors=(403,), tag="tasks")
@login_required
def put_community_policy(community_id):
    """Set a community's service clock and service times (null hours: the street's default)."""
    community = places.get_or_404(Community, community_id)
    require(permissions.can_edit_policy(current_user, community))
    body = parse_body(PolicyBody)
    service_policy.set_policy(current_user, community, reminder_hours=body.reminder_hours,
                        level1_after_hours=body.level1_after_hours, level2_after_hours=body.level2_after_hours,
                        level2_org_id=body.level2_org_id, service_hours_by_category=body.service_hours)
    return jsonify(_policy_json(community.id))


@bp.get("/task-policy")
@doc(response=PolicyOut, errors=(403,), tag="tasks")
@login_required
def get_street_policy():
    """The street's default service times and service clock (street administrators)."""
    require(permissions.can_edit_street_policy(current_user))
    return jsonify(_policy_json(None))


@bp.put("/task-policy")
@doc(body=PolicyBody, response=PolicyOut, errors=(403,), tag="tasks")
@login_required
def put_street_policy():
    """Set the street's defaults (street administrators)."""
    require(permissions.can_edit_street_policy(current_user))
    body = parse_body(PolicyBody)
    service_policy.set_policy(current_user, None, reminder_hours=body.reminder_hours,
                        level1_after_hours=body.level1_after_hours, level2_after_hours=body.level2_after_hours,
                        level2_org_id=body.level2_org_id, service_hours_by_category=body.service_hours)
    return jsonify(_policy_json(None))
