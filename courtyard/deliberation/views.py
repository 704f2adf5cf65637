"""Topic pages: the list on a courtyard's home, raising a topic, a topic with its discussion.

Every page works without JavaScript: posting a message is a plain form. static/js/topic.js
adds the live room on top of the hooks the topic page provides (#discussion, #messages …).
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from .. import clock
from ..errors import DomainError, Forbidden, Invalid, TooLarge
from ..extensions import db
from ..pagination import page_of
from ..places import permissions as place_permissions
from ..places import services as places
from ..realtime import presence
from ..uploads import services as uploads
from ..validation import Fields
from . import permissions, services
from .forms import MessageForm, TopicForm
from .models import CATEGORY_LABELS, PLACE_LABELS, STATUS_LABELS, Category, Place, Topic, TopicStatus, TopicSupport

bp = Blueprint("deliberation", __name__)

PAGE_SIZE = 20
FIRST_MESSAGES = 50

# The buttons a moderator sees for each status, the usual next step first: (new status, label).
# The API allows a few more moves (e.g. deliberating → open); the page offers the common ones.
MOVES = {
    TopicStatus.open: ((TopicStatus.deliberating, _l("Start the discussion")),
                       (TopicStatus.closed, _l("Close the topic"))),
    TopicStatus.deliberating: ((TopicStatus.decided, _l("Mark as decided")),
                               (TopicStatus.closed, _l("Close the topic"))),
    TopicStatus.decided: ((TopicStatus.closed, _l("Close the topic")),
                          (TopicStatus.deliberating, _l("Discuss it again"))),
    TopicStatus.closed: ((TopicStatus.open, _l("Reopen")),),
}
FILTER_STATUSES = (TopicStatus.open, TopicStatus.deliberating, TopicStatus.decided, TopicStatus.closed)
# A whole form of photos may be larger than the app's usual request limit.
PHOTO_FORM_LIMIT = services.MAX_PHOTOS * uploads.MAX_BYTES + 1024 * 1024


@bp.url_value_preprocessor
def _allow_photo_forms(endpoint, _values):
    """Raise the request size limit for the forms that carry photos. This runs before the app's
    before_request (which reads the form for its CSRF check), so the limit applies to that read."""
    if endpoint == "deliberation.create_topic":
        request.max_content_length = PHOTO_FORM_LIMIT


# --- template helpers ----------------------------------------------------------------------

@bp.app_template_filter("status_label")
def status_label(status) -> str:
    return str(STATUS_LABELS[TopicStatus(status)])


@bp.app_template_filter("category_label")
def category_label(category) -> str:
    return str(CATEGORY_LABELS[Category(category)])


@bp.app_template_filter("place_label")
def place_label(place) -> str:
    return str(PLACE_LABELS[Place(place)])


@bp.app_template_filter("ago")
def ago(dt) -> str:
    """How long ago, in words (3 分钟前 / 3 minutes ago)."""
    if dt is None:
        return ""
    delta = dt - clock.now()
    if abs(delta) < timedelta(minutes=1):
        return _("just now")
    return format_timedelta(delta, add_direction=True, threshold=1)


def _query_url(endpoint_args: dict, **params) -> str:
    clean = {k: v for k, v in params.items() if v}
    return url_for(**endpoint_args) + (("?" + urlencode(clean)) if clean else "") + "#topics"


@bp.app_template_global()
def topic_listing(courtyard) -> dict:
    """What deliberation/_topic_list.html shows on a courtyard's home: topics filtered by
    ?status= and ?category=, pinned first, PAGE_SIZE a page."""
    status = request.args.get("status") or None
    category = request.args.get("category") or None
    error = None
    try:
        select = services.topics_in(current_user, courtyard, status=status, category=category)
    except Invalid:
        error = _("That filter is unknown; showing every topic.")
        status = category = None
        select = services.topics_in(current_user, courtyard)
    paging = page_of(select.options(selectinload(Topic.author)), PAGE_SIZE)
    topics = paging.items
    supported = set(db.session.scalars(sa.select(TopicSupport.topic_id).where(
        TopicSupport.user_id == current_user.id, TopicSupport.topic_id.in_([t.id for t in topics] or [-1]))))
    here = {"endpoint": request.endpoint, **(request.view_args or {})}

    def link(**changes) -> str:
        params = {"status": status, "category": category, **changes}
        return _query_url(here, **params)

    return {
        "topics": topics, "supported": supported, "total": paging.total, "error": error,
        "status": status, "category": category, "paging": paging, "link": link,
        "statuses": [(s.value, STATUS_LABELS[s]) for s in FILTER_STATUSES],
        "all_statuses": [(s.value, STATUS_LABELS[s]) for s in TopicStatus],
        "categories": [(c.value, label) for c, label in CATEGORY_LABELS.items()],
        "can_create": permissions.can_create_topic(current_user, courtyard),
        "new_url": url_for("deliberation.new_topic", courtyard_id=courtyard.id),
    }


# --- raising a topic -----------------------------------------------------------------------

def _new_topic_page(courtyard, form: TopicForm, status: int = 200):
    return render_template("deliberation/new_topic.html", courtyard=courtyard, form=form,
                           kept=form.kept_photo_ids(), max_photos=services.MAX_PHOTOS,
                           max_mb=uploads.MAX_BYTES // (1024 * 1024)), status


def _creatable(courtyard_id):
    courtyard = places.courtyard_for(current_user, courtyard_id)
    if not permissions.can_create_topic(current_user, courtyard):
        raise Forbidden(_("Only members of this courtyard can raise a topic here."))
    return courtyard


@bp.get("/courtyards/<int:courtyard_id>/topics/new")
@login_required
def new_topic(courtyard_id):
    """The form to raise a topic: what, which kind, details, photos."""
    courtyard = _creatable(courtyard_id)
    form = TopicForm(formdata=None, category=request.args.get("category"))
    return _new_topic_page(courtyard, form)


@bp.post("/courtyards/<int:courtyard_id>/topics")
@login_required
def create_topic(courtyard_id):
    """Raise the topic; photos go through the uploads service first."""
    courtyard = _creatable(courtyard_id)
    form = TopicForm()
    photo_ids = form.kept_photo_ids()
    files = [f for f in request.files.getlist(form.photos.name) if f and f.filename]
    if len(photo_ids) + len(files) > services.MAX_PHOTOS:
        form.add_error("photos", _("At most %(n)s photos.", n=services.MAX_PHOTOS))
        files = []  # none is stored: the person chooses which to keep
    for f in files:
        try:
            photo_ids.append(uploads.store_upload(current_user, f).id)
        except (Invalid, TooLarge) as err:
            message = err.fields.get("file", err.message)
            form.add_error("photos", _("%(name)s: %(message)s", name=f.filename[:60], message=message))
    form.photo_ids.data = ",".join(map(str, photo_ids))
    if form.photos.errors:  # the good photos are kept (photo_ids); the others need another try
        others = Fields()  # and every other mistake is named with it, not after the next submit
        services.check_topic_fields(others, title=form.title.data, body=form.body.data, category=form.category.data)
        services.check_where(others, **form.where())
        if others.errors:
            form.show(Invalid(fields=others.errors))
        return _new_topic_page(courtyard, form, 422)
    try:
        topic = services.create_topic(current_user, courtyard, title=form.title.data, body=form.body.data,
                                      category=form.category.data, photo_ids=photo_ids, **form.where())
    except Invalid as err:
        form.show(err, {"photo_ids": "photos"})
        return _new_topic_page(courtyard, form, err.status)
    flash(_("Your topic is up. Neighbours can now see it and join in."), "success")
    return redirect(url_for("deliberation.topic", topic_id=topic.id))


# --- a topic and its discussion ------------------------------------------------------------

def _moves(topic: Topic) -> list[tuple[str, str]]:
    """The status changes the current user may make, as (status, button label)."""
    if not permissions.can_moderate_topic(current_user, topic):
        return []
    allowed = services.MODERATOR_TRANSITIONS.get(topic.status, ())
    return [(target.value, label) for target, label in MOVES.get(topic.status, ()) if target in allowed]


def _can_withdraw(topic: Topic) -> bool:
    return permissions.can_withdraw(current_user, topic) and topic.status in (TopicStatus.open,
                                                                               TopicStatus.deliberating)


def _topic_page(topic: Topic, form: MessageForm | None = None, status: int = 200):
    if form is None:
        form = MessageForm(formdata=None)
    if not form.client_id.data:
        form.client_id.data = secrets.token_urlsafe(16)
    messages = services.latest_messages(current_user, topic, limit=FIRST_MESSAGES)
    return render_template(
        "deliberation/topic.html", topic=topic, courtyard=topic.courtyard, messages=messages, form=form,
        supported=services.has_supported(current_user, topic),
        can_support=permissions.can_support(current_user, topic),
        can_post=permissions.can_post(current_user, topic),
        moderator=permissions.can_moderate_topic(current_user, topic),
        member=place_permissions.can_view_courtyard(current_user, topic.courtyard),
        moves=_moves(topic), can_withdraw=_can_withdraw(topic),
        earlier=bool(messages) and topic.message_count > len(messages),
        online=presence.online_in_topic(topic.id),
    ), status


@bp.get("/topics/<int:topic_id>")
@login_required
def topic(topic_id):
    """A topic: what it is about, who else has it, and the discussion."""
    return _topic_page(services.get_topic(current_user, topic_id))


@bp.post("/topics/<int:topic_id>/messages")
@login_required
def post_message(topic_id):
    """Post to the discussion from the plain form (works without JavaScript)."""
    topic = services.get_topic(current_user, topic_id)
    form = MessageForm()
    try:
        message, _created = services.post_message(current_user, topic, body=form.body.data,
                                                  client_id=form.client_id.data)
    except Invalid as err:
        if "client_id" in err.fields:
            form.client_id.data = None  # a broken hidden field: give the form a fresh one
            err.fields.pop("client_id")
        form.show(err if err.fields else Invalid(_("Please try sending again.")))
        return _topic_page(topic, form, err.status)
    except DomainError as err:  # closed or locked meanwhile, posting too fast: say so, keep the text
        if err.status == 404:
            raise
        form.add_error(None, err.message)
        return _topic_page(topic, form, err.status)
    return redirect(url_for("deliberation.topic", topic_id=topic.id) + f"#m{message.id}")


@bp.post("/topics/<int:topic_id>/support")
@login_required
def support(topic_id):
    """我也遇到: count me in."""
    topic = services.get_topic(current_user, topic_id)
    try:
        services.support(current_user, topic)
    except Forbidden as err:
        flash(str(err.message), "error")
    return redirect(url_for("deliberation.topic", topic_id=topic.id))


@bp.post("/topics/<int:topic_id>/status")
@login_required
def change_status(topic_id):
    """A moderator moves the topic along; its author may withdraw it."""
    topic = services.get_topic(current_user, topic_id)
    try:
        services.change_status(current_user, topic, request.form.get("status"))
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(next(iter(err.fields.values()), err.message)), "error")
        return redirect(url_for("deliberation.topic", topic_id=topic.id))
    flash(_("The topic is now “%(status)s”.", status=status_label(topic.status)), "success")
    return redirect(url_for("deliberation.topic", topic_id=topic.id))
