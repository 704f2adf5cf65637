"""JSON routes: the project pool (民生项目池) — projects, their milestones, progress and links."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import jsonify
from flask_login import current_user
from flask_babel import lazy_gettext as _l
from pydantic import Field

from ..api.core import Body, bp, doc, login_required, paginate, parse_body, parse_query
from ..errors import Invalid
from . import payloads, services
from .schemas import PROJECT_PARAMS, LinkOut, ProjectOut

Amount = Decimal | None  # a number or decimal text; the service checks its range


class MilestoneIn(Body):
    title: str | None = None
    due_on: str | None = Field(None, description="YYYY-MM-DD")


class ProjectBody(Body):
    title: str | None = None
    summary: str | None = None
    owner_org_id: int | None = Field(None, description="A department (organization of kind department)")
    budget_amount: Amount = Field(None, description="Yuan, ≥ 0 (a number or decimal text); 0 when left out")
    budget_source: str | None = Field(None, description="street_fund, district_finance, maintenance_fund, property, "
                                                        "residents, other")
    budget_note: str | None = None
    milestones: list[MilestoneIn] | None = None
    topic_id: int | None = Field(None, description="The topic the project answers (linked, confirmed)")
    task_id: int | None = Field(None, description="The escalated task it answers (linked with its topic)")


class ProjectPatch(Body):
    title: str | None = None
    summary: str | None = None
    owner_org_id: int | None = None
    budget_amount: Amount = None
    budget_source: str | None = None
    budget_note: str | None = None
    status: str | None = Field(None, description="The next status (proposed → approved → in_progress → completed, "
                                                 "or cancelled)")
    note: str | None = Field(None, description="A word on the timeline with a status move")


class ProjectQuery(Body):
    status: str | None = None
    org_id: str | None = None
    community_id: str | None = None


class ProgressBody(Body):
    text: str | None = None


class MilestonePatch(Body):
    done: bool = Field(description="true: the milestone is reached (a reached one stays reached)")
    note: str | None = None


class LinkBody(Body):
    topic_id: int | None = None
    task_id: int | None = None


class LinkPatch(Body):
    confirmed: bool = Field(description="true: the street confirms a link community staff proposed")


def _project(project, status: int = 200):
    return jsonify(payloads.project_json(project)), status


@bp.get("/projects")
@doc(query=ProjectQuery, params=PROJECT_PARAMS, response=ProjectOut, paginated=True, tag="projects")
@login_required
def list_projects():
    """Projects the caller may read (staff: the whole pool; residents: their courtyards'), under way first."""
    q = parse_query(ProjectQuery)
    return jsonify(paginate(services.projects_for(current_user, status=q.status, org_id=q.org_id,
                                                  community_id=q.community_id), payloads.project_json))


@bp.post("/projects")
@doc(body=ProjectBody, response=ProjectOut, status=201, errors=(403,), tag="projects")
@login_required
def create_project():
    """Take a problem into the pool (street administrators): a project with its budget, milestones and links."""
    body = parse_body(ProjectBody)
    project = services.create_project(
        current_user, title=body.title, summary=body.summary, owner_org_id=body.owner_org_id,
        budget_amount=body.budget_amount, budget_source=body.budget_source, budget_note=body.budget_note,
        milestones=[m.model_dump() for m in body.milestones] if body.milestones else None,
        topic_id=body.topic_id, task_id=body.task_id)
    return _project(project, 201)


@bp.get("/projects/<int:project_id>")
@doc(response=ProjectOut, tag="projects")
@login_required
def get_project(project_id):
    """A project with its milestones, links and timeline."""
    return _project(services.get_project(current_user, project_id))


@bp.patch("/projects/<int:project_id>")
@doc(body=ProjectPatch, response=ProjectOut, errors=(403, 409), tag="projects")
@login_required
def patch_project(project_id):
    """Edit a project's details (street administrators) and/or move its status on, with a note."""
    project = services.get_project(current_user, project_id)
    body = parse_body(ProjectPatch)
    changes: dict[str, Any] = {k: getattr(body, k) for k in services.EDITABLE if k in body.model_fields_set}
    return _project(services.change_project(current_user, project, changes, status=body.status, note=body.note))


@bp.post("/projects/<int:project_id>/updates")
@doc(body=ProgressBody, response=ProjectOut, status=201, errors=(403, 409), tag="projects")
@login_required
def post_progress(project_id):
    """A progress note on the timeline (the owner department's staff, the street)."""
    project = services.get_project(current_user, project_id)
    body = parse_body(ProgressBody)
    services.post_update(current_user, project, text=body.text)
    return _project(project, 201)


@bp.post("/projects/<int:project_id>/milestones")
@doc(body=MilestoneIn, response=ProjectOut, status=201, errors=(403, 409), tag="projects")
@login_required
def add_milestone(project_id):
    """A new milestone at the end of the list (the owner department's staff, the street)."""
    project = services.get_project(current_user, project_id)
    body = parse_body(MilestoneIn)
    services.add_milestone(current_user, project, title=body.title, due_on=body.due_on)
    return _project(project, 201)


@bp.patch("/projects/<int:project_id>/milestones/<int:milestone_id>")
@doc(body=MilestonePatch, response=ProjectOut, errors=(403, 409), tag="projects")
@login_required
def patch_milestone(project_id, milestone_id):
    """Mark a milestone reached, with a note (the owner department's staff, the street)."""
    project = services.get_project(current_user, project_id)
    body = parse_body(MilestonePatch)
    if not body.done:
        raise Invalid(fields={"done": _l("A reached milestone stays reached.")})
    services.reach_milestone(current_user, project, milestone_id, note=body.note)
    return _project(project)


@bp.post("/projects/<int:project_id>/links")
@doc(body=LinkBody, response=LinkOut, status=201, errors=(403, 409), tag="projects")
@login_required
def add_link(project_id):
    """Link a topic or a task (the street: confirmed; community staff: proposed, for their community)."""
    project = services.get_project(current_user, project_id)
    body = parse_body(LinkBody)
    link = services.add_link(current_user, project, topic_id=body.topic_id, task_id=body.task_id)
    return jsonify(payloads.link_json(link)), 201


@bp.patch("/projects/<int:project_id>/links/<int:link_id>")
@doc(body=LinkPatch, response=LinkOut, errors=(403, 409), tag="projects")
@login_required
def patch_link(project_id, link_id):
    """Confirm a proposed link (street administrators)."""
    project = services.get_project(current_user, project_id)
    body = parse_body(LinkPatch)
    if not body.confirmed:
        raise Invalid(fields={"confirmed": _l("Remove the link instead.")})
    return jsonify(payloads.link_json(services.confirm_link(current_user, project, link_id)))


@bp.delete("/projects/<int:project_id>/links/<int:link_id>")
@doc(response=ProjectOut, errors=(403,), tag="projects")
@login_required
def remove_link(project_id, link_id):
    """Remove a link: the project without it."""
    project = services.get_project(current_user, project_id)
    services.remove_link(current_user, project, link_id)
    return _project(project)
