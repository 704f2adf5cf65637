"""Insight pages: the dashboard, 未诉先办, and the community's 物业服务质量榜, 公示栏 and 曝光台.

Server-rendered with SVG charts and a table of the same numbers beside each chart; the
pages read without JavaScript (static/js/dashboard.js only submits the scope picker on
change and shows a bar's numbers on tap).
"""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, Forbidden, Invalid, NotFound
from ..extensions import talisman
from . import charts, permissions, recurring, rules, services

bp = Blueprint("insight", __name__)

WINDOW_PRESETS = (3, 6, 12)  # months
RECURRING_SHOWN = 20         # the page lists the most frequent; the API returns every one


@bp.app_template_global()
def insight_nav() -> dict:
    """Which Insight links the layout offers the current user."""
    if not current_user.is_authenticated:
        return {}
    return {"dashboard": permissions.can_use_dashboard(current_user),
            "boards": permissions.can_see_boards(current_user)}


@bp.app_template_global()
def courtyard_figures_url(courtyard) -> str | None:
    """The courtyard's dashboard, for those who may read its figures (its secretary, the community's staff)."""
    from .queries import Scope
    scope = Scope("courtyard", courtyard.id, courtyard.name, courtyard.building.community_id)
    if not current_user.is_authenticated or not permissions.can_read_scope(current_user, scope):
        return None
    return url_for("insight.dashboard", scope=scope.key)


@bp.app_template_filter("pct")
def pct(rate) -> str:
    """A rate as a percentage (82.5%), or a dash without data."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}%"


@bp.app_template_filter("hours")
def hours(value) -> str:
    if value is None:
        return "—"
    return _("%(h)s h", h=f"{value:.1f}")


@bp.app_template_filter("signed")
def signed(change) -> str:
    """A change as +3 (+25.0%) / −2 (−10.0%) / +3 (from none)."""
    if change is None:
        return "—"
    delta = change["delta"]
    text = f"{delta:+d}".replace("-", "−")
    if change["ratio"] is None:
        from_none = _("from none")
        return text if delta == 0 else f"{text} ({from_none})"
    return f"{text} ({change['ratio'] * 100:+.1f}%)".replace("-", "−")


def _window_or_default(errors: dict) -> rules.Window:
    try:
        return services.window_from(request.args.get("from"), request.args.get("to"))
    except Invalid as err:
        errors.update({k: str(v) for k, v in err.fields.items()})
        return rules.default_window(services.today())


def _presets(scope_key: str, endpoint: str) -> list[dict]:
    today = services.today()
    out = []
    for months in WINDOW_PRESETS:
        start = rules.add_months(today.replace(day=1), -(months - 1))
        out.append({"label": _("%(n)s months", n=months),
                    "url": url_for(endpoint, scope=scope_key, **{"from": start.isoformat(), "to": today.isoformat()})})
    return out


def _scope_for_page(staff_only: bool):
    scopes = permissions.readable_scopes(current_user)
    raw = request.args.get("scope") or (scopes[0].key if scopes else None)
    if raw is None:
        raise Forbidden()
    try:
        return services.scope_of(current_user, raw, staff_only=staff_only), scopes
    except Invalid:
        raise NotFound()


@bp.get("/insight")
@login_required
def dashboard():
    """The dashboard of 接诉即办: volume, categories, the three rates, time to resolve, overdue, escalated."""
    scope, scopes = _scope_for_page(staff_only=False)
    errors: dict = {}
    window = _window_or_default(errors)
    data = services.figures(scope, window)
    staff = permissions.can_use_staff_tools(current_user, scope)
    query = {"scope": scope.key, "from": window.start.isoformat(), "to": window.end.isoformat()}
    return render_template(
        "insight/dashboard.html", data=data, scope=scope, scopes=scopes, window=window, errors=errors,
        presets=_presets(scope.key, "insight.dashboard"), staff=staff,
        volume_chart=charts.month_bars(data["by_month"]),
        categories=charts.share_bars(data["by_category"], "topics"), bar_pct=charts.pct,
        classes=charts.share_bars(data["by_class"], "topics"),
        exports=_export_links(query) if staff else [],
        foresight_url=url_for("insight.foresight", **query) if staff else None)


def _export_links(query: dict) -> list[dict]:
    base = url_for("api.exports")
    return [{"label": label, "url": f"{base}?{urlencode({**query, **extra})}"} for label, extra in (
        (_("Topics (CSV)"), {"what": "topics"}), (_("Tasks (CSV)"), {"what": "tasks"}),
        (_("Figures (CSV)"), {"what": "figures"}), (_("Everything (Excel)"), {"format": "xlsx"}))]


@bp.get("/insight/foresight")
@login_required
def foresight():
    """未诉先办: hot spots, recurring problems (with the one-step action), seasonal patterns."""
    scope, scopes = _scope_for_page(staff_only=True)
    scopes = [s for s in scopes if permissions.can_use_staff_tools(current_user, s)]
    errors: dict = {}
    window = _window_or_default(errors)
    params = {k: request.args.get(k) for k in ("k", "days", "threshold")}
    _p, problems = recurring.check_parameters(params["k"], params["days"], params["threshold"])
    if problems:
        errors.update({k: str(services.PARAMETER_MESSAGES[k]) for k in problems})
        params = {"k": None, "days": None, "threshold": None}
    figures = services.foresight_of(scope, window, **params)
    found, spots = figures["recurring"], figures["hot_spots"]
    return render_template(
        "insight/foresight.html", scope=scope, scopes=scopes, window=window, errors=errors,
        presets=_presets(scope.key, "insight.foresight"), recurring=found, spots=spots,
        seasonal=figures["seasonal"], by_class=figures["by_class"],
        spot_top=max([max(c["by_month"]) for c in spots["cells"]] + [1]), shown=RECURRING_SHOWN,
        can_act=_can_act_in({p["courtyard_id"] for p in found["problems"][:RECURRING_SHOWN]}))


def _can_act_in(courtyard_ids: set[int]):
    """can_act(courtyard_id) for the page: the courtyards shown (and their buildings) in one query."""
    import sqlalchemy as sa
    from sqlalchemy.orm import joinedload

    from ..extensions import db
    from ..places.models import Courtyard
    courtyards = {c.id: c for c in db.session.scalars(
        sa.select(Courtyard).where(Courtyard.id.in_(courtyard_ids)).options(joinedload(Courtyard.building)))
        } if courtyard_ids else {}

    def can_act(courtyard_id: int) -> bool:
        courtyard = courtyards.get(courtyard_id)
        return courtyard is not None and permissions.can_act_on_recurring(current_user, courtyard)
    return can_act


@bp.post("/insight/foresight/act")
@login_required
def act():
    """Turn a recurring problem into a proactive topic (and task) in one step."""
    back = request.form.get("back") or url_for("insight.foresight")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("insight.foresight")
    try:
        action, topic, task = services.act_on_recurring(
            current_user, topic_ids=request.form.get("topic_ids", ""), make_task=request.form.get("make_task"),
            title=request.form.get("title"))
    except (Invalid, DomainError) as err:
        if isinstance(err, (NotFound, Forbidden)):
            raise
        message = "; ".join(str(v) for v in err.fields.values()) if err.fields else str(err.message)
        flash(message, "error")
        return redirect(back)
    if task is not None:
        flash(_("A proactive topic was raised and a task was sent to %(org)s.", org=task.assignee_org.name), "success")
    else:
        flash(_("A proactive topic was raised."), "success")
    return redirect(url_for("deliberation.topic", topic_id=topic.id))


# --- the community's boards ---------------------------------------------------------------

@bp.get("/boards")
@login_required
def boards():
    """The communities whose 质量榜, 公示栏 and 曝光台 the user may see."""
    from ..extensions import db
    communities = list(db.session.scalars(permissions.board_communities(current_user)))
    if len(communities) == 1:
        return redirect(url_for("insight.board", community_id=communities[0].id))
    return render_template("insight/boards.html", communities=communities)


@bp.get("/communities/<int:community_id>/ranking")
@login_required
def ranking(community_id):
    """物业服务质量榜: property companies and buildings ranked, with the tasks behind each figure."""
    community = services.get_community_for_boards(current_user, community_id)
    errors: dict = {}
    window = _window_or_default(errors)
    sort = request.args.get("sort")
    if sort not in rules.RANK_KEYS:
        sort = None
    data = services.ranking(current_user, community, date_from=window.start.isoformat(),
                            date_to=window.end.isoformat(), sort=sort)
    return render_template("insight/ranking.html", community=community, data=data, window=window, errors=errors,
                           bar_pct=charts.pct, sorts=_sort_links(community, window))


def _sort_links(community, window) -> list[dict]:
    labels = {"on_time_rate": _("On time"), "satisfaction_rate": _("Satisfaction"),
              "reopen_rate": _("Fewest reopened"), "avg_hours_to_resolve": _("Fastest")}
    return [{"key": k, "label": labels[k],
             "url": url_for("insight.ranking", community_id=community.id, sort=k,
                            **{"from": window.start.isoformat(), "to": window.end.isoformat()})}
            for k in rules.RANK_KEYS]


@bp.get("/communities/<int:community_id>/board")
@login_required
def board(community_id):
    """公示栏: what the community decided and what was done, with photos before and after, and ratings."""
    from . import monthly
    community = services.get_community_for_boards(current_user, community_id)
    return render_template("insight/board.html", community=community,
                           data=services.board(current_user, community),
                           projects=monthly.projects_of(current_user, community), can_record=False)


@bp.get("/communities/<int:community_id>/exposure")
@login_required
def exposure(community_id):
    """曝光台: overdue tasks by organization, with each organization's latest reply."""
    community = services.get_community_for_boards(current_user, community_id)
    return render_template("insight/exposure.html", community=community,
                           data=services.exposure(current_user, community))


@bp.get("/communities/<int:community_id>/board/photos/<int:upload_id>")
@talisman(content_security_policy="default-src 'none'; sandbox")
@login_required
def board_photo(community_id, upload_id):
    """A photo of an item on the community's 公示栏 (a decided or resolved topic, or the finished work)."""
    from ..uploads import services as uploads
    community = services.get_community_for_boards(current_user, community_id)
    if not services.is_board_photo(community, upload_id):
        raise NotFound()
    upload = uploads.get_upload(upload_id)
    path = uploads.path_of(upload)
    if not path.is_file():
        raise NotFound()
    resp = send_file(path, mimetype=upload.content_type, conditional=True, etag=True, max_age=24 * 3600)
    resp.cache_control.public = False
    resp.cache_control.private = True
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    resp.vary.add("Cookie")
    return resp


# --- the monthly 主动治理 project (monthly.py) ------------------------------------------------

@bp.get("/communities/<int:community_id>/monthly-projects")
@login_required
def monthly_projects(community_id):
    """The community's 主动治理 projects, month by month, with their outcomes (staff record them here)."""
    from . import monthly
    community = services.get_community_for_boards(current_user, community_id)
    return render_template("insight/monthly.html", community=community,
                           projects=monthly.projects_of(current_user, community),
                           can_record=permissions.can_run_monthly_projects(current_user, community.id))


def _staff_courtyard(courtyard_id):
    from . import monthly
    courtyard = monthly.staff_courtyard(current_user, courtyard_id)
    return courtyard, courtyard.building.community


def _monthly_form(community, courtyard, values: dict, errors: dict, status: int = 200):
    import sqlalchemy as sa

    from ..deliberation.models import CATEGORY_LABELS
    from ..extensions import db
    from ..places.models import Organization, OrgKind
    from . import monthly
    departments = list(db.session.scalars(sa.select(Organization).where(Organization.kind == OrgKind.department)
                                          .order_by(Organization.name)))
    return render_template("insight/monthly_new.html", community=community, courtyard=courtyard, values=values,
                           errors=errors, departments=departments, categories=CATEGORY_LABELS,
                           month=monthly.this_month()), status


@bp.get("/monthly-projects/new")
@login_required
def new_monthly_project():
    """书记办公日: take up a hot spot as this month's 主动治理 project (prefilled from 未诉先办)."""
    from . import monthly
    courtyard, community = _staff_courtyard(request.args.get("courtyard_id"))
    values = monthly.suggested(courtyard, request.args.get("category"), request.args.get("total", type=int) or 0)
    return _monthly_form(community, courtyard, values, {})


@bp.post("/monthly-projects")
@login_required
def create_monthly_project():
    from ..errors import Conflict
    from . import monthly
    courtyard, community = _staff_courtyard(request.form.get("courtyard_id"))
    values = {"category": request.form.get("category"), "title": request.form.get("title"),
              "body": request.form.get("body"), "month": request.form.get("month"),
              "department_ids": request.form.getlist("department_ids")}
    try:
        project = monthly.choose(current_user, courtyard, **values)
    except Invalid as err:
        return _monthly_form(community, courtyard, values, {k: str(v) for k, v in err.fields.items()}, 422)
    except Conflict as err:
        return _monthly_form(community, courtyard, values, {"month": str(err.message)}, 409)
    flash(_("This month's project is up; the departments you chose were invited to answer."), "success")
    return redirect(url_for("deliberation.topic", topic_id=project.topic_id))


@bp.post("/monthly-projects/<int:project_id>/outcome")
@login_required
def record_monthly_outcome(project_id):
    from . import monthly
    project = monthly.get_project(current_user, project_id)
    try:
        monthly.record_outcome(current_user, project, outcome=request.form.get("outcome"))
    except Invalid as err:
        flash("; ".join(str(v) for v in err.fields.values()), "error")
    else:
        flash(_("The outcome is on the notice board."), "success")
    return redirect(url_for("insight.monthly_projects", community_id=project.community_id))


# --- the handlers' bulletin (bulletin.py) ---------------------------------------------------

@bp.get("/insight/bulletin")
@login_required
def handlers_bulletin():
    """Weekly bulletin and monthly ranking of the departments, property companies and staff who handled tasks."""
    from . import bulletin
    scope, scopes = _scope_for_page(staff_only=True)
    scopes = [s for s in scopes if permissions.can_use_staff_tools(current_user, s)]
    period = request.args.get("period") if request.args.get("period") in bulletin.PERIODS else "week"
    errors: dict = {}
    try:
        data = bulletin.handlers_bulletin(current_user, scope=scope.key, period=period, day=request.args.get("day"))
    except Invalid as err:
        errors = {k: str(v) for k, v in err.fields.items()}
        data = bulletin.handlers_bulletin(current_user, scope=scope.key, period=period)
    start = date.fromisoformat(data["window"]["from"])
    step = 7 if period == "week" else 31
    earlier = (start - timedelta(days=1)).isoformat()
    later_day = start + timedelta(days=step)
    later = later_day.isoformat() if later_day <= services.today() else None
    return render_template("insight/bulletin.html", data=data, scope=scope, scopes=scopes, period=period,
                           errors=errors, earlier=earlier, later=later)
