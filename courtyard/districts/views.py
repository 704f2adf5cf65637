"""District pages: my districts, a district courtyard's threads, a thread with its posts and
composer, a new thread, raising a topic (from the topic page's 管理 panel), experience cases,
and the street administrators' district admin page.

Every page works without JavaScript (plain forms); static/js/district.js joins the district's
room and adds threads and posts as `district.*` facts arrive.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import memo
from ..accounts.models import User
from ..deliberation import permissions as topic_permissions
from ..deliberation import services as topics
from ..deliberation.models import CATEGORY_LABELS, Category
from ..errors import DomainError, Forbidden, Invalid, NotFound
from ..extensions import db
from ..pagination import page_of
from ..places.models import Community, District
from ..places.services import find
from . import permissions, services
from .models import THREAD_STATUS_LABELS, ThreadStatus

bp = Blueprint("districts", __name__)

PAGE_SIZE = 20
POSTS_SHOWN = 200


def _errors(err: DomainError) -> dict:
    return {k: str(v) for k, v in getattr(err, "fields", {}).items()} if isinstance(err, Invalid) else {}


def _flash(err: DomainError) -> None:
    fields = _errors(err)
    flash("; ".join(fields.values()) if fields else str(err), "error")


# --- template helpers ----------------------------------------------------------------------

@bp.app_template_filter("thread_status_label")
def thread_status_label(status) -> str:
    return str(THREAD_STATUS_LABELS[ThreadStatus(status)])


@bp.app_template_global()
def district_nav() -> dict:
    """Which district links the layout offers: 片区 for members of a district courtyard."""
    if not current_user.is_authenticated:
        return {}
    return {"districts": permissions.offers_districts(current_user),
            "manage": permissions.can_manage_districts(current_user)}


@bp.app_template_global()
def topic_district(topic) -> dict:
    """The topic page's 吹哨 to the district: the thread it was raised to, or whether the reader may
    raise it (and to which district). Once a request: the header and the 管理 panel both ask."""
    def compute():
        # No district, no thread (a community taken out of its district hides what it raised): one
        # query saved on the topic page of every community not yet in a district.
        in_district = topic.courtyard.building.community.district_id is not None
        thread = services.thread_of_topic(topic) if in_district else None
        can_raise = (in_district and thread is None and topic.status not in services.UNRAISABLE
                     and permissions.can_raise_topic(current_user, topic))
        return {"thread": thread,
                # who may raise the topic is a member of its community's district: no seats to ask
                "thread_visible": thread is not None and (
                    (thread.district_id == topic.courtyard.building.community.district_id
                     and permissions.can_raise_topic(current_user, topic))
                    # the layout has asked whether the reader is in any district: most readers are not
                    or (permissions.offers_districts(current_user) and permissions.can_view_thread(current_user, thread))),
                "can_raise": can_raise,
                "district": topic.courtyard.building.community.district if can_raise else None,
                "no_district": not in_district and topic.status not in services.UNRAISABLE
                and permissions.can_raise_topic(current_user, topic)}
    return memo.remembered(("topic_district", topic.id), compute)


@bp.app_template_global()
def community_district(community_id) -> District | None:
    """The district of a community, when the reader is a member of its courtyard (the dashboard's link)."""
    if community_id is None:
        return None
    community = db.session.get(Community, community_id)
    if community is None or community.district_id is None or not permissions.is_member(current_user,
                                                                                          community.district_id):
        return None
    return community.district


# --- districts -----------------------------------------------------------------------------

@bp.get("/districts")
@login_required
def index():
    """The district courtyards I am a member of, and the way to the experience cases."""
    districts = services.districts_for(current_user)
    if not districts and not permissions.can_manage_districts(current_user):
        raise Forbidden()
    return render_template("districts/index.html", districts=districts,
                           can_manage=permissions.can_manage_districts(current_user))


@bp.get("/districts/<int:district_id>")
@login_required
def district(district_id):
    """A district courtyard: its communities and station, its threads (open ones first), live."""
    d = services.get_district(current_user, district_id)
    status = request.args.get("status") or None
    try:
        page = page_of(services.threads_of(current_user, d, status=status), per_page=PAGE_SIZE)
    except Invalid:
        raise NotFound() from None
    return render_template("districts/district.html", district=d, page=page, status=status,
                           staff=services.staff_of(d), can_mark=permissions.can_mark_case(current_user, d),
                           solved=services.solved_topics(current_user, d, limit=20))


def _new_form(d, errors=None, values=None, status=200):
    return render_template("districts/new_thread.html", district=d, errors=errors or {}, values=values or {},
                           categories=list(Category), labels=CATEGORY_LABELS), status


@bp.get("/districts/<int:district_id>/threads/new")
@login_required
def new_thread(district_id):
    """Start a thread about a problem several communities share."""
    return _new_form(services.get_district(current_user, district_id))


@bp.post("/districts/<int:district_id>/threads/new")
@login_required
def create_thread(district_id):
    """Start the thread; back to the form with the fields named on a mistake."""
    d = services.get_district(current_user, district_id)
    values = {k: request.form.get(k, "") for k in ("title", "body", "category")}
    try:
        thread = services.create_thread(current_user, d, **values)
    except Invalid as err:
        db.session.rollback()
        return _new_form(d, _errors(err), values, 422)
    flash(_("Thread started."), "success")
    return redirect(url_for("districts.thread", district_id=d.id, thread_id=thread.id))


def _thread_of(district_id, thread_id):
    thread = services.get_thread(current_user, thread_id)
    if thread.district_id != district_id:
        raise NotFound()
    return thread


def _thread_page(thread, errors=None, body="", status=200):
    posts = list(db.session.scalars(services.posts_of(current_user, thread).limit(POSTS_SHOWN)))
    source = thread.source_topic
    return render_template(
        "districts/thread.html", thread=thread, district=thread.district, posts=posts, errors=errors or {},
        body=body, can_post=permissions.can_post(current_user, thread) and thread.status == ThreadStatus.open,
        can_manage=permissions.can_manage_thread(current_user, thread),
        can_mark=permissions.can_mark_case(current_user, thread.district_id)
        and thread.status == ThreadStatus.resolved,
        source_visible=source is not None and topic_permissions.can_view_topic(current_user, source)), status


@bp.get("/districts/<int:district_id>/threads/<int:thread_id>")
@login_required
def thread(district_id, thread_id):
    """A district thread: the problem, the topic it came from, the posts and the composer (live)."""
    return _thread_page(_thread_of(district_id, thread_id))


@bp.post("/districts/<int:district_id>/threads/<int:thread_id>/posts")
@login_required
def post(district_id, thread_id):
    """Post in the thread; the page again with the mistake named."""
    t = _thread_of(district_id, thread_id)
    body = request.form.get("body", "")
    try:
        item = services.post(current_user, t, body=body)
    except Invalid as err:
        db.session.rollback()
        return _thread_page(t, _errors(err), body, 422)
    except DomainError as err:
        db.session.rollback()
        _flash(err)
        return redirect(url_for("districts.thread", district_id=district_id, thread_id=t.id))
    return redirect(url_for("districts.thread", district_id=district_id, thread_id=t.id) + f"#p{item.id}")


@bp.post("/districts/<int:district_id>/threads/<int:thread_id>/status")
@login_required
def set_status(district_id, thread_id):
    """Resolve or reopen the thread."""
    t = _thread_of(district_id, thread_id)
    try:
        services.set_thread_status(current_user, t, request.form.get("status"))
        flash(_("Thread resolved.") if t.status == ThreadStatus.resolved else _("Thread reopened."), "success")
    except DomainError as err:
        db.session.rollback()
        _flash(err)
    return redirect(url_for("districts.thread", district_id=district_id, thread_id=t.id))


# --- raising a topic (吹哨 to the district) -------------------------------------------------------

@bp.post("/topics/<int:topic_id>/raise-to-district")
@login_required
def raise_topic(topic_id):
    """吹哨 to the district from the topic page's 管理 panel."""
    topic = topics.get_topic(current_user, topic_id)
    try:
        thread = services.raise_topic(current_user, topic, reason=request.form.get("reason"))
    except DomainError as err:
        db.session.rollback()
        _flash(err)
        return redirect(url_for("deliberation.topic", topic_id=topic.id) + "#district-raise")
    flash(_("Raised to %(district)s.", district=thread.district.name), "success")
    return redirect(url_for("districts.thread", district_id=thread.district_id, thread_id=thread.id))


# --- experience cases ------------------------------------------------------------------------

@bp.get("/districts/cases")
@login_required
def cases():
    """经验案例: every district's solved problems, to learn from; filter by district and category."""
    district_id = request.args.get("district_id") or None
    category = request.args.get("category") or None
    try:
        page = page_of(services.cases(current_user, district_id=district_id, category=category), per_page=PAGE_SIZE)
    except Invalid:
        district_id = category = None
        page = page_of(services.cases(current_user), per_page=PAGE_SIZE)
    all_districts = list(db.session.scalars(sa.select(District).order_by(District.id)))
    return render_template("districts/cases.html", page=page, districts=all_districts, categories=list(Category),
                           labels=CATEGORY_LABELS, district_id=str(district_id or ""), category=category or "")


@bp.get("/districts/cases/<int:case_id>")
@login_required
def case(case_id):
    """One experience case: the problem, how it was solved, where; the topic when I may read it."""
    c = services.get_case(current_user, case_id)
    return render_template("districts/case.html", case=c, topic=services.case_topic_link(current_user, c),
                           thread=services.case_thread_link(current_user, c),
                           can_remove=permissions.can_mark_case(current_user, c.district_id))


@bp.post("/districts/cases")
@login_required
def mark_case():
    """Mark a solved topic or a resolved thread as an experience case (district staff)."""
    form = request.form
    back = form.get("next") if (form.get("next") or "").startswith("/") else url_for("districts.cases")
    try:
        c = services.mark_case(current_user, summary=form.get("summary"), topic_id=form.get("topic_id") or None,
                               thread_id=form.get("thread_id") or None)
    except DomainError as err:
        db.session.rollback()
        _flash(err)
        return redirect(back)
    flash(_("Kept as an experience case."), "success")
    return redirect(url_for("districts.case", case_id=c.id))


@bp.post("/districts/cases/<int:case_id>/delete")
@login_required
def remove_case(case_id):
    """Remove an experience case."""
    c = services.get_case(current_user, case_id)
    try:
        services.remove_case(current_user, c)
        flash(_("The experience case was removed."), "success")
    except DomainError as err:
        db.session.rollback()
        _flash(err)
        return redirect(url_for("districts.case", case_id=case_id))
    return redirect(url_for("districts.cases"))


# --- administration (street administrators) --------------------------------------------------

@bp.get("/admin/districts")
@login_required
def admin():
    """Districts: create and rename them, assign communities, appoint the stations' staff."""
    districts = services.all_districts(current_user)
    communities = list(db.session.scalars(sa.select(Community).order_by(Community.id)))
    return render_template("districts/admin.html", districts=districts, communities=communities,
                           staff={d.id: services.staff_of(d) for d in districts}, errors={}, values={})


def _admin_back(anchor: str = ""):
    return redirect(url_for("districts.admin") + anchor)


@bp.post("/admin/districts")
@login_required
def admin_create():
    """Create a district."""
    form = request.form
    try:
        d = services.create_district(current_user, name=form.get("name"), station_name=form.get("station_name"),
                                     station_address=form.get("station_address"))
    except DomainError as err:
        db.session.rollback()
        _flash(err)
        return _admin_back("#new-district")
    flash(_("District %(name)s created.", name=d.name), "success")
    return _admin_back(f"#district-{d.id}")


def _admin_district(district_id) -> District:
    if not permissions.can_manage_districts(current_user):
        raise Forbidden()
    d = find(District, district_id)
    if d is None:
        raise NotFound()
    return d


@bp.post("/admin/districts/<int:district_id>")
@login_required
def admin_update(district_id):
    """Rename a district or change its station."""
    d = _admin_district(district_id)
    form = request.form
    try:
        services.update_district(current_user, d, name=form.get("name"), station_name=form.get("station_name"),
                                 station_address=form.get("station_address"))
        flash(_("Saved."), "success")
    except DomainError as err:
        db.session.rollback()
        _flash(err)
    return _admin_back(f"#district-{district_id}")


@bp.post("/admin/communities/<int:community_id>/district")
@login_required
def admin_assign(community_id):
    """Put a community into a district (or none)."""
    if not permissions.can_manage_districts(current_user):
        raise Forbidden()
    community = find(Community, community_id)
    if community is None:
        raise NotFound()
    try:
        services.set_community_district(current_user, community, district_id=request.form.get("district_id") or None)
        flash(_("Saved."), "success")
    except DomainError as err:
        db.session.rollback()
        _flash(err)
    return _admin_back("#communities")


@bp.post("/admin/districts/<int:district_id>/staff")
@login_required
def admin_add_staff(district_id):
    """Appoint someone, by their login, to the district's station."""
    d = _admin_district(district_id)
    login = (request.form.get("login") or "").strip()
    user = db.session.scalar(sa.select(User).where(User.login == login)) if login else None
    try:
        if user is None:
            raise Invalid(fields={"login": _("No account has this login.")})
        _row, created = services.add_district_staff(current_user, d, user_id=user.id)
        flash(_("%(name)s is on the staff of %(district)s.", name=user.display_name, district=d.name), "success")
    except DomainError as err:
        db.session.rollback()
        _flash(err)
    return _admin_back(f"#district-{district_id}")


@bp.post("/admin/districts/<int:district_id>/staff/<int:user_id>/remove")
@login_required
def admin_remove_staff(district_id, user_id):
    """Take someone off the district's staff."""
    d = _admin_district(district_id)
    try:
        services.remove_district_staff(current_user, d, user_id=user_id)
        flash(_("Removed."), "success")
    except DomainError as err:
        db.session.rollback()
        _flash(err)
    return _admin_back(f"#district-{district_id}")
