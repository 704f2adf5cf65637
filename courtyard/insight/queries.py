"""The SQL behind the figures: counts grouped in the database, never rows pulled into Python.

Every function takes a Scope (the street, a community or a courtyard) and a window [start,
end) of aware datetimes, and returns plain rows of counts and sums. rules.py turns them
into rates; services.py assembles them. Days are Beijing days ('YYYY-MM-DD' text computed
in SQL, the same on SQLite and PostgreSQL), so grouping by day and then summing in Python
gives the same totals as any window of whole days.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ..clock import LOCAL_TZ
from ..deliberation.models import Message, Topic, TopicPhoto, TopicStatus
from ..extensions import db
from ..places.models import Building, Courtyard, Membership, Organization, OrgKind, Role
from ..tasks import queries as task_queries
from ..tasks.models import Task, TaskRating, TaskStatus, TaskUpdate, UpdateKind


@dataclass(frozen=True)
class Scope:
    kind: str                 # 'street' | 'community' | 'courtyard'
    id: int | None
    name: str
    community_id: int | None  # the community itself, or the courtyard's community

    @property
    def key(self) -> str:
        return "street" if self.kind == "street" else f"{self.kind}:{self.id}"


def _pg() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _const(value: str | int):
    """A constant written into the SQL itself: GROUP BY must see the same expression as SELECT
    (PostgreSQL compares them as written, and two bound parameters are two different things)."""
    return sa.literal_column(str(value) if isinstance(value, int) else f"'{value}'")


def local_day(column):
    """The Beijing date of a UTC timestamp column, as 'YYYY-MM-DD' text."""
    if _pg():
        return sa.func.to_char(sa.func.timezone(_const(LOCAL_TZ.key), sa.func.timezone(_const("UTC"), column)),
                               _const("YYYY-MM-DD"))
    return sa.func.date(column, _const("+8 hours"))  # LOCAL_TZ: UTC+8 all year


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def epoch_us(column):
    """A UTC timestamp column as whole microseconds since 1970, in SQL: an integer every driver reads
    fast (pg8000 parses timestamps with strptime, a tenth of a millisecond each)."""
    if _pg():
        return sa.cast(sa.extract("epoch", column) * 1000000, sa.BigInteger)
    # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite format): seconds, then the fraction
    # (the whole seconds alone: strftime would round .9996 up to the next second)
    return (sa.cast(sa.func.strftime("%s", sa.func.substr(column, 1, 19)), sa.BigInteger) * 1000000
            + sa.cast(sa.func.substr(column, 21, 6), sa.BigInteger))


def from_epoch_us(value: int | None) -> datetime | None:
    """epoch_us()'s integer back as the aware UTC datetime it was."""
    return None if value is None else _EPOCH + timedelta(microseconds=int(value))


def local_month(column):
    return sa.func.substr(local_day(column), _const(1), _const(7))


def hours_between(start, end):
    """(end − start) in hours, in SQL."""
    if _pg():
        return sa.extract("epoch", end - start) / 3600.0
    # julianday() is a float of ~2.46 million days: its difference is off by some microseconds,
    # enough to turn 7 hours into 6.99999998. To the millisecond, sums and means come out as counted.
    return sa.func.round((sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0, 3) / 3600.0


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _sum_if(condition, value):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0.0)), 0.0)


# --- scope ----------------------------------------------------------------------------------

def courtyards_of(scope: Scope) -> sa.Select:
    q = sa.select(Courtyard.id)
    if scope.kind == "courtyard":
        return q.where(Courtyard.id == scope.id)
    if scope.kind == "community":
        return q.join(Building, Building.id == Courtyard.building_id).where(Building.community_id == scope.id)
    return q


def topic_in(scope: Scope):
    if scope.kind == "courtyard":
        return Topic.courtyard_id == scope.id
    if scope.kind == "community":
        return Topic.courtyard_id.in_(courtyards_of(scope))
    return sa.true()


def task_in(scope: Scope):
    if scope.kind == "courtyard":
        return Task.courtyard_id == scope.id
    if scope.kind == "community":
        return Task.community_id == scope.id
    return sa.true()


def _topic_window(scope, start, end):
    return sa.and_(topic_in(scope), Topic.created_at >= start, Topic.created_at < end)


def _task_window(scope, start, end):
    return sa.and_(task_in(scope), Task.created_at >= start, Task.created_at < end)


# --- topics and the official response ---------------------------------------------------------

def official_reply():
    """A message that answers for an organization or the community (see docs/insight.md, "Response").

    Written by someone other than the topic's author, not hidden, and either with an
    organization's badge (invited organization staff, 进院解题), as community staff, or by
    the courtyard's secretary.
    """
    secretary = sa.select(Membership.user_id).where(Membership.courtyard_id == Topic.courtyard_id,
                                                    Membership.role == Role.secretary)
    return sa.and_(Message.topic_id == Topic.id, Message.hidden.is_(False), Message.author_id != Topic.author_id,
                   sa.or_(Message.organization_id.is_not(None), Message.as_community_staff.is_(True),
                          Message.author_id.in_(secretary)))


def residents_topic():
    """A topic a resident raised (an appeal, 诉): its author is a resident or building lead of the
    courtyard, and it was neither withdrawn nor merged into another."""
    member = sa.select(Membership.id).where(Membership.courtyard_id == Topic.courtyard_id,
                                            Membership.user_id == Topic.author_id,
                                            Membership.role.in_([Role.resident, Role.building_lead]))
    return sa.and_(Topic.status.not_in([TopicStatus.withdrawn, TopicStatus.merged]), sa.exists(member))


def first_official_reply_at():
    return sa.select(sa.func.min(Message.created_at)).where(official_reply()).scalar_subquery()


def topic_figures(scope: Scope, start: datetime, end: datetime) -> list:
    """Per (month, category): topics, appeals (residents' topics), responded appeals, the hours to
    the first official reply summed over the responded ones.

    The same definitions as residents_topic() and official_reply(), written as joins rather
    than a subquery per topic: one pass over the window's messages (bench/insight.py).
    """
    window = _topic_window(scope, start, end)
    # (author, courtyard) against the few secretaries, once: not a lookup per message
    secretaries = sa.select(Membership.user_id, Membership.courtyard_id).where(Membership.role == Role.secretary)
    first = (sa.select(Message.topic_id.label("topic_id"), sa.func.min(Message.created_at).label("first_reply"))
             .join(Topic, Topic.id == Message.topic_id)
             .where(window, Message.hidden.is_(False), Message.author_id != Topic.author_id,
                    sa.or_(Message.organization_id.is_not(None), Message.as_community_staff.is_(True),
                           sa.tuple_(Message.author_id, Topic.courtyard_id).in_(secretaries)))
             .group_by(Message.topic_id).subquery())
    author = sa.orm.aliased(Membership)
    appeal = sa.and_(author.id.is_not(None), Topic.status.not_in([TopicStatus.withdrawn, TopicStatus.merged]))
    inner = (sa.select(local_month(Topic.created_at).label("month"), Topic.category.label("category"),
                       Topic.created_at.label("created_at"), sa.case((appeal, 1), else_=0).label("appeal"),
                       first.c.first_reply.label("first_reply"))
             .select_from(Topic)
             .outerjoin(author, sa.and_(author.courtyard_id == Topic.courtyard_id, author.user_id == Topic.author_id,
                                        author.role.in_([Role.resident, Role.building_lead])))
             .outerjoin(first, first.c.topic_id == Topic.id)
             .where(window).subquery())
    answered = sa.and_(inner.c.appeal == 1, inner.c.first_reply.is_not(None))
    q = sa.select(
        inner.c.month, inner.c.category, sa.func.count().label("topics"),
        sa.func.coalesce(sa.func.sum(inner.c.appeal), 0).label("appeals"),
        _count_if(answered).label("responded"),
        _sum_if(answered, hours_between(inner.c.created_at, inner.c.first_reply)).label("response_hours"),
    ).group_by(inner.c.month, inner.c.category)
    return db.session.execute(q).all()


def topic_volume(scope: Scope, start: datetime, end: datetime) -> dict[str, int]:
    """Topics by day (for the comparisons with earlier periods)."""
    day = local_day(Topic.created_at)
    q = sa.select(day, sa.func.count()).where(_topic_window(scope, start, end)).group_by(day)
    return {d: int(n) for d, n in db.session.execute(q)}


def task_volume(scope: Scope, start: datetime, end: datetime) -> dict[str, int]:
    day = local_day(Task.created_at)
    q = sa.select(day, sa.func.count()).where(_task_window(scope, start, end)).group_by(day)
    return {d: int(n) for d, n in db.session.execute(q)}


# --- tasks ---------------------------------------------------------------------------------

TASK_KEYS = {
    "day": lambda: local_day(Task.created_at),
    "month": lambda: local_month(Task.created_at),
    "category": lambda: Task.category,
    "org": lambda: Task.assignee_org_id,
    "courtyard": lambda: Task.courtyard_id,
}


def _task_measures(now: datetime) -> list:
    finished = Task.status.in_([TaskStatus.done, TaskStatus.verified])
    verified = Task.status == TaskStatus.verified
    late_now = task_queries.overdue(now)  # tasks.rules.is_overdue, as SQL
    reopened = sa.exists(sa.select(TaskUpdate.id).where(TaskUpdate.task_id == Task.id,
                                                       TaskUpdate.kind == UpdateKind.reopened))
    return [
        sa.func.count().label("tasks"),
        _count_if(verified).label("resolved"),
        _sum_if(verified, hours_between(Task.created_at, Task.verified_at)).label("resolve_hours"),
        _count_if(late_now).label("overdue"),
        _count_if(Task.escalation_level > 0).label("escalated"),
        _count_if(sa.or_(finished, late_now)).label("judged"),
        _count_if(sa.and_(finished, Task.done_at <= Task.due_at)).label("on_time"),
        _count_if(Task.done_at.is_not(None)).label("finished"),
        _count_if(reopened).label("reopened"),
    ]


def task_figures(scope: Scope, start: datetime, end: datetime, now: datetime, by: tuple[str, ...],
                 only_property: bool = False) -> list:
    """Per group (`by`: day, month, category, org, courtyard): tasks created in the window, resolved
    (verified), hours created → verified summed over those, overdue now, escalated, judged
    (finished or past due), on time (finished by the due date), finished at least once, reopened."""
    keys = [TASK_KEYS[k]().label(k) for k in by]
    q = sa.select(*keys, *_task_measures(now)).where(_task_window(scope, start, end))
    if only_property:
        q = q.where(Task.assignee_org_id.in_(sa.select(Organization.id).where(Organization.kind == OrgKind.property)))
    return db.session.execute(q.group_by(*keys)).all()


def rating_counts(scope: Scope, start: datetime, end: datetime, by: tuple[str, ...]) -> list:
    """Per group and score: ratings of the tasks created in the window."""
    keys = [TASK_KEYS[k]().label(k) for k in by]
    q = (sa.select(*keys, TaskRating.score.label("score"), sa.func.count().label("n"))
         .join(Task, Task.id == TaskRating.task_id).where(_task_window(scope, start, end))
         .group_by(*keys, TaskRating.score))
    return db.session.execute(q).all()


# --- 未诉先办 --------------------------------------------------------------------------------

def title_has(words: tuple[str, ...]):
    """The topic's lowercased title contains one of `words` (a theme of rules.THEMES), as SQL.

    No title is lowercased once per word (that was most of a theme's cost). PostgreSQL lowers it
    once for LIKE ANY (with LIKE's own escape character). SQLite's lower() changes ASCII letters
    only, and its LIKE already ignores their case (case_sensitive_like is off): the title as is.
    """
    if _pg():
        patterns = ["%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for w in words]
        return sa.func.lower(Topic.title).like(sa.any_(sa.literal(patterns, postgresql.ARRAY(sa.Text))))
    return sa.or_(*[Topic.title.contains(w, autoescape=True) for w in words])


TOPIC_FIELDS = 5  # the values of one topic in window_topics()' lists, before one flag per theme


def window_topics(scope: Scope, start: datetime, end: datetime,
                  themes: dict[str, tuple[str, ...]]) -> Iterator[tuple[int, str, list]]:
    """Every topic of the window, by courtyard and category: the one read behind 未诉先办.

    Yields (courtyard_id, category code, topics), `topics` one flat list of TOPIC_FIELDS +
    len(themes) values per topic, in no particular order: id, created_at as epoch_us, the
    local month ('YYYY-MM'), the title, 1 if 未诉先办 made the topic (else 0), then per theme
    1 if title_has() its words (else 0). Each cell's topics come as one JSON text that
    json.loads parses in C: one row per cell, not per topic (22,300 topics in 2,182 cells
    for the street's year; row by row, pg8000 alone spent 110 ms parsing them).
    """
    from .models import ProactiveAction

    def text(value):
        return sa.cast(value, sa.String)

    def flag(condition):
        return sa.case((condition, "1"), else_="0")

    title = text(sa.func.to_json(Topic.title)) if _pg() else sa.func.json_quote(Topic.title)
    item = (text(Topic.id) + "," + text(epoch_us(Topic.created_at)) + ',"' + local_month(Topic.created_at) + '",'
            + title + "," + flag(Topic.id.in_(sa.select(ProactiveAction.topic_id))))
    for words in themes.values():
        item = item + "," + flag(title_has(words))
    q = (sa.select(Topic.courtyard_id, sa.type_coerce(Topic.category, sa.String), sa.func.aggregate_strings(item, ","))
         .where(_topic_window(scope, start, end)).group_by(Topic.courtyard_id, Topic.category))
    for cy, cat, items in db.session.execute(q):  # one cell's list at a time: fewer objects for the collector
        yield cy, cat, json.loads(f"[{items}]")


def topic_cell_totals(scope: Scope, start: datetime, end: datetime) -> dict[tuple, int]:
    """(courtyard_id, category code) → topics: the hot spots' counts in the window before."""
    q = (sa.select(Topic.courtyard_id, sa.type_coerce(Topic.category, sa.String), sa.func.count())
         .where(_topic_window(scope, start, end)).group_by(Topic.courtyard_id, Topic.category))
    return {(cy, cat): int(n) for cy, cat, n in db.session.execute(q)}


def topic_photo_ids(topic_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    if not topic_ids:
        return out
    q = (sa.select(TopicPhoto.topic_id, TopicPhoto.upload_id).where(TopicPhoto.topic_id.in_(topic_ids))
         .order_by(TopicPhoto.topic_id, TopicPhoto.position))
    for topic_id, upload_id in db.session.execute(q):
        out.setdefault(topic_id, []).append(upload_id)
    return out
