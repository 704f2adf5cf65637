"""Insight: the figures of 接诉即办, the 物业服务质量榜, the boards, and 未诉先办.

Each function checks permissions.py (NotFound where the caller may not know a thing
exists, Forbidden for the wrong people), validates its parameters (Invalid with fields),
and reads. Only `act_on_recurring` writes, and it writes through the deliberation and
tasks services. The definitions of every figure are in docs/insight.md.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..deliberation.models import CATEGORY_CLASS, CATEGORY_LABELS, CLASS_LABELS, Category, CategoryClass, Topic, TopicStatus
from ..errors import Forbidden, Invalid, NotFound
from ..timefmt import day_text
from ..extensions import db
from ..places import permissions as place_permissions
from ..places.models import Building, Community, Courtyard, Organization
from ..places.services import find
from ..validation import parse_id
from . import permissions, queries, recurring, rules
from .queries import Scope

WINDOW_MESSAGES = {
    "format": _l("Must be a date written YYYY-MM-DD."),
    "range": _l("Must be a date between 2000 and 2099."),
    "order": _l("Must not be after the end date."),
    "span": _l("The window may be at most three years long."),
}
PARAMETER_MESSAGES = {
    "k": _l("Must be a whole number from 2 to %(n)s.", n=recurring.MAX_K),
    "days": _l("Must be a whole number of days from 1 to %(n)s.", n=recurring.MAX_DAYS),
    "threshold": _l("Must be a number from 0 to 1."),
}
FORMULAS = {
    "resolution_rate": _l("verified tasks / tasks created in the window"),
    "satisfaction_rate": _l("(satisfied + basically satisfied) / ratings"),
    "response_rate": _l("residents' topics with an official reply / residents' topics"),
    "avg_hours_to_first_response": _l("hours to the first official reply, summed / residents' topics replied to"),
    "avg_hours_to_resolve": _l("hours from creation to verification, summed / verified tasks"),
    "on_time_rate": _l("tasks done by their due date / tasks done or past their due date"),
    "reopen_rate": _l("tasks reopened at least once / tasks marked done at least once"),
}


# --- parameters ------------------------------------------------------------------------------

def today() -> date:
    return rules.local_date(clock.now())


def window_from(raw_from, raw_to) -> rules.Window:
    window, problems = rules.parse_window(raw_from, raw_to, today())
    if problems:
        raise Invalid(fields={k: WINDOW_MESSAGES[v] for k, v in problems.items()})
    return window


def scope_of(actor, raw, *, staff_only: bool = False) -> Scope:
    """The scope named by `raw` ('street', 'community:<id>', 'courtyard:<id>') if the actor may read it.

    Invalid (field `scope`) when the text is none of those; NotFound for a community that
    does not exist or a courtyard the actor cannot see; Forbidden otherwise.
    """
    parsed = rules.parse_scope(raw)
    if parsed is None:
        raise Invalid(fields={"scope": _l("Must be street, community:<id> or courtyard:<id>.")})
    kind, ident = parsed
    if ident is not None and parse_id(ident) is None:
        raise NotFound()
    if kind == "street":
        scope = Scope("street", None, _("The whole street"), None)
    elif kind == "community":
        community = db.session.get(Community, ident)
        if community is None:
            raise NotFound()
        scope = Scope("community", community.id, community.name, community.id)
    else:
        courtyard = db.session.get(Courtyard, ident)
        if courtyard is None or not place_permissions.can_view_courtyard(actor, courtyard):
            raise NotFound()
        scope = Scope("courtyard", courtyard.id, courtyard.name, courtyard.building.community_id)
    allowed = permissions.can_use_staff_tools if staff_only else permissions.can_read_scope
    if not allowed(actor, scope):
        raise Forbidden()
    return scope


def default_scope(actor) -> Scope | None:
    scopes = permissions.readable_scopes(actor)
    return scopes[0] if scopes else None


# --- the figures -----------------------------------------------------------------------------

def _by_score(rows, key_count: int) -> dict[tuple, dict[str, int]]:
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: {s: 0 for s in rules.SCORES})
    for row in rows:
        key = tuple(_plain(v) for v in row[:key_count])
        out[key][_plain(row.score)] += int(row.n)
    return out


def _plain(value):
    return value.value if hasattr(value, "value") else value


def _satisfaction(counts: dict[str, int]) -> tuple[int, int, float | None]:
    good = counts.get("satisfied", 0) + counts.get("basically_satisfied", 0)
    total = sum(counts.get(s, 0) for s in rules.SCORES)
    return good, total, rules.satisfaction_rate(counts.get("satisfied", 0), counts.get("basically_satisfied", 0),
                                                total)


TASK_FIELDS = ("tasks", "resolved", "resolve_hours", "overdue", "escalated", "judged", "on_time", "finished",
               "reopened")
TOPIC_FIELDS = ("topics", "appeals", "responded", "response_hours")


def _add(into: dict, row, fields) -> None:
    for f in fields:
        into[f] = into.get(f, 0) + (float(getattr(row, f)) if f.endswith("hours") else int(getattr(row, f)))


def _zero(fields) -> dict:
    return {f: (0.0 if f.endswith("hours") else 0) for f in fields}


def _task_rates(t: dict, ratings: dict[str, int]) -> dict:
    good, total, sat = _satisfaction(ratings)
    return {
        "tasks": t["tasks"], "resolved": t["resolved"], "overdue": t["overdue"], "escalated": t["escalated"],
        "resolution_rate": rules.resolution_rate(t["resolved"], t["tasks"]),
        "satisfaction_rate": sat,
        "avg_hours_to_resolve": rules.mean(t["resolve_hours"], t["resolved"]),
        "on_time_rate": rules.on_time_rate(t["on_time"], t["judged"]),
        "reopen_rate": rules.reopen_rate(t["reopened"], t["finished"]),
        "ratings": {**{s: ratings.get(s, 0) for s in rules.SCORES}, "total": total},
    }


def _figures(t: dict, p: dict, ratings: dict[str, int]) -> dict:
    good, total, sat = _satisfaction(ratings)
    f = rules.figure
    return {
        "resolution_rate": f(t["resolved"], t["tasks"], rules.resolution_rate(t["resolved"], t["tasks"]),
                             str(FORMULAS["resolution_rate"])),
        "satisfaction_rate": f(good, total, sat, str(FORMULAS["satisfaction_rate"])),
        "response_rate": f(p["responded"], p["appeals"], rules.response_rate(p["responded"], p["appeals"]),
                           str(FORMULAS["response_rate"])),
        "avg_hours_to_first_response": f(p["response_hours"], p["responded"],
                                         rules.mean(p["response_hours"], p["responded"]),
                                         str(FORMULAS["avg_hours_to_first_response"])),
        "avg_hours_to_resolve": f(t["resolve_hours"], t["resolved"], rules.mean(t["resolve_hours"], t["resolved"]),
                                  str(FORMULAS["avg_hours_to_resolve"])),
        "on_time_rate": f(t["on_time"], t["judged"], rules.on_time_rate(t["on_time"], t["judged"]),
                          str(FORMULAS["on_time_rate"])),
        "reopen_rate": f(t["reopened"], t["finished"], rules.reopen_rate(t["reopened"], t["finished"]),
                         str(FORMULAS["reopen_rate"])),
    }


def _sum_days(volume: dict[str, int], window: rules.Window) -> int:
    lo, hi = window.start.isoformat(), window.end.isoformat()
    return sum(n for d, n in volume.items() if lo <= d <= hi)


def _month_sums(volume: dict[str, int], window: rules.Window) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    lo, hi = window.start.isoformat(), window.end.isoformat()
    for d, n in volume.items():
        if lo <= d <= hi:
            out[d[:7]] += n
    return out


def stats(actor, *, scope, date_from=None, date_to=None) -> dict:
    """GET /stats: the figures of a scope over a window (CONTRACT §4 Figures; docs/insight.md).

    Raises Invalid (scope, from, to), NotFound, Forbidden.
    """
    window = window_from(date_from, date_to)
    return figures(scope_of(actor, scope), window)


def figures(scope: Scope, window: rules.Window) -> dict:
    """Every figure of the dashboard for a scope the caller was allowed to read."""
    now = clock.now()
    start, end = window.utc()
    topic_rows = queries.topic_figures(scope, start, end)
    # by month, category and organization: the totals, categories, months and the ranking from one query each
    task_rows = queries.task_figures(scope, start, end, now, ("month", "category", "org"))
    rating_rows = queries.rating_counts(scope, start, end, ("month", "category", "org"))

    months = rules.months_in(window)
    p_total, t_total = _zero(TOPIC_FIELDS), _zero(TASK_FIELDS)
    p_cat: dict[str, dict] = defaultdict(lambda: _zero(TOPIC_FIELDS))
    t_cat: dict[str, dict] = defaultdict(lambda: _zero(TASK_FIELDS))
    p_month: dict[str, dict] = defaultdict(lambda: _zero(TOPIC_FIELDS))
    t_month: dict[str, dict] = defaultdict(lambda: _zero(TASK_FIELDS))
    for row in topic_rows:
        cat = _plain(row.category)
        for into in (p_total, p_cat[cat], p_month[row.month]):
            _add(into, row, TOPIC_FIELDS)
    t_org: dict[int, dict] = defaultdict(lambda: _zero(TASK_FIELDS))
    for row in task_rows:
        cat = _plain(row.category)
        for into in (t_total, t_cat[cat], t_month[row.month], t_org[row.org]):
            _add(into, row, TASK_FIELDS)
    r_total: dict[str, int] = {s: 0 for s in rules.SCORES}
    r_cat: dict[str, dict] = defaultdict(lambda: {s: 0 for s in rules.SCORES})
    r_month: dict[str, dict] = defaultdict(lambda: {s: 0 for s in rules.SCORES})
    r_org: dict[int, dict] = defaultdict(lambda: {s: 0 for s in rules.SCORES})
    for (month, cat, org), counts in _by_score(rating_rows, 3).items():
        for s, n in counts.items():
            r_total[s] += n
            r_cat[cat][s] += n
            r_month[month][s] += n
            r_org[org][s] += n

    # Volume against the window just before and the same dates a year earlier.
    before, last_year = rules.previous_window(window), rules.last_year_window(window)
    ext_start = min(before.start, last_year.start)
    es, ee = rules.Window(ext_start, window.end).utc()
    topic_days, task_days = queries.topic_volume(scope, es, ee), queries.task_volume(scope, es, ee)

    def volume(days: dict[str, int], current: int) -> dict:
        return {"current": current,
                "previous_period": {**rules.change(current, _sum_days(days, before)), **before.as_dict()},
                "last_year": {**rules.change(current, _sum_days(days, last_year)), **last_year.as_dict()}}

    topics_prev_months = _month_sums(topic_days, rules.Window(ext_start, window.end))
    by_month = []
    for m in months:
        p, t, r = p_month.get(m, _zero(TOPIC_FIELDS)), t_month.get(m, _zero(TASK_FIELDS)), r_month.get(m, {})
        prev_m, ly_m = rules.shift_month(m, -1), rules.shift_month(m, -12)
        prev_n = topics_prev_months.get(prev_m, 0) if prev_m >= rules.month_key(ext_start) else None
        ly_n = topics_prev_months.get(ly_m, 0) if ly_m >= rules.month_key(ext_start) else None
        by_month.append({
            "month": m, "topics": p["topics"], "appeals": p["appeals"], "responded": p["responded"],
            "response_rate": rules.response_rate(p["responded"], p["appeals"]),
            **_task_rates(t, r),
            "topics_previous_month": prev_n,
            "change_previous_month": rules.change(p["topics"], prev_n) if prev_n is not None else None,
            "topics_last_year": ly_n,
            "change_last_year": rules.change(p["topics"], ly_n) if ly_n is not None else None,
        })

    by_category = []
    for category in Category:
        code = category.value
        p, t = p_cat.get(code, _zero(TOPIC_FIELDS)), t_cat.get(code, _zero(TASK_FIELDS))
        if not p["topics"] and not t["tasks"]:
            continue
        by_category.append({
            "category": code, "label": str(CATEGORY_LABELS[category]), "topics": p["topics"],
            "appeals": p["appeals"], "responded": p["responded"],
            "response_rate": rules.response_rate(p["responded"], p["appeals"]),
            **_task_rates(t, r_cat.get(code, {})),
        })
    by_category.sort(key=lambda c: (-c["topics"], -c["tasks"], c["category"]))

    # The five classes of 判 (deliberation.models.CATEGORY_CLASS): the categories' counts added up.
    by_class = []
    for klass in CategoryClass:
        codes = [c.value for c in Category if CATEGORY_CLASS[c] == klass]
        p, t = _zero(TOPIC_FIELDS), _zero(TASK_FIELDS)
        r = {s: 0 for s in rules.SCORES}
        for code in codes:
            for into, part in ((p, p_cat.get(code)), (t, t_cat.get(code)), (r, r_cat.get(code))):
                for f, n in (part or {}).items():
                    into[f] = into.get(f, 0) + n
        by_class.append({
            "class": klass.value, "label": str(CLASS_LABELS[klass]), "categories": codes, "topics": p["topics"],
            "appeals": p["appeals"], "responded": p["responded"],
            "response_rate": rules.response_rate(p["responded"], p["appeals"]),
            **_task_rates(t, r),
        })

    good, total, sat = _satisfaction(r_total)
    return {
        "scope": {"kind": scope.kind, "id": scope.id, "name": scope.name, "key": scope.key},
        "window": window.as_dict(),
        "generated_at": now.isoformat(),
        "topics": p_total["topics"],
        "appeals": p_total["appeals"],
        "responded": p_total["responded"],
        "response_rate": rules.response_rate(p_total["responded"], p_total["appeals"]),
        "avg_hours_to_first_response": rules.mean(p_total["response_hours"], p_total["responded"]),
        "tasks": t_total["tasks"],
        "resolved": t_total["resolved"],
        "resolution_rate": rules.resolution_rate(t_total["resolved"], t_total["tasks"]),
        "satisfaction_rate": sat,
        "avg_hours_to_resolve": rules.mean(t_total["resolve_hours"], t_total["resolved"]),
        "overdue": t_total["overdue"],
        "escalated": t_total["escalated"],
        "on_time_rate": rules.on_time_rate(t_total["on_time"], t_total["judged"]),
        "reopen_rate": rules.reopen_rate(t_total["reopened"], t_total["finished"]),
        "ratings": {**r_total, "total": total},
        "figures": _figures(t_total, p_total, r_total),
        "volume": {"topics": volume(topic_days, p_total["topics"]), "tasks": volume(task_days, t_total["tasks"])},
        "by_category": by_category,
        "by_class": by_class,
        "by_month": by_month,
        "property_ranking": _property_lines([(org, _ranked_row(t, r_org.get(org, {}))) for org, t in t_org.items()],
                                            rules.RANK_KEYS[0]),
    }


# --- 物业服务质量榜 -----------------------------------------------------------------------------

def _ranked_row(t: dict, r: dict[str, int]) -> dict:
    """One line of a ranking: the task figures with the counts behind each."""
    good, total, _sat = _satisfaction(r)
    return {
        **_task_rates(t, r),
        "on_time": {"numerator": t["on_time"], "denominator": t["judged"]},
        "satisfaction": {"numerator": good, "denominator": total},
        "reopen": {"numerator": t["reopened"], "denominator": t["finished"]},
        "resolve": {"hours": t["resolve_hours"], "tasks": t["resolved"]},
    }


def _ranking_rows(scope: Scope, window: rules.Window, now: datetime, key: str) -> list[tuple[int, dict]]:
    start, end = window.utc()
    rows = queries.task_figures(scope, start, end, now, (key,), only_property=key == "org")
    ratings = _by_score(queries.rating_counts(scope, start, end, (key,)), 1)
    out = []
    for row in rows:
        t = _zero(TASK_FIELDS)
        _add(t, row, TASK_FIELDS)
        out.append((getattr(row, key), _ranked_row(t, ratings.get((getattr(row, key),), {}))))
    return out


def _property_lines(rows: list[tuple[int, dict]], first: str) -> list[dict]:
    """Rank the lines of property companies (lines of departments are dropped)."""
    found = {i: (n, k) for i, n, k in db.session.execute(sa.select(Organization.id, Organization.name,
                                                                  Organization.kind).where(
        Organization.id.in_([i for i, _ in rows] or [-1])))}
    return rules.rank([{"id": i, "organization_id": i, "name": found[i][0], **r} for i, r in rows
                       if i in found and found[i][1].value == "property"], first)


def property_ranking(scope: Scope, window: rules.Window, *, now: datetime | None = None,
                     first: str = "on_time_rate") -> list[dict]:
    """Property companies with tasks in the scope and window, best first (rules.rank)."""
    return _property_lines(_ranking_rows(scope, window, now or clock.now(), "org"), first)


def building_ranking(scope: Scope, window: rules.Window, *, now: datetime | None = None,
                     first: str = "on_time_rate") -> list[dict]:
    """Buildings (by their courtyards' tasks, whoever worked them) in the scope, best first."""
    now = now or clock.now()
    rows = _ranking_rows(scope, window, now, "courtyard")
    names = {cy: (b, c) for cy, b, c in db.session.execute(
        sa.select(Courtyard.id, Building.name, Community.name).join(Building, Building.id == Courtyard.building_id)
        .join(Community, Community.id == Building.community_id).where(Courtyard.id.in_([i for i, _ in rows] or [-1])))}
    return rules.rank([{"id": i, "courtyard_id": i, "name": names.get(i, ("", ""))[0],
                        "community": names.get(i, ("", ""))[1], **r} for i, r in rows], first)


def get_community_for_boards(actor, community_id) -> Community:
    community = find(Community, community_id)
    if community is None or not permissions.can_view_community_boards(actor, community):
        raise NotFound()
    return community


def ranking(actor, community: Community, *, date_from=None, date_to=None, sort=None) -> dict:
    """物业服务质量榜 of a community: property companies and buildings. Raises NotFound, Invalid."""
    if not permissions.can_view_community_boards(actor, community):
        raise NotFound()
    window = window_from(date_from, date_to)
    if sort not in (None, "") and sort not in rules.RANK_KEYS:
        raise Invalid(fields={"sort": _l("Not one of the allowed values.")})
    first = sort or rules.RANK_KEYS[0]
    scope = Scope("community", community.id, community.name, community.id)
    now = clock.now()
    return {"community": {"id": community.id, "name": community.name}, "window": window.as_dict(), "sort": first,
            "property_companies": property_ranking(scope, window, now=now, first=first),
            "buildings": building_ranking(scope, window, now=now, first=first)}


# --- 公示栏 and 曝光台 ----------------------------------------------------------------------------

BOARD_LIMIT = 30


def board(actor, community: Community, *, limit: int = BOARD_LIMIT) -> dict:
    """公示栏: the community's decided topics and its tasks accepted by residents, newest first,
    with the photos before (the topic's) and after (the organization's, with the last done)."""
    from ..tasks.models import Task, TaskPhoto, TaskRating, TaskStatus, TaskUpdate
    if not permissions.can_view_community_boards(actor, community):
        raise NotFound()
    scope = Scope("community", community.id, community.name, community.id)
    decided = list(db.session.scalars(
        sa.select(Topic).where(queries.topic_in(scope), Topic.status == TopicStatus.decided)
        .order_by(Topic.updated_at.desc(), Topic.id.desc()).limit(limit)))
    tasks = list(db.session.scalars(
        sa.select(Task).where(Task.community_id == community.id, Task.status == TaskStatus.verified)
        .order_by(Task.verified_at.desc(), Task.id.desc()).limit(limit)))
    task_ids = [t.id for t in tasks]
    after: dict[int, list[int]] = {}
    if task_ids:
        last_done = (sa.select(TaskUpdate.task_id, sa.func.max(TaskUpdate.id).label("uid"))
                     .where(TaskUpdate.task_id.in_(task_ids), TaskUpdate.to_status == TaskStatus.done)
                     .group_by(TaskUpdate.task_id).subquery())
        for task_id, upload_id in db.session.execute(
                sa.select(last_done.c.task_id, TaskPhoto.upload_id).join(TaskPhoto, TaskPhoto.update_id == last_done.c.uid)
                .order_by(last_done.c.task_id, TaskPhoto.position)):
            after.setdefault(task_id, []).append(upload_id)
    ratings = _by_score(db.session.execute(
        sa.select(TaskRating.task_id, TaskRating.score.label("score"), sa.func.count().label("n"))
        .where(TaskRating.task_id.in_(task_ids or [-1]))
        .group_by(TaskRating.task_id, TaskRating.score)).all(), 1)
    before = queries.topic_photo_ids([t.id for t in decided] + [t.topic_id for t in tasks])
    return {
        "community": {"id": community.id, "name": community.name},
        "decided": [{"topic_id": t.id, "title": t.title, "category": t.category.value,
                     "courtyard": t.courtyard.name, "decided_at": t.updated_at, "support_count": t.support_count,
                     "photos": before.get(t.id, [])} for t in decided],
        "resolved": [{"task_id": t.id, "topic_id": t.topic_id, "title": t.title, "category": t.category.value,
                      "courtyard": t.courtyard.name, "organization": t.assignee_org.name,
                      "created_at": t.created_at, "verified_at": t.verified_at,
                      "hours_to_resolve": rules.rounded((t.verified_at - t.created_at).total_seconds() / 3600, 1),
                      "before_photos": before.get(t.topic_id, []), "after_photos": after.get(t.id, []),
                      "ratings": {**ratings.get((t.id,), {s: 0 for s in rules.SCORES}),
                                  "total": sum(ratings.get((t.id,), {}).values())},
                      "satisfaction_rate": _satisfaction(ratings.get((t.id,), {}))[2]}
                     for t in tasks],
    }


def exposure(actor, community: Community) -> dict:
    """曝光台: the community's overdue tasks by organization, most overdue first, each with the
    organization's latest reply (its newest note on the task's timeline)."""
    from ..tasks import queries as task_queries
    from ..tasks import rules as task_rules
    from ..tasks.models import Task, TaskUpdate, UpdateKind
    if not permissions.can_view_community_boards(actor, community):
        raise NotFound()
    now = clock.now()
    tasks = list(db.session.scalars(
        sa.select(Task).where(Task.community_id == community.id, task_queries.overdue(now))
        .order_by(Task.due_at, Task.id)))
    replies: dict[int, TaskUpdate] = {}
    if tasks:
        newest = (sa.select(sa.func.max(TaskUpdate.id)).where(
            TaskUpdate.task_id.in_([t.id for t in tasks]), TaskUpdate.note.is_not(None),
            TaskUpdate.kind.in_([UpdateKind.status, UpdateKind.note])).group_by(TaskUpdate.task_id))
        for u in db.session.scalars(sa.select(TaskUpdate).where(TaskUpdate.id.in_(newest))):
            replies[u.task_id] = u
    groups: dict[int, dict] = {}
    for t in tasks:
        g = groups.setdefault(t.assignee_org_id, {"organization_id": t.assignee_org_id,
                                                  "organization": t.assignee_org.name,
                                                  "kind": t.assignee_org.kind.value, "tasks": []})
        reply = replies.get(t.id)
        g["tasks"].append({
            "task_id": t.id, "topic_id": t.topic_id, "title": t.title, "category": t.category.value,
            "courtyard": t.courtyard.name, "status": t.status.value, "due_at": t.due_at,
            "overdue_hours": round(task_rules.overdue_hours(t.due_at, now), 1),
            "escalation_level": t.escalation_level,
            "reply": {"note": reply.note, "at": reply.created_at} if reply else None,
        })
    ordered = sorted(groups.values(), key=lambda g: (-len(g["tasks"]), g["organization"]))
    return {"community": {"id": community.id, "name": community.name}, "generated_at": now,
            "organizations": ordered, "total": len(tasks)}


# --- 未诉先办 --------------------------------------------------------------------------------

def _courtyard_names(ids) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    return {cy: f"{c} · {b}" for cy, b, c in db.session.execute(
        sa.select(Courtyard.id, Building.name, Community.name).join(Building, Building.id == Courtyard.building_id)
        .join(Community, Community.id == Building.community_id).where(Courtyard.id.in_(ids)))}


THEME_LABELS = {"heating": _l("Heating"), "rain_leak": _l("Rain leaks")}


def foresight_of(scope: Scope, window: rules.Window, *, k=None, days=None, threshold=None) -> dict:
    """Hot spots, recurring problems and seasonal patterns of a scope the caller may use staff tools on,
    from one read of the window's topics (queries.window_topics). Raises Invalid (k, days, threshold).

    hot_spots: the courtyard × category cells with the most topics, by month, against the window
    before. recurring: recurring.detect's problems, among every topic but those 未诉先办 made, each
    marked if staff already acted. seasonal: month-of-year profiles per category and per theme.
    """
    from .models import ProactiveAction
    params, problems = recurring.check_parameters(k, days, threshold)
    if problems:
        raise Invalid(fields={name: PARAMETER_MESSAGES[name] for name in problems})
    k, days, threshold = params
    start, end = window.utc()
    months = rules.months_in(window)
    width = queries.TOPIC_FIELDS + len(rules.THEMES)
    cells: dict[tuple, dict[str, int]] = {}
    by_category: dict[str, Counter] = defaultdict(Counter)
    by_theme: dict[str, Counter] = {name: Counter() for name in rules.THEMES}
    candidates = []
    for cy, cat, flat in queries.window_topics(scope, start, end, rules.THEMES):
        in_month = flat[2::width]
        cells[(cy, cat)] = per_month = Counter(in_month)
        season = by_category[cat]
        for month, n in per_month.items():
            season[int(month[5:7])] += n
        for t, counts in enumerate(by_theme.values(), start=queries.TOPIC_FIELDS):
            counts.update(int(month[5:7]) for month, has in zip(in_month, flat[t::width]) if has)
        rows = zip(flat[1::width], flat[0::width], flat[3::width], flat[4::width])
        candidates.append((cy, cat, [(at, tid, title) for at, tid, title, made in rows if not made]))

    ps, pe = rules.previous_window(window).utc()
    spots = rules.hot_spots(cells, months, queries.topic_cell_totals(scope, ps, pe))
    found = recurring.detect_cells(candidates, k=k, days=days, threshold=threshold, day=86_400_000_000,
                                   at=queries.from_epoch_us)
    classes = rules.by_class(cells, months, {c.value: CATEGORY_CLASS[c].value for c in Category},
                             [k.value for k in CategoryClass])
    names = _courtyard_names({r["key"][0] for r in spots} | {g["courtyard_id"] for g in found}
                             | {a["courtyard_id"] for row in classes for a in row["areas"]})
    for row in classes:
        row["label"] = str(CLASS_LABELS[CategoryClass(row["class"])])
        for a in row["areas"]:
            a["courtyard"] = names.get(a["courtyard_id"], "")
    labels = {c.value: str(CATEGORY_LABELS[c]) for c in Category}
    for r in spots:
        cy, cat = r.pop("key")
        r.update({"courtyard_id": cy, "courtyard": names.get(cy, ""), "category": cat, "label": labels[cat]})
    acted: dict[int, int] = {}
    if found:
        for action in db.session.scalars(sa.select(ProactiveAction).where(
                ProactiveAction.courtyard_id.in_({g["courtyard_id"] for g in found}))):
            for tid in action.source_topic_ids or []:
                acted[int(tid)] = action.topic_id
    for g in found:
        g["courtyard"] = names.get(g["courtyard_id"], "")
        g["label"] = labels[g["category"]]
        g["acted_topic_id"] = next((acted[i] for i in g["ids"] if i in acted), None) if acted else None
    return {
        "hot_spots": {"months": months, "cells": spots},
        "by_class": {"months": months, "classes": classes},
        "recurring": {"k": k, "days": days, "threshold": threshold, "problems": found},
        "seasonal": {
            "categories": [{"category": c.value, "label": labels[c.value], **rules.seasonal_profile(by_category[c.value])}
                           for c in Category if by_category.get(c.value)],
            "themes": [{"theme": name, "label": str(THEME_LABELS[name]), **rules.seasonal_profile(by_theme[name])}
                       for name in rules.THEMES]},
    }


def foresight(actor, *, scope, date_from=None, date_to=None, k=None, days=None, threshold=None) -> dict:
    """未诉先办 for a scope: hot spots, recurring problems, seasonal patterns. Staff only."""
    window = window_from(date_from, date_to)
    sc = scope_of(actor, scope, staff_only=True)
    return {"scope": {"kind": sc.kind, "id": sc.id, "name": sc.name, "key": sc.key}, "window": window.as_dict(),
            **foresight_of(sc, window, k=k, days=days, threshold=threshold)}


PROACTIVE_TITLE_MAX = 100


def act_on_recurring(actor, *, topic_ids, make_task=False, title=None, assignee_org_id=None):
    """Turn a recurring problem into a proactive topic (未诉先办) — and, with `make_task`, dispatch it.

    `topic_ids` are the problem's topics: all of one courtyard and one category, visible
    to the actor. The community's staff. The topic is raised through
    deliberation.services.create_topic, the task through tasks.services.create_task (the
    building's property company unless `assignee_org_id`). Returns (action, topic, task).
    Raises Invalid, NotFound, Forbidden, Conflict (a task that cannot be dispatched).
    """
    from ..deliberation import permissions as topic_permissions
    from ..deliberation import services as topics
    from ..tasks import services as tasks
    from .models import ProactiveAction
    ids = id_list(topic_ids)
    if not ids:
        raise Invalid(fields={"topic_ids": _l("Choose the topics of the recurring problem.")})
    found = list(db.session.scalars(sa.select(Topic).where(Topic.id.in_(ids)).order_by(Topic.created_at, Topic.id)))
    if len(found) != len(ids) or not all(topic_permissions.can_view_topic(actor, t) for t in found):
        raise NotFound()
    if len({(t.courtyard_id, t.category) for t in found}) != 1:
        raise Invalid(fields={"topic_ids": _l("The topics must be of one courtyard and one category.")})
    courtyard, category = found[0].courtyard, found[0].category
    if not permissions.can_act_on_recurring(actor, courtyard):
        raise Forbidden()
    make_task = make_task in (True, "1", "true", "on", "task")
    if make_task and assignee_org_id in (None, "") and courtyard.building.property_org_id is None:
        raise Invalid(fields={"assignee_org_id": _l("This building has no property company: choose an organization.")})
    representative = recurring.detect([recurring.Item(t.id, t.courtyard_id, t.category.value, t.created_at, t.title)
                                       for t in found], k=1, days=recurring.MAX_DAYS, threshold=0)
    base = representative[0]["title"] if representative else found[0].title
    title = (title or "").strip() or _("Proactive: %(title)s", title=base)
    if len(title) > PROACTIVE_TITLE_MAX:
        title = title[:PROACTIVE_TITLE_MAX]
    first, last = rules.local_date(found[0].created_at), rules.local_date(found[-1].created_at)
    lang = get_locale()
    lines = [_("This problem was raised %(n)s times in this courtyard from %(first)s to %(last)s:",
               n=len(found), first=day_text(first, locale=lang), last=day_text(last, locale=lang))]
    lines += [f"#{t.id} {t.title} ({day_text(rules.local_date(t.created_at), locale=lang)})" for t in found]
    lines.append(_("Staff are taking it up before it is raised again (未诉先办)."))
    topic = topics.create_topic(actor, courtyard, title=title, body="\n".join(lines)[:4000], category=category.value)
    action = ProactiveAction(courtyard_id=courtyard.id, category=category, topic_id=topic.id,
                             source_topic_ids=[t.id for t in found], created_by_id=actor.id, created_at=clock.now())
    db.session.add(action)
    db.session.commit()
    task = None
    if make_task:
        task = tasks.create_task(actor, topic, assignee_org_id=assignee_org_id)
        action.task_id = task.id
        db.session.commit()
    return action, topic, task


def id_list(raw) -> list[int]:
    """Ids from a form ("3, 5 8") or a JSON list, each once, in order; [] when any is not an id
    or there are more than 200."""
    if isinstance(raw, str):
        raw = [p for p in raw.replace(",", " ").split() if p]
    if not isinstance(raw, (list, tuple)) or len(raw) > 200:
        return []
    out = [parse_id(value) for value in raw]
    return [] if None in out else list(dict.fromkeys(out))


def is_board_photo(community: Community, upload_id: int) -> bool:
    """Is the upload a photo of something on the community's 公示栏: a decided topic, the topic of an
    accepted task, or the finished work of an accepted task? (Who may see it: its residents.)"""
    from ..deliberation.models import TopicPhoto
    from ..tasks.models import Task, TaskPhoto, TaskStatus, TaskUpdate
    scope = Scope("community", community.id, community.name, community.id)
    accepted = sa.select(Task.topic_id).where(Task.community_id == community.id, Task.status == TaskStatus.verified)
    on_board = sa.select(Topic.id).where(queries.topic_in(scope), sa.or_(Topic.status == TopicStatus.decided,
                                                                          Topic.id.in_(accepted)))
    before = sa.exists().where(TopicPhoto.upload_id == upload_id, TopicPhoto.topic_id.in_(on_board))
    after = sa.exists(sa.select(TaskPhoto.id).join(TaskUpdate, TaskUpdate.id == TaskPhoto.update_id)
                      .join(Task, Task.id == TaskUpdate.task_id)
                      .where(TaskPhoto.upload_id == upload_id, Task.community_id == community.id,
                             Task.status == TaskStatus.verified))
    return bool(db.session.scalar(sa.select(sa.or_(before, after))))
