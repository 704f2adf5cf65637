"""JSON routes: the notification centre, muting a topic, and the outbound channels I get."""
from __future__ import annotations

from typing import Literal

from flask import jsonify
from flask_login import current_user

from pydantic import Field

from ..api.core import Body, bp, doc, login_required, paginate, parse_body, parse_query
from ..deliberation import services as topics
from . import payloads, preferences, services
from .schemas import ChannelSettingsOut, MuteOut, NotificationOut, ReadAllOut, UnreadCountOut


class NotificationQuery(Body):
    unread: Literal["true", "false", "1", "0", ""] | None = None


def _unread_filter(value: str | None) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get(value or "")


@bp.get("/notifications")
@doc(query=NotificationQuery, response=NotificationOut, paginated=True, tag="notifications")
@login_required
def list_notifications():
    """My notifications, newest first; `?unread=true` for the unread ones only."""
    q = parse_query(NotificationQuery)
    select = services.notifications_for(current_user, unread=_unread_filter(q.unread))
    return jsonify(paginate(select, payloads.notification_json))


@bp.get("/notifications/unread-count")
@doc(response=UnreadCountOut, tag="notifications")
@login_required
def unread_count():
    """How many of my notifications are unread: {"unread": n}."""
    return jsonify({"unread": services.unread_count(current_user)})


@bp.post("/notifications/<int:notification_id>/read")
@doc(response=NotificationOut, tag="notifications")
@login_required
def read_notification(notification_id):
    """Mark one of my notifications read."""
    n = services.mark_read(current_user, services.get_notification(current_user, notification_id))
    return jsonify(payloads.notification_json(n))


@bp.post("/notifications/read-all")
@doc(response=ReadAllOut, tag="notifications")
@login_required
def read_all_notifications():
    """Mark all my notifications read: {"updated": n, "unread": 0}."""
    updated = services.mark_all_read(current_user)
    return jsonify({"updated": updated, "unread": services.unread_count(current_user)})


def _mute_json(topic, muted: bool) -> dict:
    return {"topic_id": topic.id, "muted": muted}


@bp.post("/topics/<int:topic_id>/mute")
@doc(response=MuteOut, tag="notifications")
@login_required
def mute_topic(topic_id):
    """Stop notifications about a topic (idempotent)."""
    topic = topics.get_topic(current_user, topic_id)
    return jsonify(_mute_json(topic, services.mute(current_user, topic)))


@bp.delete("/topics/<int:topic_id>/mute")
@doc(response=MuteOut, tag="notifications")
@login_required
def unmute_topic(topic_id):
    """Hear about a topic again (idempotent)."""
    topic = topics.get_topic(current_user, topic_id)
    return jsonify(_mute_json(topic, services.unmute(current_user, topic)))


class ChannelsBody(Body):
    sms: bool | None = Field(None, description="Text messages on or off (needs the account's phone)")
    email: bool | None = Field(None, description="E-mails on or off (needs an address)")
    email_address: str | None = Field(None, description="The address for e-mails; \"\" or null clears it",
                                      max_length=254)


@bp.get("/notifications/channels")
@doc(response=ChannelSettingsOut, tag="notifications")
@login_required
def get_channels():
    """The outbound channels offered to me (text messages, e-mail) and whether each is on. Off by default."""
    return jsonify(preferences.channel_settings(current_user))


@bp.put("/notifications/channels")
@doc(body=ChannelsBody, response=ChannelSettingsOut, tag="notifications")
@login_required
def put_channels():
    """Turn channels on or off and set my e-mail address; fields left out stay as they are."""
    body = parse_body(ChannelsBody)
    choices = {name: on for name, on in (("sms", body.sms), ("email", body.email)) if on is not None}
    kwargs = {"email": body.email_address} if "email_address" in body.model_fields_set else {}
    return jsonify(preferences.set_channels(current_user, choices=choices, **kwargs))
