"""Task pages: the work queue, a task with its timeline and buttons, dispatching a topic or an
adopted proposal, the escalations inbox and the service policy (the audit page is courtyard/audit/).

Every page works without JavaScript (plain forms; photos straight from the phone's
camera). static/js/tasks.js swaps in fresh task cards when `task.updated` arrives.
"""
from __future__ import annotations

from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from .. import clock
from ..deliberation import permissions as topic_permissions
from ..deliberation import services as topics
from ..deliberation.models import CATEGORY_LABELS, Category, Topic
from ..errors import DomainError, Forbidden, Invalid, TooLarge
from ..extensions import db
from ..pagination import page_of
from ..places import permissions as place_permissions
from ..places import services as places
from ..places.models import Community, Courtyard, Organization, OrgKind
from ..uploads import services as uploads
from ..validation import Fields
from . import payloads, permissions, queries, rules, services
from . import policy as service_policy
from .forms import (AcknowledgeForm, EscalateForm, PolicyForm, RatingForm, TaskForm, UpdateForm, VerifyForm,
                    category_hours_field_name)
from .models import Escalation, Task, TaskStatus

bp = Blueprint("tasks", __name__)

PAGE_SIZE = 20
PHOTO_FORM_LIMIT = services.MAX_PHOTOS * uploads.MAX_BYTES + 1024 * 1024
# What the organization's button says for each step forward.
STEP_LABELS = {
    TaskStatus.accepted: _l("Take on the task"),
    TaskStatus.in_progress: _l("Start the work"),
    TaskStatus.done: _l("Mark as done"),
}


@bp.url_value_preprocessor
def _allow_photo_forms(endpoint, _values):
    """Raise the request size limit for the form that carries photos (before the CSRF check reads it)."""
    if endpoint == "tasks.post_update":
        request.max_content_length = PHOTO_FORM_LIMIT


# --- template helpers ----------------------------------------------------------------------

@bp.app_template_filter("task_status_label")
def task_status_label(status) -> str:
    return str(payloads.STATUS_LABELS[TaskStatus(status)])


@bp.app_template_filter("score_label")
def score_label(score) -> str:
    from .models import Score
    return str(payloads.SCORE_LABELS[Score(score)])


@bp.app_template_filter("escalation_target")
def escalation_target(escalation) -> str:
    return payloads.target_name(escalation)


@bp.app_template_filter("hours_words")
def hours_words(hours) -> str:
    """A duration in hours as words: 3 小时 12 分钟 / 2 天 4 小时."""
    if hours is None:
        return ""
    minutes = int(round(hours * 60))
    days, rest = divmod(minutes, 24 * 60)
    h, m = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h", d=days, h=h)
    if h:
        return _("%(h)s h %(m)s min", h=h, m=m)
    return _("%(m)s min", m=m)


@bp.app_template_global()
def task_nav() -> dict:
    """Which task links the layout offers the current user."""
    if not current_user.is_authenticated:
        return {}
    return {"queue": permissions.can_use_work_queue(current_user),
            "escalations": permissions.can_use_escalations_inbox(current_user)}


def _card_context(task: Task, rated=None) -> dict:
    """What templates/tasks/_card.html needs to show one task to the current user. `rated`: the
    task's (rating counts, my score) when the caller counted them for several tasks at once."""
    now = clock.now()
    status = task.status.value
    can_verify = status == rules.VERIFY_FROM and permissions.can_verify_task(current_user, task)
    can_rate = status in (rules.DONE, rules.VERIFIED) and permissions.can_rate_task(current_user, task)
    ratings, my_score = rated or services.ratings_of_tasks(current_user, [task])[task.id]
    return {
        "task": task, "overdue": rules.is_overdue(status, task.due_at, now),
        "ratings": ratings, "satisfaction": rules.satisfaction_rate(ratings),
        "can_verify": can_verify, "can_rate": can_rate, "my_rating": my_score.value if can_rate and my_score else None,
        "verify_form": VerifyForm(formdata=None, prefix=f"v{task.id}"),
    }


@bp.app_template_global()
def topic_tasks(topic) -> dict:
    """What tasks/_topic_tasks.html shows on a topic's page: its tasks with their timelines, and
    what the current user may do (dispatch it, turn an adopted proposal into a task)."""
    rated = services.rated_tasks_of_topic(current_user, topic)
    can_create = (permissions.can_create_task(current_user, topic)
                  and topic.status not in topic_permissions.CLOSED_STATES)
    proposals = []
    if can_create:
        from ..voting import services as voting
        from ..voting.models import ProposalStatus
        proposals = [p for p in voting.topic_proposals(current_user, topic) if p.status == ProposalStatus.adopted]
    return {"cards": [_card_context(t, r) for t, r in rated], "can_create": can_create, "proposals": proposals,
            "topic": topic}


# --- the work queue ------------------------------------------------------------------------

QUEUE_FILTERS = ("open", "overdue", "done", "verified", "all")


@bp.get("/tasks")
@login_required
def queue():
    """The work queue: tasks I may see (my organizations' first of all), most urgent first."""
    view = request.args.get("view") or "open"
    if view not in QUEUE_FILTERS:
        view = "open"
    org_id = request.args.get("org_id") or None
    mine = sorted(place_permissions.organization_ids(current_user))
    try:
        select = services.tasks_for(current_user, org_id=org_id)
    except Invalid:
        org_id, select = None, services.tasks_for(current_user)
    now = clock.now()
    if view == "open":
        select = select.where(Task.status != TaskStatus.verified)
    elif view == "overdue":
        select = select.where(queries.overdue(now))  # the rule the cards' "overdue" mark uses
    elif view == "done":
        select = select.where(Task.status == TaskStatus.done)
    elif view == "verified":
        select = select.where(Task.status == TaskStatus.verified)
    paging = page_of(select.options(selectinload(Task.assignee_org), selectinload(Task.courtyard)), PAGE_SIZE)
    orgs = db.session.scalars(sa.select(Organization).where(Organization.id.in_(mine or [-1]))
                              .order_by(Organization.name)).all()

    def link(**changes) -> str:
        params = {"view": view, "org_id": org_id, **changes}
        clean = {k: v for k, v in params.items() if v}
        return url_for("tasks.queue") + ("?" + urlencode(clean) if clean else "")

    return render_template("tasks/queue.html", tasks=paging.items, total=paging.total, paging=paging,
                           view=view, org_id=org_id, orgs=orgs, link=link,
                           now=now, is_overdue=lambda t: rules.is_overdue(t.status.value, t.due_at, now))


# --- one task ------------------------------------------------------------------------------

def _departments() -> list[Organization]:
    return places.organizations(OrgKind.department)


def _task_page(task: Task, *, update_form: UpdateForm | None = None, done_form: UpdateForm | None = None,
               escalate_form: EscalateForm | None = None, rating_form: RatingForm | None = None,
               status: int = 200):
    status_value = task.status.value
    can_work = permissions.can_work_task(current_user, task)
    step = rules.next_work_status(status_value) if can_work else None
    escalate_form = escalate_form or EscalateForm(formdata=None)
    escalate_form.to_org_id.choices = [("", _("One level up"))] + [(str(o.id), o.name) for o in _departments()]
    rating = services.rating_of(current_user, task)
    rating_form = rating_form or RatingForm(formdata=None, score=rating.score.value if rating else None)
    can_view_topic = topic_permissions.can_view_topic(current_user, task.topic)
    return render_template(
        "tasks/task.html", **_card_context(task), step=TaskStatus(step) if step else None,
        step_label=STEP_LABELS.get(TaskStatus(step)) if step else None,
        can_note=can_work and status_value in rules.OPEN,
        can_escalate=status_value in rules.CLOCK_RUNNING and permissions.can_escalate_task(current_user, task),
        ack=[(e, permissions.can_acknowledge(current_user, e)) for e in task.escalations],
        can_view_topic=can_view_topic, topic=task.topic,
        update_form=update_form or UpdateForm(formdata=None, prefix="note"),
        done_form=done_form or UpdateForm(formdata=None, prefix="done"),
        escalate_form=escalate_form, rating_form=rating_form, ack_form=AcknowledgeForm(formdata=None),
        max_photos=services.MAX_PHOTOS, max_mb=uploads.MAX_BYTES // (1024 * 1024),
    ), status


@bp.get("/tasks/<int:task_id>")
@login_required
def task(task_id):
    """A task: what, for whom, by when; its timeline and the buttons for whoever may press them."""
    return _task_page(services.get_task(current_user, task_id))


@bp.get("/tasks/<int:task_id>/card")
@login_required
def card(task_id):
    """One task's card as HTML (static/js/tasks.js swaps it in when task.updated arrives)."""
    t = services.get_task(current_user, task_id)
    part = request.args.get("part")
    template = "tasks/_live.html" if part == "live" else "tasks/_card.html"
    return render_template(template, **_card_context(t))


def _back(task: Task) -> str:
    """Back to where the form was: the topic page's task list, or the task page."""
    target = request.form.get("next") or ""
    if target.startswith(f"/topics/{task.topic_id}"):
        return f"/topics/{task.topic_id}#task-{task.id}"
    return url_for("tasks.task", task_id=task.id)


@bp.post("/tasks/<int:task_id>/updates")
@login_required
def post_update(task_id):
    """Move the task forward or add a note, with photos taken on the spot."""
    t = services.get_task(current_user, task_id)
    if not permissions.can_work_task(current_user, t):
        raise Forbidden(_("Only the staff of %(org)s can update this task.", org=t.assignee_org.name))
    prefix = "done" if request.form.get("done-status") else "note"
    form = UpdateForm(prefix=prefix)
    photo_ids = form.kept_photo_ids()
    files = [f for f in request.files.getlist(form.photos.name) if f and f.filename]
    if len(photo_ids) + len(files) > services.MAX_PHOTOS:
        form.add_error("photos", _("At most %(n)s photos.", n=services.MAX_PHOTOS))
    else:
        for f in files:
            try:
                photo_ids.append(uploads.store_upload(current_user, f).id)
            except (Invalid, TooLarge) as err:
                form.add_error("photos", _("%(name)s: %(message)s", name=f.filename[:60],
                                           message=err.fields.get("file", err.message)))
    form.photo_ids.data = ",".join(map(str, photo_ids))
    forms = {"done_form" if prefix == "done" else "update_form": form}
    if form.photos.errors:  # the note's mistakes are named with the photos' ones
        others = Fields()
        services.check_note(others, form.status.data, form.note.data)
        for name, message in others.errors.items():
            form.add_error(name, message)
        return _task_page(t, **forms, status=422)
    try:
        services.add_update(current_user, t, status=form.status.data or None, note=form.note.data,
                            photo_ids=photo_ids)
    except Invalid as err:
        form.show(err, {"photo_ids": "photos", "status": None})
        return _task_page(t, **forms, status=err.status)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(err.message), "error")
        return redirect(url_for("tasks.task", task_id=t.id))
    db.session.refresh(t)
    flash(_("Saved. The task is now “%(status)s”.", status=task_status_label(t.status)), "success")
    return redirect(url_for("tasks.task", task_id=t.id))


@bp.post("/tasks/<int:task_id>/step")
@login_required
def step(task_id):
    """The organization's one-button steps: take on the task, start the work."""
    t = services.get_task(current_user, task_id)
    target = request.form.get("status")
    try:
        services.add_update(current_user, t, status=target, note=request.form.get("note") or None)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(next(iter(err.fields.values()), err.message)), "error")
    else:
        db.session.refresh(t)
        flash(_("The task is now “%(status)s”.", status=task_status_label(t.status)), "success")
    return redirect(url_for("tasks.task", task_id=t.id))


@bp.post("/tasks/<int:task_id>/verification")
@login_required
def verify(task_id):
    """Accept the work, or reopen it."""
    t = services.get_task(current_user, task_id)
    accepted = request.form.get("accepted")
    form = VerifyForm(prefix=f"v{t.id}")
    try:
        services.verify(current_user, t, accepted={"1": True, "0": False}.get(accepted, accepted),
                        note=form.note.data or None)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(next(iter(err.fields.values()), err.message)), "error")
    else:
        flash(_("Thank you: the work is accepted.") if accepted == "1"
              else _("The task went back to %(org)s.", org=t.assignee_org.name), "success")
    return redirect(_back(t))


@bp.post("/tasks/<int:task_id>/ratings")
@login_required
def rate(task_id):
    """满意 / 基本满意 / 不满意."""
    t = services.get_task(current_user, task_id)
    try:
        services.rate(current_user, t, score=request.form.get("score"))
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(next(iter(err.fields.values()), err.message)), "error")
    else:
        flash(_("Thank you for rating the work."), "success")
    return redirect(_back(t))


@bp.post("/tasks/<int:task_id>/escalations")
@login_required
def escalate(task_id):
    """吹哨: hand the task up, with a reason."""
    t = services.get_task(current_user, task_id)
    form = EscalateForm()
    try:
        services.escalate(current_user, t, reason=form.reason.data, to_org_id=form.to_org_id.data or None)
    except Invalid as err:
        form.show(err)
        return _task_page(t, escalate_form=form, status=err.status)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(err.message), "error")
        return redirect(url_for("tasks.task", task_id=t.id))
    flash(_("Escalated. The receiving side has been asked to acknowledge it."), "success")
    return redirect(url_for("tasks.task", task_id=t.id))


@bp.post("/escalations/<int:escalation_id>/acknowledgement")
@login_required
def acknowledge(escalation_id):
    """报到: we have it."""
    escalation = services.get_escalation(current_user, escalation_id)
    form = AcknowledgeForm()
    try:
        services.acknowledge(current_user, escalation, note=form.note.data or None)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(next(iter(err.fields.values()), err.message)), "error")
    else:
        flash(_("Acknowledged."), "success")
    target = request.form.get("next")
    if target == "inbox":
        return redirect(url_for("tasks.escalations"))
    return redirect(url_for("tasks.task", task_id=escalation.task_id))


# --- dispatching ---------------------------------------------------------------------------

def _org_choices(courtyard: Courtyard) -> list[tuple[str, str]]:
    default = courtyard.building.property_org
    orgs = places.organizations()
    choices = []
    if default is not None:
        choices.append((str(default.id), _("%(name)s (the building's property company)", name=default.name)))
    choices += [(str(o.id), o.name) for o in orgs if default is None or o.id != default.id]
    return choices


def _new_task_page(topic: Topic, form: TaskForm, proposal=None, status: int = 200):
    form.assignee_org_id.choices = _org_choices(topic.courtyard)
    hours = service_policy.service_hours(topic.courtyard.building.community_id, topic.category)
    return render_template("tasks/new.html", topic=topic, proposal=proposal, form=form, hours=hours,
                           category=CATEGORY_LABELS[topic.category]), status


def _creatable_topic(topic_id) -> Topic:
    topic = topics.get_topic(current_user, topic_id)
    if not permissions.can_create_task(current_user, topic):
        raise Forbidden()
    return topic


def _adopted_proposal(proposal_id):
    from ..voting import services as voting
    proposal = voting.get_proposal(current_user, proposal_id)
    if not permissions.can_create_task(current_user, proposal.topic):
        raise Forbidden()
    return proposal


@bp.get("/topics/<int:topic_id>/tasks/new")
@login_required
def new_topic_task(topic_id):
    """Dispatch a topic to an organization."""
    return _new_task_page(_creatable_topic(topic_id), TaskForm(formdata=None))


@bp.get("/proposals/<int:proposal_id>/tasks/new")
@login_required
def new_proposal_task(proposal_id):
    """Turn an adopted proposal into a task."""
    proposal = _adopted_proposal(proposal_id)
    return _new_task_page(proposal.topic, TaskForm(formdata=None), proposal)


def _create(topic: Topic, proposal=None):
    form = TaskForm()
    try:
        t = services.create_task(current_user, topic, proposal=proposal, assignee_org_id=form.assignee_org_id.data,
                                 title=form.title.data or None, due_at=form.due_at.data or None)
    except Invalid as err:
        form.show(err)
        return _new_task_page(topic, form, proposal, err.status)
    except DomainError as err:
        if err.status == 404:
            raise
        form.add_error(None, err.message)
        return _new_task_page(topic, form, proposal, err.status)
    flash(_("The task went to %(org)s.", org=t.assignee_org.name), "success")
    return redirect(url_for("tasks.task", task_id=t.id))


@bp.post("/topics/<int:topic_id>/tasks")
@login_required
def create_topic_task(topic_id):
    """Dispatch the topic."""
    return _create(_creatable_topic(topic_id))


@bp.post("/proposals/<int:proposal_id>/tasks")
@login_required
def create_proposal_task(proposal_id):
    """Dispatch the adopted proposal."""
    proposal = _adopted_proposal(proposal_id)
    return _create(proposal.topic, proposal)


# --- escalations inbox ---------------------------------------------------------------------

@bp.get("/escalations")
@login_required
def escalations():
    """吹哨报到: escalations addressed to me (waiting first), or every escalation I can see."""
    if not permissions.can_use_escalations_inbox(current_user):
        raise Forbidden()
    scope = "all" if request.args.get("scope") == "all" else "mine"
    select = services.escalations_inbox(current_user, mine=scope == "mine")
    paging = page_of(select.options(selectinload(Escalation.task)), PAGE_SIZE)
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(
        services.escalations_inbox(current_user, pending=True).order_by(None).subquery()))
    policies = [(c.name, url_for("tasks.community_policy", community_id=c.id))
                for c in places.communities_for_admin(current_user) if permissions.can_edit_policy(current_user, c)]
    if permissions.can_edit_street_policy(current_user):
        policies.insert(0, (_("The street's defaults"), url_for("tasks.street_policy")))
    return render_template("tasks/escalations.html", rows=[(e, permissions.can_acknowledge(current_user, e))
                                                           for e in paging.items], policies=policies,
                           scope=scope, paging=paging, waiting=waiting,
                           ack_form=AcknowledgeForm(formdata=None), now=clock.now())


# --- the service policy --------------------------------------------------------------------

def _policy_page(community: Community | None, form: PolicyForm | None = None, status: int = 200):
    community_id = community.id if community else None
    policy, department, source = service_policy.policy_for(community_id)
    times = service_policy.service_times(community_id)
    if form is None:
        form = PolicyForm(formdata=None, reminder_hours=policy.reminder_hours,
                          level1_after_hours=policy.level1_after_hours,
                          level2_after_hours=policy.level2_after_hours,
                          level2_org_id=str(department) if department else "")
        for row in times:
            getattr(form, category_hours_field_name(row["category"])).data = (
                str(row["hours"]) if row["own"] or community is None else "")
    form.level2_org_id.choices = [("", _("The street"))] + [(str(o.id), o.name) for o in _departments()]
    street_hours = {r["category"]: r["hours"] for r in service_policy.service_times(None)}
    return render_template("tasks/policy.html", community=community, form=form, source=source,
                           rows=[(row, getattr(form, category_hours_field_name(row["category"])),
                                  CATEGORY_LABELS[Category(row["category"])],
                                  street_hours[row["category"]]) for row in times]), status


def _policy_community(community_id) -> Community:
    community = places.get_or_404(Community, community_id)
    if not permissions.can_edit_policy(current_user, community):
        raise Forbidden()
    return community


@bp.get("/communities/<int:community_id>/service-times")
@login_required
def community_policy(community_id):
    """A community's service times per category and its service clock (community staff)."""
    return _policy_page(_policy_community(community_id))


@bp.get("/service-times")
@login_required
def street_policy():
    """The street's default service times and service clock (street administrators)."""
    if not permissions.can_edit_street_policy(current_user):
        raise Forbidden()
    return _policy_page(None)


def _save_policy(community: Community | None):
    form = PolicyForm()
    hours = {c.value: getattr(form, category_hours_field_name(c.value)).data for c in CATEGORY_LABELS}
    try:
        service_policy.set_policy(current_user, community, reminder_hours=form.reminder_hours.data,
                            level1_after_hours=form.level1_after_hours.data,
                            level2_after_hours=form.level2_after_hours.data,
                            level2_org_id=form.level2_org_id.data or None, service_hours_by_category=hours)
    except Invalid as err:
        form.show(err, lambda name: category_hours_field_name(name.split(".", 1)[1])
                  if name.startswith("service_hours.") else name)
        return _policy_page(community, form, err.status)
    flash(_("Saved."), "success")
    if community is None:
        return redirect(url_for("tasks.street_policy"))
    return redirect(url_for("tasks.community_policy", community_id=community.id))


@bp.post("/communities/<int:community_id>/service-times")
@login_required
def save_community_policy(community_id):
    """Save a community's service times and clock."""
    return _save_policy(_policy_community(community_id))


@bp.post("/service-times")
@login_required
def save_street_policy():
    """Save the street's defaults."""
    if not permissions.can_edit_street_policy(current_user):
        raise Forbidden()
    return _save_policy(None)
