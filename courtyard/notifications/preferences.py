"""Which outbound channels a resident gets: text messages and e-mail are opt-in, off by default.

Only the opt-in channels NOTIFY_CHANNELS configures are offered (channels.offered()). A text
message needs the phone of the account (shown masked, 138****5678); an e-mail needs an
address, set here with the choice. Mutes (TopicMute) apply before any of this: a muted
topic makes no notification at all.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import clock
from ..accounts.services import mask_phone
from ..errors import Invalid
from ..extensions import db
from ..validation import Fields
from . import channels
from .models import ChannelPreference

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
EMAIL_MAX = 254


def enabled_for(user_ids, names: list[str]) -> dict[int, set[str]]:
    """Of `user_ids`, the channels among `names` each turned on."""
    user_ids = set(user_ids)
    if not user_ids or not names:
        return {}
    out: dict[int, set[str]] = {}
    for user_id, name in db.session.execute(sa.select(ChannelPreference.user_id, ChannelPreference.channel).where(
            ChannelPreference.user_id.in_(user_ids), ChannelPreference.channel.in_(names),
            ChannelPreference.enabled.is_(True))):
        out.setdefault(user_id, set()).add(name)
    return out


def channel_settings(user) -> dict:
    """{"channels": [{"name", "enabled", "available", "address", "reason"}], "email_address"} for the offered channels.

    `address` is where it would go (the phone masked); `available` is False, with a `reason`
    (no_phone), when the channel cannot be turned on."""
    offered = [c.name for c in channels.offered()]
    on = enabled_for({user.id}, offered).get(user.id, set())
    items = []
    for name in offered:
        if name == "sms":
            items.append({"name": name, "enabled": name in on and bool(user.phone), "available": bool(user.phone),
                          "address": mask_phone(user.phone), "reason": None if user.phone else "no_phone"})
        elif name == "email":
            items.append({"name": name, "enabled": name in on and bool(user.email), "available": True,
                          "address": user.email, "reason": None})
        else:
            items.append({"name": name, "enabled": name in on, "available": True, "address": None, "reason": None})
    return {"channels": items, "email_address": user.email}


_UNSET = object()


def set_channels(actor, *, choices: dict[str, bool], email=_UNSET) -> dict:
    """Turn channels on or off for the actor (`choices`: name → on) and set their e-mail address.

    Raises Invalid (nothing changed) for a channel not offered, a text message without a
    phone, a bad address, or e-mail without an address. Returns channel_settings(actor)."""
    f = Fields()
    offered = {c.name for c in channels.offered()}
    address = actor.email
    if email is not _UNSET:
        value = f.text("email_address", email, max_len=EMAIL_MAX, required=False)
        if value is not None and not EMAIL_RE.match(value):
            f.add("email_address", _l("Not an e-mail address."))
        address = value or None
        if address is None and "email" in offered and not choices.get("email"):
            choices = {**choices, "email": False}  # no address, no e-mails
    for name, on in choices.items():
        if name not in offered:
            f.add(name, _l("This channel is not available."))
        elif on and name == "sms" and not actor.phone:
            f.add(name, _l("Your account has no phone number."))
        elif on and name == "email" and not address and "email_address" not in f.errors:
            f.add("email_address", _l("Enter an e-mail address to get e-mails."))
    f.check()
    if email is not _UNSET:
        actor.email = address
    now = clock.now()
    current = {p.channel: p for p in db.session.scalars(sa.select(ChannelPreference).where(
        ChannelPreference.user_id == actor.id, ChannelPreference.channel.in_(list(choices))))}
    for name, on in choices.items():
        pref = current.get(name)
        if pref is None:
            db.session.add(ChannelPreference(user_id=actor.id, channel=name, enabled=bool(on), updated_at=now))
        elif pref.enabled != bool(on):
            pref.enabled, pref.updated_at = bool(on), now
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a second tab saved the same choice at once
        db.session.rollback()
        raise Invalid(fields={name: _l("Please try again.") for name in choices}) from None
    return channel_settings(actor)
