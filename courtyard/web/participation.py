"""Where things stand, on the pages of deliberation and places: open ballots, 表决中, a task's progress.

The topic cards and the courtyard's page are deliberation's and places' templates, which sit
below voting and tasks (.importlinter); the pages' layer gathers it for them here, with one
query per domain and page (voting.queries, tasks.progress), as template globals:

- `ballots_open_in(courtyard)`: the 正在表决 block — each open ballot, its countdown, whether I voted;
- `topic_progress(topics)`: per topic id, whether a ballot is open and how its tasks stand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..tasks.progress import TaskProgress, progress_of
from ..tasks.services import tasks_of_topic
from ..voting.models import ProposalStatus
from ..voting.queries import OpenBallot, open_ballots, topics_voting
from ..voting.services import topic_proposals
bp = Blueprint("participation", __name__)  # registered by create_app: the domains' views import courtyard.web


@dataclass
class Progress:
    voting: bool = False
    tasks: list[TaskProgress] = field(default_factory=list)


@bp.app_template_global()
def ballots_open_in(courtyard) -> list[OpenBallot]:
    """The ballots open now in the courtyard, soonest closing first, with whether I voted."""
    if not current_user.is_authenticated:
        return []
    return open_ballots(current_user, courtyard)


@bp.app_template_global()
def topic_progress(topics) -> dict[int, Progress]:
    """For each topic shown: 表决中 and its tasks' progress — two queries for the whole page."""
    ids = [t.id for t in topics]
    if not ids or not current_user.is_authenticated:
        return {i: Progress() for i in ids}
    if len(topics) == 1:  # a topic's page: from the proposals and tasks its panels load anyway
        [topic] = topics
        return {topic.id: Progress(
            voting=any(p.status == ProposalStatus.voting for p in topic_proposals(current_user, topic)),
            tasks=[TaskProgress(t.id, t.status, t.assignee_org.name) for t in tasks_of_topic(current_user, topic)])}
    voting = topics_voting(ids)
    tasks = progress_of(current_user, ids)
    return {i: Progress(voting=i in voting, tasks=tasks.get(i, [])) for i in ids}


def time_left_parts(closes_at: datetime, now: datetime) -> tuple[int, int, int] | None:
    """(days, hours, minutes) until `closes_at`, rounded up to the minute; None once it is past.
    static/js/countdown.js computes the same."""
    seconds = (closes_at - now).total_seconds()
    if seconds <= 0:
        return None
    minutes = int(-(-seconds // 60))
    return minutes // 1440, minutes % 1440 // 60, minutes % 60


@bp.app_template_filter("time_left")
def time_left(closes_at: datetime) -> str:
    """还剩 2 天 3 小时 / 还剩 3 小时 5 分 / 还剩 5 分钟 / 即将截止: the countdown's first words."""
    parts = time_left_parts(closes_at, clock.now())
    if parts is None:
        return _("Closing now")
    days, hours, minutes = parts
    if days:
        return _("%(d)s d %(h)s h left", d=days, h=hours)
    if hours:
        return _("%(h)s h %(m)s min left", h=hours, m=minutes)
    return _("%(m)s min left", m=minutes)


@bp.app_template_global()
def countdown_patterns() -> dict[str, str]:
    """The countdown's words for static/js/countdown.js, with {d} {h} {m} for the numbers."""
    return {"days": _("%(d)s d %(h)s h left", d="{d}", h="{h}"),
            "hours": _("%(h)s h %(m)s min left", h="{h}", m="{m}"),
            "minutes": _("%(m)s min left", m="{m}"), "past": _("Closing now")}
