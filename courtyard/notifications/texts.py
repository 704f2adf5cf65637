"""The words of outbound messages: a short text message per notification kind, and the e-mail.

Both are made in the recipient's language (`notification["locale"]`; zh_CN first, English
otherwise). A text message starts with 【掌上四合院】 and is kept within SMS_LIMIT characters
where it can be: a long title is shortened first. Kinds without a template of their own
(SMS_TEMPLATES) send the notification's sentence. The gateway also gets the template's name
(the kind) and its parameters, for gateways that only send registered templates.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..timefmt import when_stored

SMS_LIMIT = 70  # one Chinese text message (UCS-2)
PREFIX = _l("[Courtyard] ")
SMS_TEMPLATES = {
    "invitation": _l("%(who)s is invited into “%(title)s”. Please log in to see it."),
    "membership_approved": _l("You have joined %(courtyard)s."),
    "task_assigned": _l("New task “%(title)s” for %(org)s. Please handle it in time."),
    "task_escalated": _l("Task “%(title)s” was escalated. Please respond."),
    # The ballot's roll (notifications/ballots.py): %(closes)s and %(result)s are made below.
    "ballot_opened": _l("Voting on “%(proposal)s” is open until %(closes)s. Please log in and vote."),
    "ballot_closing": _l("Voting on “%(proposal)s” closes %(closes)s; your household has not voted yet."),
    "ballot_decided": _l("“%(proposal)s”: %(result)s. See the decision record in the app."),
    "ballot_reminder": _l("%(name)s reminds you: your household has not voted on “%(proposal)s” (until %(closes)s)."),
}
RESULTS = {"adopted": _l("adopted"), "rejected": _l("not adopted")}


def _locale(notification: dict) -> str:
    locale = notification.get("locale")
    return locale if locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def _params(notification: dict) -> dict[str, str]:
    data = notification.get("data") or {}
    params = {k: str(v) for k, v in data.items() if isinstance(v, (str, int)) and not isinstance(v, bool)
              and k != "count"}
    if notification.get("link"):
        params["link"] = notification["link"]
    return params


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"


def sms(notification: dict) -> tuple[str, dict[str, str], str]:
    """(template name, parameters, text) of the text message for a notification."""
    kind = notification.get("kind", "")
    params = _params(notification)
    with force_locale(_locale(notification)):
        prefix = str(PREFIX)
        template = SMS_TEMPLATES.get(kind)
        if "closes_at" in params:
            params["closes"] = when_stored(params["closes_at"])
        if params.get("outcome") in RESULTS:
            params["result"] = str(RESULTS[params["outcome"]])
        if kind == "emergency":
            return kind, params, _emergency(prefix, notification.get("data") or {}, notification.get("text") or "")
        if template is None:
            return kind, params, shorten(prefix + (notification.get("text") or ""), SMS_LIMIT)
        try:
            text = prefix + str(template) % params
        except (KeyError, ValueError, TypeError):  # data without what the template names
            return kind, params, shorten(prefix + (notification.get("text") or ""), SMS_LIMIT)
        over = len(text) - SMS_LIMIT
        name = "proposal" if "%(proposal)s" in str(template) else "title"  # what may be shortened
        if over > 0 and params.get(name):
            params[name] = shorten(params[name], max(len(params[name]) - over, 8))
            text = prefix + str(template) % params
        return kind, params, text


def email(user, notification: dict) -> tuple[str, str]:
    """(subject, plain-text body) of the e-mail for a notification."""
    text = notification.get("text") or ""
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    with force_locale(_locale(notification)):
        subject = shorten(str(PREFIX) + text, 78)
        lines = [_("Hello %(name)s,", name=user.display_name), "", text, ""]
        if notification.get("link"):
            lines += [_("Open: %(link)s", link=notification["link"]), ""]
        lines += ["--", _("You get this e-mail because you turned on e-mail notifications. "
                          "To turn them off: %(link)s", link=f"{base}/notifications/settings")]
    return subject, "\n".join(lines) + "\n"


def _emergency(prefix: str, data: dict, fallback: str) -> str:
    """An emergency step's text: what changed matters more than the notice's title, so a long
    title is shortened first (to 8 characters at least), then the whole."""
    from .payloads import emergency_sentence
    sentence = emergency_sentence(data)
    if sentence is None:
        return shorten(prefix + fallback, SMS_LIMIT)
    over = len(prefix + sentence) - SMS_LIMIT
    title = data.get("title") or ""
    if over > 0 and len(title) > 8:
        sentence = emergency_sentence({**data, "title": shorten(title, max(len(title) - over, 8))})
    return shorten(prefix + sentence, SMS_LIMIT)
