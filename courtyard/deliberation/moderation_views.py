"""Moderation pages and the plain forms behind the topic page's moderation controls.

Every control is a form that works without JavaScript and comes back to the page it was
sent from. The topic page includes deliberation/_moderation.html (per topic) and
deliberation/_message_actions.html (per message); the template globals below give those
partials what they show, asked of permissions.py once per topic and request.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField

from ..errors import DomainError, Forbidden
from ..extensions import db
from ..pagination import page_of
from ..places import permissions as place_permissions
from ..places import services as places
from ..places.models import Organization, OrgKind
from ..web import safe_next
from ..web.forms import Form
from . import moderation, permissions, services
from .models import Topic

bp = Blueprint("moderation", __name__)

PAGE_SIZE = 30


class BlockedWordForm(Form):
    word = StringField(_l("Word or phrase"))


def _topic_url(topic) -> str:
    return url_for("deliberation.topic", topic_id=topic.id)


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)


def _flash_error(err: DomainError) -> None:
    if err.status == 404:
        raise err
    flash(str(next(iter(err.fields.values()), err.message)), "error")


# --- what the topic page's partials show ---------------------------------------------------

@bp.app_template_global()
def moderation_panel(topic: Topic) -> dict:
    """For deliberation/_moderation.html: who was invited, and the controls the current user may use."""
    can_moderate = permissions.can_moderate_topic(current_user, topic)
    can_invite = permissions.can_invite(current_user, topic)
    invitations = moderation.invitations(current_user, topic)
    panel = {
        "topic": topic, "can_moderate": can_moderate, "can_invite": can_invite, "invitations": invitations,
        "can_mute": permissions.can_mute(current_user, topic), "next": request.path,
    }
    if can_moderate:
        panel["merge_candidates"] = (moderation.merge_candidates(current_user, topic)
                                     if topic.status not in moderation.UNMERGEABLE else [])
        panel["reports_url"] = url_for("moderation.reports", courtyard_id=topic.courtyard_id)
    if can_invite and topic.status not in permissions.CLOSED_STATES:
        invited_orgs = {i.organization_id for i in invitations if i.organization_id}
        panel["organizations"] = [o for o in places.organizations() if o.id not in invited_orgs]
        panel["community_invited"] = any(i.community_id for i in invitations)
    return panel


@bp.app_template_global()
def message_actions(topic: Topic) -> dict:
    """For deliberation/_message_actions.html: computed once per topic and request, not per message."""
    cache = g.setdefault("_message_actions", {})
    if topic.id not in cache:
        reported = services.reported_in_topic(current_user, topic)
        cache[topic.id] = {"can_hide": permissions.can_moderate_topic(current_user, topic),
                           "can_report": permissions.can_report(current_user, topic),
                           "reported": reported, "me": current_user.id}
    return cache[topic.id]


# --- messages ------------------------------------------------------------------------------

@bp.post("/messages/<int:message_id>/hide")
@login_required
def hide_message(message_id):
    """Hide a message (moderators); it disappears for everyone."""
    message = moderation.get_message(current_user, message_id)
    try:
        moderation.hide_message(current_user, message)
        flash(_("The message is hidden."), "success")
    except DomainError as err:
        _flash_error(err)
    return redirect(_back(_topic_url(message.topic)))


@bp.post("/messages/<int:message_id>/unhide")
@login_required
def unhide_message(message_id):
    """Show a hidden message again (moderators)."""
    message = moderation.get_message(current_user, message_id)
    try:
        moderation.unhide_message(current_user, message)
        flash(_("The message is shown again."), "success")
    except DomainError as err:
        _flash_error(err)
    return redirect(_back(_topic_url(message.topic)))


@bp.post("/messages/<int:message_id>/report")
@login_required
def report_message(message_id):
    """Report a message to the courtyard's moderators."""
    message = moderation.get_message(current_user, message_id)
    try:
        moderation.report_message(current_user, message, reason=request.form.get("reason") or None)
        flash(_("Thank you. The moderators will look at it."), "success")
    except DomainError as err:
        _flash_error(err)
    return redirect(_back(_topic_url(message.topic)))


# --- reports -------------------------------------------------------------------------------

@bp.get("/courtyards/<int:courtyard_id>/reports")
@login_required
def reports(courtyard_id):
    """Reported messages waiting for a moderator."""
    courtyard = places.courtyard_for(current_user, courtyard_id)
    paging = page_of(moderation.open_reports(current_user, courtyard), PAGE_SIZE)
    return render_template("deliberation/reports.html", courtyard=courtyard, reports=paging.items, paging=paging,
                           total=paging.total)


@bp.post("/reports/<int:report_id>/resolve")
@login_required
def resolve_report(report_id):
    """Deal with a report: keep the message (dismiss) or hide it."""
    report = moderation.get_report(current_user, report_id)
    hide = request.form.get("hide") in ("1", "true")
    try:
        moderation.resolve_report(current_user, report, hide=hide)
        flash(_("The message is hidden and the report closed.") if hide else _("The report is closed."), "success")
    except DomainError as err:
        _flash_error(err)
    return redirect(_back(url_for("moderation.reports", courtyard_id=report.message.topic.courtyard_id)))


# --- topics --------------------------------------------------------------------------------

_FLAGS = {
    "lock": (moderation.lock_topic, _l("The topic is locked: no new messages.")),
    "unlock": (moderation.unlock_topic, _l("The topic is open for messages again.")),
    "pin": (moderation.pin_topic, _l("The topic is pinned to the top of the list.")),
    "unpin": (moderation.unpin_topic, _l("The topic is no longer pinned.")),
}


@bp.post("/topics/<int:topic_id>/moderation")
@login_required
def moderate_topic(topic_id):
    """Lock, unlock, pin or unpin a topic (`action`)."""
    topic = services.get_topic(current_user, topic_id)
    act = _FLAGS.get(request.form.get("action", ""))
    if act is None:
        flash(_("Unknown action."), "error")
        return redirect(_back(_topic_url(topic)))
    try:
        act[0](current_user, topic)
        flash(str(act[1]), "success")
    except DomainError as err:
        _flash_error(err)
    return redirect(_back(_topic_url(topic)))


@bp.post("/topics/<int:topic_id>/merge")
@login_required
def merge_topic(topic_id):
    """Merge this duplicate into the topic chosen in the form."""
    topic = services.get_topic(current_user, topic_id)
    try:
        moderation.merge_topic(current_user, topic, into_topic_id=request.form.get("into_topic_id"))
    except DomainError as err:
        _flash_error(err)
        return redirect(_back(_topic_url(topic)))
    flash(_("Merged into “%(title)s”. Its supporters now support that topic.", title=topic.merged_into.title),
          "success")
    return redirect(_topic_url(topic.merged_into))


@bp.post("/topics/<int:topic_id>/invitations")
@login_required
def invite(topic_id):
    """Invite an organization, or the community's staff, into the topic (进院解题)."""
    topic = services.get_topic(current_user, topic_id)
    choice = request.form.get("invitee", "")
    org_id, community = None, False
    if choice == "community":
        community = True
    elif choice.startswith("org:"):
        org_id = choice[4:] or None
    try:
        inv = moderation.invite(current_user, topic, organization_id=org_id, community=community)
        name = inv.organization.name if inv.organization else inv.community.name
        flash(_("%(name)s has been invited and notified.", name=name), "success")
    except DomainError as err:
        _flash_error(err)
    return redirect(_back(_topic_url(topic)))


@bp.post("/topics/<int:topic_id>/invitations/<int:invitation_id>/delete")
@login_required
def withdraw_invitation(topic_id, invitation_id):
    """Withdraw an invitation."""
    topic = services.get_topic(current_user, topic_id)
    inv = moderation.get_invitation(current_user, topic, invitation_id)
    try:
        moderation.withdraw_invitation(current_user, inv)
        flash(_("The invitation is withdrawn."), "success")
    except DomainError as err:
        _flash_error(err)
    return redirect(_back(_topic_url(topic)))


@bp.get("/invited-topics")
@login_required
def invited_topics():
    """我的进院议题: the topics my organization was invited into."""
    topics = db.session.scalars(moderation.invited_topics(current_user).limit(200)).all()
    orgs = db.session.scalars(sa.select(Organization).where(
        Organization.id.in_(place_permissions.organization_ids(current_user) or {-1}))
        .order_by(Organization.name)).all()
    return render_template("deliberation/invited_topics.html", topics=topics, organizations=orgs,
                           kind_property=OrgKind.property)


# --- blocked words (street administrators) -------------------------------------------------

def _words_page(form: BlockedWordForm | None = None, status: int = 200):
    return render_template("admin/blocked_words.html", words=moderation.list_blocked_words(current_user),
                           form=form or BlockedWordForm(formdata=None)), status


@bp.get("/admin/blocked-words")
@login_required
def blocked_words():
    """Words not allowed in topics and messages."""
    if not permissions.can_edit_blocked_words(current_user):
        raise Forbidden()
    return _words_page()


@bp.post("/admin/blocked-words")
@login_required
def add_blocked_word():
    """Add a blocked word."""
    if not permissions.can_edit_blocked_words(current_user):
        raise Forbidden()
    form = BlockedWordForm()
    try:
        row = moderation.add_blocked_word(current_user, form.word.data)
    except DomainError as err:
        form.show(err)
        return _words_page(form, err.status)
    flash(_("“%(word)s” is now blocked.", word=row.word), "success")
    return redirect(url_for("moderation.blocked_words"))


@bp.post("/admin/blocked-words/<int:word_id>/delete")
@login_required
def remove_blocked_word(word_id):
    """Remove a blocked word."""
    row = moderation.get_blocked_word(current_user, word_id)
    word = row.word
    moderation.remove_blocked_word(current_user, row)
    flash(_("“%(word)s” is allowed again.", word=word), "success")
    return redirect(url_for("moderation.blocked_words"))
