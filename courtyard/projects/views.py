"""Project pool pages: the pool with its filters, a project with its live progress, the new and
edit forms, and the blocks the topic page, the courtyard home, the task page and the street
dashboard include.

Every page works without JavaScript (plain forms); static/js/project.js swaps in the
server-rendered live part of a project's page (`/projects/<id>/live`) when `project.updated`
with a higher seq arrives.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, Forbidden, Invalid
from ..extensions import db
from ..pagination import page_of
from ..places import services as places
from ..places.models import Community
from ..tasks.models import Task
from . import permissions, rules, services
from .models import SOURCE_LABELS, STATUS_LABELS, BudgetSource, ProjectStatus, ProjectUpdateKind

bp = Blueprint("projects", __name__)

PAGE_SIZE = 20


# --- template helpers ----------------------------------------------------------------------

@bp.app_template_filter("project_status_label")
def project_status_label(status) -> str:
    return str(STATUS_LABELS[ProjectStatus(getattr(status, "value", status))])


@bp.app_template_filter("budget_source_label")
def budget_source_label(source) -> str:
    return str(SOURCE_LABELS[BudgetSource(getattr(source, "value", source))])


@bp.app_template_filter("wan")
def wan(amount) -> str:
    """¥480000 → "48"; ¥12345 → "1.23" (万元, trailing zeros dropped)."""
    text = f"{rules.wan(amount):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@bp.app_template_filter("budget")
def budget(amount) -> str:
    """A budget as its readers speak it: 48 万元 in Chinese, ¥480,000 in English."""
    if str(get_locale() or "").startswith("zh"):
        return _("%(wan)s 10k yuan", wan=wan(amount))
    return f"¥{amount:,.0f}" if amount == int(amount) else f"¥{amount:,.2f}"


@bp.app_template_global()
def project_nav() -> bool:
    """Whether the layout offers the pool (民生项目) in the menu."""
    return current_user.is_authenticated and permissions.can_use_pool(current_user)


@bp.app_template_global()
def can_create_projects() -> bool:
    """Whether the current user may take a problem into the pool (the escalations inbox asks it)."""
    return current_user.is_authenticated and permissions.can_create_project(current_user)


def _progress(project) -> dict:
    total = len(project.milestones)
    done = sum(1 for m in project.milestones if m.done_at is not None)
    return {"done": done, "total": total, "percent": rules.progress_percent(done, total)}


@bp.app_template_global()
def project_progress(project) -> dict:
    return _progress(project)


@bp.app_template_global()
def topic_projects(topic) -> list:
    """The projects a topic is part of, for its page (those the current user may read)."""
    return services.badges_of_topic(current_user, topic) if current_user.is_authenticated else []


@bp.app_template_global()
def courtyard_projects(courtyard) -> list:
    """The projects linked to the courtyard's topics, for its home."""
    return services.projects_of_courtyard(current_user, courtyard) if current_user.is_authenticated else []


@bp.app_template_global()
def task_projects(task) -> dict:
    """On a task's page: the projects it is part of, and whether 转入民生项目池 is offered."""
    if not current_user.is_authenticated:
        return {"projects": [], "can_take": False}
    return {"projects": services.projects_of_task(current_user, task),
            "can_take": services.can_take_task(current_user, task)}


@bp.app_template_global()
def pool_figures(scope) -> dict | None:
    """The street dashboard's pool figures (the street scope only; None elsewhere)."""
    if getattr(scope, "kind", None) != "street" or not permissions.can_use_pool(current_user):
        return None
    return services.figures()


def _errors(err: DomainError) -> dict:
    return {k: str(v) for k, v in getattr(err, "fields", {}).items()} if isinstance(err, Invalid) else {}


# --- the pool ------------------------------------------------------------------------------

@bp.get("/projects")
@login_required
def index():
    """The pool (民生项目池): staff see every project, residents those of their courtyards."""
    args = {k: request.args.get(k) or None for k in ("status", "org_id", "community_id")}
    errors = {}
    try:
        q = services.projects_for(current_user, **args)
    except Invalid as err:
        errors = _errors(err)
        args = {k: None for k in args}
        q = services.projects_for(current_user)
    page = page_of(q, per_page=PAGE_SIZE)
    whole = permissions.sees_whole_pool(current_user)
    communities = list(db.session.scalars(db.select(Community).order_by(Community.id))) if whole else []
    return render_template("projects/index.html", page=page, args=args, errors=errors, whole=whole,
                           statuses=list(ProjectStatus), departments=services.departments() if whole else [],
                           communities=communities, figures=services.figures() if whole else None,
                           can_create=permissions.can_create_project(current_user))


def _form(template, *, values, errors=None, status=200, project=None):
    return render_template(template, values=values, errors=errors or {}, project=project,
                           departments=services.departments(), sources=list(BudgetSource)), status


@bp.get("/projects/new")
@login_required
def new():
    """A new project; from a task (转入民生项目池) prefilled with its topic and linked to it."""
    if not permissions.can_create_project(current_user):
        raise Forbidden()
    values = {"budget_source": BudgetSource.street_fund.value}
    if request.args.get("task_id"):
        prefill = services.task_prefill(current_user, request.args.get("task_id"))
        if not prefill:  # already part of a project (or not one to take): go there instead
            task = places.find(Task, request.args.get("task_id"))
            existing = services.projects_of_task(current_user, task) if task is not None else []
            if existing:
                flash(_("This task is part of a project already."), "info")
                return redirect(url_for("projects.project", project_id=existing[0].id))
        values.update(prefill)
    elif request.args.get("topic_id"):
        values["topic_id"] = request.args.get("topic_id")
    return _form("projects/new.html", values=values)


@bp.post("/projects/new")
@login_required
def create():
    """Create the project; back to the form with the fields named on a mistake."""
    form = request.form
    values = {k: form.get(k, "") for k in ("title", "summary", "owner_org_id", "budget_amount", "budget_source",
                                            "budget_note", "task_id", "topic_id")}
    values["milestones"] = form.get("milestones", "")
    try:
        yuan = _yuan(values["budget_amount"])
        project = services.create_project(
            current_user, title=values["title"], summary=values["summary"], owner_org_id=values["owner_org_id"],
            budget_amount=yuan, budget_source=values["budget_source"],
            budget_note=values["budget_note"], milestones=[line for line in values["milestones"].splitlines()],
            task_id=values["task_id"] or None, topic_id=values["topic_id"] or None)
    except Invalid as err:
        db.session.rollback()
        if values["task_id"]:
            values.update({k: v for k, v in services.task_prefill(current_user, values["task_id"]).items()
                           if k == "task"})
        return _form("projects/new.html", values=values, errors=_errors(err), status=422)
    flash(_("The project is in the pool."), "success")
    return redirect(url_for("projects.project", project_id=project.id))


def _yuan(wan_text):
    """The forms ask for 万元 (what budgets are spoken in); the services take yuan."""
    from decimal import Decimal, InvalidOperation
    text = (wan_text or "").strip()
    if not text:
        return None
    try:
        return str(Decimal(text.replace(",", "")) * 10000)
    except (InvalidOperation, ValueError):
        return text  # the service names the field


# --- a project -----------------------------------------------------------------------------

def _page_context(project) -> dict:
    return {"project": project, "targets": services.linked_targets(current_user, project),
            "progress": _progress(project),
            "can_edit": permissions.can_edit_project(current_user, project),
            "can_work": permissions.can_work_project(current_user, project),
            "moves": permissions.next_statuses(current_user, project),
            "can_link": permissions.can_link_any(current_user) and project.status != ProjectStatus.cancelled,
            "ProjectUpdateKind": ProjectUpdateKind}


@bp.get("/projects/<int:project_id>")
@login_required
def project(project_id):
    """A project: owner, budget, milestones, linked topics and its timeline, live."""
    p = services.get_project(current_user, project_id)
    ctx = _page_context(p)
    if ctx["can_link"]:
        ctx["linkable"] = services.linkable_topics(current_user, exclude=p)
    return render_template("projects/project.html", errors={}, **ctx)


@bp.get("/projects/<int:project_id>/live")
@login_required
def live(project_id):
    """The part of a project's page that changes by itself (static/js/project.js swaps it in)."""
    p = services.get_project(current_user, project_id)
    return render_template("projects/_live.html", **_page_context(p))


def _act(project_id, fn, success: str, anchor: str = ""):
    p = services.get_project(current_user, project_id)
    try:
        fn(p)
        flash(success, "success")
    except DomainError as err:
        db.session.rollback()
        fields = _errors(err)
        flash("; ".join(fields.values()) if fields else str(err), "error")
    return redirect(url_for("projects.project", project_id=p.id) + anchor)


@bp.post("/projects/<int:project_id>/status")
@login_required
def set_status(project_id):
    """Move the project on (approve, start, complete, cancel), with a note."""
    return _act(project_id, lambda p: services.set_status(current_user, p, status=request.form.get("status"),
                                                          note=request.form.get("note")),
                _("The project's status was changed."))


@bp.post("/projects/<int:project_id>/updates")
@login_required
def post_update(project_id):
    """Post progress to the timeline."""
    return _act(project_id, lambda p: services.post_update(current_user, p, text=request.form.get("text")),
                _("Progress posted."), "#timeline")


@bp.post("/projects/<int:project_id>/milestones")
@login_required
def add_milestone(project_id):
    """Add a milestone."""
    return _act(project_id, lambda p: services.add_milestone(current_user, p, title=request.form.get("title"),
                                                             due_on=request.form.get("due_on")),
                _("Milestone added."), "#milestones")


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>")
@login_required
def reach_milestone(project_id, milestone_id):
    """Tick a milestone: reached."""
    return _act(project_id, lambda p: services.reach_milestone(current_user, p, milestone_id,
                                                               note=request.form.get("note")),
                _("Milestone reached."), "#milestones")


@bp.post("/projects/<int:project_id>/links")
@login_required
def add_link(project_id):
    """Link a topic (the street: confirmed; community staff: proposed)."""
    def link(p):
        made = services.add_link(current_user, p, topic_id=request.form.get("topic_id") or None,
                                 task_id=request.form.get("task_id") or None)
        if made.confirmed_at is None:
            flash(_("The link waits for the street to confirm it."), "info")
    return _act(project_id, link, _("Linked."), "#links")


@bp.post("/projects/<int:project_id>/links/<int:link_id>/confirm")
@login_required
def confirm_link(project_id, link_id):
    """Confirm a proposed link."""
    return _act(project_id, lambda p: services.confirm_link(current_user, p, link_id), _("Link confirmed."), "#links")


@bp.post("/projects/<int:project_id>/links/<int:link_id>/remove")
@login_required
def remove_link(project_id, link_id):
    """Remove a link."""
    return _act(project_id, lambda p: services.remove_link(current_user, p, link_id), _("Link removed."), "#links")


@bp.get("/projects/<int:project_id>/edit")
@login_required
def edit(project_id):
    """Edit a project's details (the street)."""
    p = services.get_project(current_user, project_id)
    if not permissions.can_edit_project(current_user, p):
        raise Forbidden()
    values = {"title": p.title, "summary": p.summary, "owner_org_id": p.owner_org_id,
              "budget_amount": wan(p.budget_amount), "budget_source": p.budget_source.value,
              "budget_note": p.budget_note}
    return _form("projects/edit.html", values=values, project=p)


@bp.post("/projects/<int:project_id>/edit")
@login_required
def save(project_id):
    """Save the details; back to the form with the fields named on a mistake."""
    p = services.get_project(current_user, project_id)
    form = request.form
    values = {k: form.get(k, "") for k in ("title", "summary", "owner_org_id", "budget_amount", "budget_source",
                                            "budget_note")}
    try:
        services.edit_project(current_user, p, **{**values, "budget_amount": _yuan(values["budget_amount"])})
    except Invalid as err:
        db.session.rollback()
        return _form("projects/edit.html", values=values, errors=_errors(err), status=422, project=p)
    flash(_("Saved."), "success")
    return redirect(url_for("projects.project", project_id=p.id))
