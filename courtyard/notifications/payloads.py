"""The notification JSON (REST and `notification.created`) and its sentence in the reader's language."""
from __future__ import annotations

from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import gettext as _

from ..dbtypes import iso
from ..deliberation.models import STATUS_LABELS, TopicStatus
from ..emergencies.models import KIND_LABELS as NOTICE_KIND_LABELS
from ..emergencies.models import NoticeKind
from ..tasks.payloads import notification_text as task_sentence
from ..tasks.payloads import when_local
from .models import Notification


def _status_label(value) -> str:
    """The topic pages' words for a status (one table: deliberation.models.STATUS_LABELS)."""
    try:
        return str(STATUS_LABELS[TopicStatus(value)])
    except ValueError:
        return str(value)


def render_text(n: Notification) -> str:
    """The sentence for a notification, in the current locale, from its kind and data."""
    data = n.data or {}
    title = data.get("title", "")
    if n.kind == "reply":
        count = int(data.get("count", 1))
        if count > 1:
            return _("%(num)s new replies in “%(title)s”", num=count, title=title)
        return _("%(name)s replied in “%(title)s”", name=data.get("actor", ""), title=title)
    if n.kind == "status":
        if data.get("status") == "merged" and data.get("into"):
            return _("“%(title)s” was merged into “%(into)s”", title=title, into=data["into"])
        return _("“%(title)s” is now: %(status)s", title=title, status=_status_label(data.get("status")))
    if n.kind == "invitation":
        return _("%(who)s has been invited into “%(title)s” (%(courtyard)s)", who=data.get("who", ""),
                 title=title, courtyard=data.get("courtyard", ""))
    if n.kind == "membership_approved":
        return _("You are now a member of %(courtyard)s", courtyard=data.get("courtyard", ""))
    if n.kind.startswith("ballot_"):
        return ballot_sentence(n.kind, data) or n.text
    if n.kind.startswith("task_"):
        return task_sentence(n.kind, data) or n.text
    if n.kind == "emergency":
        return emergency_sentence(data) or n.text
    if n.kind == "project_progress":
        return project_sentence(data) or n.text
    if n.kind == "district_raised":
        return _("%(community)s raised “%(title)s” to %(district)s", community=data.get("community", ""),
                 title=title, district=data.get("district", ""))
    return n.text


def project_sentence(data: dict) -> str | None:
    """A step of a project of the pool that a topic of the reader's is linked to."""
    from ..projects.models import STATUS_LABELS as PROJECT_STATUS_LABELS
    from ..projects.models import ProjectStatus
    title, topic = data.get("title", ""), data.get("topic_title", "")
    if data.get("step") == "status":
        try:
            status = str(PROJECT_STATUS_LABELS[ProjectStatus(data.get("status"))])
        except ValueError:
            return None
        return _("Project “%(title)s” (for “%(topic)s”) is now: %(status)s", title=title, topic=topic, status=status)
    if data.get("step") == "milestone":
        return _("Project “%(title)s” (for “%(topic)s”) reached a milestone: %(text)s", title=title, topic=topic,
                 text=data.get("text", ""))
    return _("Project “%(title)s” (for “%(topic)s”): %(text)s", title=title, topic=topic, text=data.get("text", ""))


def emergency_sentence(data: dict) -> str | None:
    """An emergency notice's step (courtyard/emergencies): posted, updated, resolved."""
    try:
        label = str(NOTICE_KIND_LABELS[NoticeKind(data.get("notice_kind"))])
    except ValueError:
        return None
    title, text, step = data.get("title", ""), data.get("text", ""), data.get("step")
    if step == "posted":
        return _("%(kind)s notice: %(title)s", kind=label, title=title)
    if step == "update":
        return _("%(kind)s update, “%(title)s”: %(text)s", kind=label, title=title, text=text)
    if step == "resolved":
        return _("Resolved — %(kind)s, “%(title)s”: %(text)s", kind=label, title=title, text=text)
    return None


def ballot_sentence(kind: str, data: dict) -> str | None:
    """The ballot kinds of notifications/ballots.py."""
    proposal, closes = data.get("proposal", ""), when_local(data.get("closes_at"))
    if kind == "ballot_opened":
        if int(data.get("proposals", 1)) > 1:
            return _("Voting has opened on %(num)s proposals of “%(title)s”, until %(closes)s. Please vote.",
                     num=data["proposals"], title=data.get("title", ""), closes=closes)
        return _("Voting has opened on “%(proposal)s”, until %(closes)s. Please vote.", proposal=proposal,
                 closes=closes)
    if kind == "ballot_closing":
        return _("Voting on “%(proposal)s” closes in %(hours)s hours (%(closes)s) and you have not voted yet.",
                 proposal=proposal, hours=data.get("hours", ""), closes=closes)
    if kind == "ballot_decided":
        if data.get("outcome") == "adopted":
            return _("“%(proposal)s” was adopted. See the decision record.", proposal=proposal)
        return _("“%(proposal)s” was not adopted. See the decision record.", proposal=proposal)
    if kind == "ballot_reminder":
        return _("%(name)s reminds you: your household has not voted on “%(proposal)s” yet (until %(closes)s).",
                 name=data.get("name", ""), proposal=proposal, closes=closes)
    return None


def notification_json(n: Notification, *, locale: str | None = None) -> dict:
    """{"id", "kind", "text", "url", "topic_id", "created_at", "read", "count"}: text in `locale`
    when given (a push to someone else), otherwise in the current request's language."""
    if locale is not None:
        with force_locale(locale):
            text, steps = render_text(n), steps_of(n)
    else:
        text, steps = render_text(n), steps_of(n)
    return {
        "id": n.id, "kind": n.kind, "text": text, "url": n.url, "topic_id": n.topic_id,
        "created_at": iso(n.created_at), "read": n.read_at is not None,
        "count": int((n.data or {}).get("count", 1)),
        "group": (n.data or {}).get("group"), "steps": steps,
    }


def steps_of(n: Notification) -> list[dict]:
    """The steps a grouped entry kept (notifications/grouping.py), oldest first, each with its
    sentence in the current locale: [{"kind", "text", "at"}]; [] for an entry that stands alone."""
    data = n.data or {}
    shared = {k: data[k] for k in ("title", "task_id") if k in data}
    out = []
    for step in data.get("steps") or ():
        one = SimpleNamespace(kind=step.get("kind", ""), data={**shared, **(step.get("data") or {})}, text="")
        out.append({"kind": one.kind, "text": render_text(one), "at": step.get("at")})
    return out
