"""Notification centre pages, the top bar's unread badge, muting a topic from its page, and the channel settings."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import header
from ..deliberation import permissions
from ..deliberation import services as topics
from ..errors import DomainError
from ..pagination import page_of
from ..places import permissions as places
from ..web import safe_next
from . import payloads, preferences, services
from .forms import ChannelsForm

bp = Blueprint("notifications", __name__)

PAGE_SIZE = 30


@bp.app_context_processor
def notification_context() -> dict:
    """The unread count for the top bar's badge, and which of our links the navigation offers."""
    if not current_user.is_authenticated:
        return {}
    return {"unread_notifications": header.value(current_user, "unread_notifications") or 0,
            "show_invited_topics": bool(places.organization_ids(current_user)),
            "show_blocked_words": permissions.can_edit_blocked_words(current_user)}


@bp.app_template_global()
def topic_muted(topic) -> bool:
    """Whether the current user muted this topic (the mute button on the topic page)."""
    return current_user.is_authenticated and services.is_muted(current_user, topic)


@bp.app_template_filter("notification_text")
def notification_text(n) -> str:
    """A notification's sentence in the reader's language."""
    return payloads.render_text(n)


@bp.app_template_filter("notification_steps")
def notification_steps(n) -> list[dict]:
    """The steps a grouped notification gathered, newest first, with their sentences and times."""
    steps = payloads.steps_of(n)
    for step in steps:
        step["at"] = datetime.fromisoformat(step["at"]) if step.get("at") else None
    return steps[::-1]


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)


@bp.get("/notifications")
@login_required
def index():
    """My notifications, newest first, unread ones marked."""
    unread_only = request.args.get("unread") in ("1", "true")
    paging = page_of(services.notifications_for(current_user, unread=True if unread_only else None), PAGE_SIZE)
    return render_template("notifications/index.html", notifications=paging.items, unread_only=unread_only,
                           paging=paging, total=paging.total)


@bp.get("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id):
    """Follow a notification: it is marked read and you land where it points."""
    n = services.mark_read(current_user, services.get_notification(current_user, notification_id))
    return redirect(safe_next(n.url, url_for("notifications.index")))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id):
    """Mark one notification read."""
    services.mark_read(current_user, services.get_notification(current_user, notification_id))
    return redirect(_back(url_for("notifications.index")))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    """Mark every notification read."""
    services.mark_all_read(current_user)
    flash(_("All notifications are marked read."), "success")
    return redirect(_back(url_for("notifications.index")))


@bp.post("/topics/<int:topic_id>/mute")
@login_required
def mute(topic_id):
    """Mute or unmute a topic from its page (`action` = mute | unmute)."""
    topic = topics.get_topic(current_user, topic_id)
    if request.form.get("action") == "unmute":
        services.unmute(current_user, topic)
        flash(_("You will be notified about this topic again."), "success")
    else:
        services.mute(current_user, topic)
        flash(_("Muted: no more notifications about this topic."), "success")
    return redirect(_back(f"/topics/{topic.id}"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def channel_settings():
    """Which outbound channels I get (text messages, e-mail): off until I turn them on."""
    state = preferences.channel_settings(current_user)
    offered = {c["name"]: c for c in state["channels"]}
    form = ChannelsForm() if request.method == "POST" else ChannelsForm(
        formdata=None, sms=offered.get("sms", {}).get("enabled", False),
        email=offered.get("email", {}).get("enabled", False), email_address=state["email_address"] or "")
    if form.validate_on_submit():
        choices = {name: bool(form[name].data) for name in offered if name in ("sms", "email")}
        if not offered.get("sms", {}).get("available", True):
            choices.pop("sms", None)  # the toggle is disabled: no phone
        kwargs = {"email": form.email_address.data} if "email" in offered else {}
        try:
            preferences.set_channels(current_user, choices=choices, **kwargs)
        except DomainError as err:
            form.show(err)
            return render_template("notifications/settings.html", form=form, channels=offered), err.status
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.channel_settings"))
    return render_template("notifications/settings.html", form=form, channels=offered)
