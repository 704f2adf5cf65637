"""JSON routes of Insight: figures (CONTRACT §4 Figures), the quality ranking, the boards,
未诉先办 and exports. Thin: parse, call services, return."""
from __future__ import annotations

from datetime import date, datetime

from flask import Response, jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import Field

from ..api.core import Body, bp, doc, login_required, parse_body, parse_query
from ..deliberation.payloads import topic_json
from ..errors import Invalid
from ..tasks.payloads import task_json
from ..api.schemas import Out
from ..deliberation.models import Category
from . import export, services
from .schemas import (EXPORT_FILE, EXPORT_PARAMS, FORESIGHT_PARAMS, RANKING_PARAMS, SCOPE_PARAMS, BoardOut,
                      ExposureOut, ForesightOut, RankingOut, RecurringActionOut, StatsOut)


class WindowQuery(Body):
    date_from: str | None = Field(default=None, alias="from", description="YYYY-MM-DD, Beijing time, included")
    date_to: str | None = Field(default=None, alias="to", description="YYYY-MM-DD, Beijing time, included")


class StatsQuery(WindowQuery):
    scope: str | None = Field(default=None, description="street, community:<id> or courtyard:<id>")


class RankingQuery(WindowQuery):
    sort: str | None = Field(default=None, description="on_time_rate, satisfaction_rate, reopen_rate or "
                                                       "avg_hours_to_resolve")


class ForesightQuery(StatsQuery):
    k: str | None = Field(default=None, description="topics at least (2–100, default 3)")
    days: str | None = Field(default=None, description="within this many days (1–366, default 30)")
    threshold: str | None = Field(default=None, description="title similarity 0–1 (default 0.5)")


class ExportQuery(StatsQuery):
    what: str | None = Field(default=None, description="topics, tasks or figures (CSV)")
    format: str | None = Field(default=None, description="csv (default) or xlsx (every sheet)")


class RecurringActionBody(Body):
    topic_ids: list[int]
    make_task: bool = False
    title: str | None = None
    assignee_org_id: int | None = None


def plain(value):
    """Datetimes as ISO-8601 text, dates as YYYY-MM-DD, through dicts and lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _required_scope(q) -> str:
    if q.scope in (None, ""):
        raise Invalid(fields={"scope": _l("This field is required.")})
    return q.scope


@bp.get("/stats")
@doc(query=StatsQuery, params=SCOPE_PARAMS, response=StatsOut, errors=(403, 404), tag="insight")
@login_required
def stats():
    """Figures of a courtyard, a community or the street over a window (CONTRACT §4 Figures)."""
    q = parse_query(StatsQuery)
    return jsonify(services.stats(current_user, scope=_required_scope(q), date_from=q.date_from,
                                  date_to=q.date_to))


@bp.get("/communities/<int:community_id>/ranking")
@doc(query=RankingQuery, params=RANKING_PARAMS, response=RankingOut, tag="insight")
@login_required
def community_ranking(community_id):
    """物业服务质量榜: property companies and buildings of a community, ranked (its residents and staff)."""
    community = services.get_community_for_boards(current_user, community_id)
    q = parse_query(RankingQuery)
    return jsonify(services.ranking(current_user, community, date_from=q.date_from, date_to=q.date_to,
                                    sort=q.sort))


@bp.get("/communities/<int:community_id>/board")
@doc(response=BoardOut, tag="insight")
@login_required
def community_board(community_id):
    """公示栏: the community's decided topics and accepted tasks, with photos before and after, and ratings."""
    community = services.get_community_for_boards(current_user, community_id)
    data = services.board(current_user, community)
    for item in data["decided"]:
        item["photos"] = [_photo(community.id, i) for i in item["photos"]]
    for item in data["resolved"]:
        item["before_photos"] = [_photo(community.id, i) for i in item["before_photos"]]
        item["after_photos"] = [_photo(community.id, i) for i in item["after_photos"]]
    return jsonify(plain(data))


def _photo(community_id: int, upload_id: int) -> dict:
    return {"id": upload_id, "url": f"/communities/{community_id}/board/photos/{upload_id}"}


@bp.get("/communities/<int:community_id>/exposure")
@doc(response=ExposureOut, tag="insight")
@login_required
def community_exposure(community_id):
    """曝光台: the community's overdue tasks by organization, with each organization's latest reply."""
    community = services.get_community_for_boards(current_user, community_id)
    return jsonify(plain(services.exposure(current_user, community)))


@bp.get("/foresight")
@doc(query=ForesightQuery, params=FORESIGHT_PARAMS, response=ForesightOut, errors=(403, 404), tag="insight")
@login_required
def foresight():
    """未诉先办: hot spots, recurring problems and seasonal patterns of a scope (staff)."""
    q = parse_query(ForesightQuery)
    return jsonify(plain(services.foresight(current_user, scope=_required_scope(q), date_from=q.date_from,
                                            date_to=q.date_to, k=q.k, days=q.days, threshold=q.threshold)))


@bp.post("/recurring-problems/actions")
@doc(body=RecurringActionBody, response=RecurringActionOut, status=201, errors=(403, 404), tag="insight")
@login_required
def act_on_recurring():
    """Turn a recurring problem into a proactive topic, and with make_task a task, in one step (staff)."""
    body = parse_body(RecurringActionBody)
    action, topic, task = services.act_on_recurring(current_user, topic_ids=body.topic_ids, make_task=body.make_task,
                                                    title=body.title, assignee_org_id=body.assignee_org_id)
    return jsonify({"id": action.id, "source_topic_ids": action.source_topic_ids, "topic": topic_json(topic),
                    "task": task_json(task) if task is not None else None}), 201


@bp.get("/exports")
@doc(query=ExportQuery, params=EXPORT_PARAMS, response=EXPORT_FILE, errors=(403, 404), tag="insight")
@login_required
def exports():
    """Topics, tasks or figures of a scope and window as CSV (UTF-8 with BOM), or all three as Excel (staff)."""
    q = parse_query(ExportQuery)
    name, mimetype, payload = export.build(current_user, scope=_required_scope(q), date_from=q.date_from,
                                           date_to=q.date_to, what=q.what, fmt=q.format)
    resp = Response(payload, content_type=mimetype)  # the whole header: `mimetype=` would add a second charset
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp



# --- the monthly 主动治理 project (monthly.py) ------------------------------------------------

class MonthlyProjectBody(Body):
    courtyard_id: int
    category: str
    title: str
    body: str
    month: str | None = None
    department_ids: list[int] | None = None


class OutcomeBody(Body):
    outcome: str


class MonthlyTopicRef(Out):
    id: int
    title: str
    status: str


class MonthlyProjectOut(Out):
    id: int
    community_id: int
    month: str = Field(description="YYYY-MM, Beijing time")
    courtyard_id: int
    category: Category
    topic: MonthlyTopicRef = Field(description="The project's discussion, with the invited departments")
    outcome: str | None
    outcome_at: datetime | None
    created_at: datetime


class MonthlyProjectList(Out):
    items: list[MonthlyProjectOut]


@bp.get("/communities/<int:community_id>/monthly-projects")
@doc(response=MonthlyProjectList, tag="insight")
@login_required
def list_monthly_projects(community_id):
    """The community's 主动治理 projects of the last twelve months, latest first (whoever sees its boards)."""
    from . import monthly
    community = services.get_community_for_boards(current_user, community_id)
    return jsonify({"items": [monthly.project_json(p) for p in monthly.projects_of(current_user, community)]})


@bp.post("/monthly-projects")
@doc(body=MonthlyProjectBody, response=MonthlyProjectOut, status=201, errors=(404, 409), tag="insight")
@login_required
def create_monthly_project():
    """Choose the community's 主动治理 project of a month: a topic in the courtyard, departments invited (staff)."""
    from . import monthly
    body = parse_body(MonthlyProjectBody)
    courtyard = monthly.staff_courtyard(current_user, body.courtyard_id)
    project = monthly.choose(current_user, courtyard, category=body.category, title=body.title, body=body.body,
                             month=body.month, department_ids=body.department_ids or [])
    return jsonify(monthly.project_json(project)), 201


@bp.post("/monthly-projects/<int:project_id>/outcome")
@doc(body=OutcomeBody, response=MonthlyProjectOut, errors=(403, 404), tag="insight")
@login_required
def record_monthly_outcome(project_id):
    """Record what the month's project achieved; it stands on the 公示栏 (the community's staff)."""
    from . import monthly
    project = monthly.get_project(current_user, project_id)
    return jsonify(monthly.project_json(monthly.record_outcome(current_user, project, outcome=parse_body(OutcomeBody).outcome)))


# --- the handlers' bulletin (bulletin.py) ---------------------------------------------------

class BulletinQuery(Body):
    scope: str | None = None
    period: str | None = None
    day: str | None = None


class BulletinLine(Out):
    rank: int
    id: int
    name: str
    tasks: int
    accepted: int
    response_hours: float | None = Field(description="Mean hours from dispatch to acceptance; null without any")
    on_time: int
    judged: int
    on_time_rate: float | None
    ratings: dict[str, int]
    satisfaction_rate: float | None


class OrgBulletinLine(BulletinLine):
    kind: str


class StaffBulletinLine(BulletinLine):
    organization: str = Field(description="The organizations whose tasks the person took on")


class BulletinOut(Out):
    scope: dict
    period: str = Field(description="week (Monday–Sunday) or month, Beijing time")
    window: dict
    departments: list[OrgBulletinLine]
    property_companies: list[OrgBulletinLine]
    staff: list[StaffBulletinLine]
    generated_at: datetime


@bp.get("/bulletin")
@doc(query=BulletinQuery, response=BulletinOut, errors=(403, 404), tag="insight")
@login_required
def handlers_bulletin():
    """Weekly bulletin / monthly ranking of departments, property companies and staff who handled tasks (staff)."""
    from . import bulletin
    q = parse_query(BulletinQuery)
    if not q.scope:
        raise Invalid(fields={"scope": _l("This field is required.")})
    return jsonify(bulletin.handlers_bulletin(current_user, scope=q.scope, period=q.period, day=q.day))
