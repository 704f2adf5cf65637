"""Exports of a scope and window: topics, tasks and figures as CSV (UTF-8 with a BOM, so that
Excel reads the Chinese right) or all three as an Excel workbook (openpyxl).

Staff only (permissions.can_export). No one's vote is in any export: ballots are not
exported at all, secret or not; nor are phone numbers. Text that a spreadsheet would take
for a formula (=, +, -, @ first) is prefixed with an apostrophe.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..clock import LOCAL_TZ
from ..deliberation.models import CATEGORY_LABELS, STATUS_LABELS, Topic
from ..errors import Invalid
from ..extensions import db
from ..places.models import Building, Community, Courtyard, Organization
from ..tasks import rules as task_rules
from ..tasks.payloads import LEVEL_LABELS
from ..tasks.payloads import STATUS_LABELS as TASK_STATUS_LABELS
from ..tasks.models import Task, TaskRating, TaskStatus, TaskUpdate, UpdateKind
from . import queries, rules, services

WHAT = ("topics", "tasks", "figures")
FORMATS = ("csv", "xlsx")
MAX_ROWS = 200_000  # a year of the whole street is about a tenth of this
CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    t = moment.astimezone(LOCAL_TZ)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def safe_cell(value):
    """A value a spreadsheet shows as it is: text starting with = + - @ (or a tab, CR) becomes '…'."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _words(labels: dict) -> dict:
    """Labels translated once per export, not once per row (gettext is most of an export's time)."""
    return {key: str(label) for key, label in labels.items()}


def topic_rows(scope: queries.Scope, window: rules.Window) -> tuple[list[str], list[list]]:
    start, end = window.utc()
    q = (sa.select(Topic.id, Topic.created_at, Community.name, Building.name, Topic.category, Topic.status,
                   Topic.title, Topic.support_count, Topic.message_count,
                   sa.case((queries.residents_topic(), 1), else_=0), queries.first_official_reply_at())
         .join(Courtyard, Courtyard.id == Topic.courtyard_id).join(Building, Building.id == Courtyard.building_id)
         .join(Community, Community.id == Building.community_id)
         .where(queries.topic_in(scope), Topic.created_at >= start, Topic.created_at < end)
         .order_by(Topic.created_at, Topic.id).limit(MAX_ROWS))
    header = [_("Topic"), _("Raised at"), _("Community"), _("Building"), _("Category"), _("Status"), _("Title"),
              _("Also affected"), _("Messages"), _("Raised by a resident"), _("First official reply"),
              _("Hours to first reply")]
    rows = []
    categories, statuses, yes = _words(CATEGORY_LABELS), _words(STATUS_LABELS), {True: _yes(True), False: _yes(False)}
    for tid, created, community, building, category, status, title, support, messages, appeal, first in db.session.execute(q):
        first = _as_datetime(first)
        hours = round((first - created).total_seconds() / 3600, 1) if first is not None else ""
        rows.append([tid, _local(created), community, building, categories[category], statuses[status], title,
                     support, messages, yes[bool(appeal)], _local(first), hours if appeal else ""])
    return header, rows


def _as_datetime(value):
    """min(created_at) comes back as text on SQLite: read it as the UTC it was stored in."""
    if value is None or isinstance(value, datetime):
        return value
    from datetime import timezone
    return datetime.fromisoformat(str(value)).replace(tzinfo=timezone.utc)


def _local_us(us: int | None) -> str:
    return _local(queries.from_epoch_us(us))


def _codes(labels: dict) -> dict:
    """Labels translated once per export, keyed by the code the database returns."""
    return {getattr(key, "value", key): str(label) for key, label in labels.items()}


def task_rows(scope: queries.Scope, window: rules.Window, now: datetime) -> tuple[list[str], list[list]]:
    """The window's tasks: Core rows of plain values (codes, integer timestamps), not ORM objects,
    and the ratings counted in one more query (8,600 tasks for the street's year)."""
    start, end = window.utc()
    reopened = sa.exists(sa.select(TaskUpdate.id).where(TaskUpdate.task_id == Task.id,
                                                       TaskUpdate.kind == UpdateKind.reopened))
    us = queries.epoch_us
    q = (sa.select(Task.id, Task.topic_id, us(Task.created_at), Community.name, Building.name, Organization.name,
                   sa.type_coerce(Task.category, sa.String), sa.type_coerce(Task.status, sa.String), Task.title,
                   us(Task.due_at), us(Task.done_at), us(Task.verified_at), Task.escalation_level,
                   sa.case((reopened, 1), else_=0))
         .join(Courtyard, Courtyard.id == Task.courtyard_id).join(Building, Building.id == Courtyard.building_id)
         .join(Community, Community.id == Building.community_id)
         .join(Organization, Organization.id == Task.assignee_org_id)
         .where(queries.task_in(scope), Task.created_at >= start, Task.created_at < end)
         .order_by(Task.created_at, Task.id).limit(MAX_ROWS))
    found = db.session.execute(q).all()
    ratings: dict[int, dict[str, int]] = {}
    ids = [row[0] for row in found]
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        for task_id, score, n in db.session.execute(
                sa.select(TaskRating.task_id, sa.type_coerce(TaskRating.score, sa.String), sa.func.count())
                .where(TaskRating.task_id.in_(chunk)).group_by(TaskRating.task_id, TaskRating.score)):
            ratings.setdefault(task_id, {})[score] = int(n)
    header = [_("Task"), _("Topic"), _("Created at"), _("Community"), _("Building"), _("Organization"),
              _("Category"), _("Status"), _("Title"), _("Due"), _("Done at"), _("Verified at"), _("Overdue now"),
              _("Done on time"), _("Escalation level"), _("Reopened"), _("Hours to resolve"), _("Satisfied"),
              _("Basically satisfied"), _("Unsatisfied")]
    rows = []
    categories, statuses, levels = _codes(CATEGORY_LABELS), _codes(TASK_STATUS_LABELS), _words(LEVEL_LABELS)
    yes = {True: _yes(True), False: _yes(False)}
    finished_states = (TaskStatus.done.value, TaskStatus.verified.value)
    at = queries.from_epoch_us
    for (tid, topic_id, created, community, building, org, category, status, title, due, done, verified, level,
         was_reopened) in found:
        due_at = at(due)
        on_time = yes[done <= due] if status in finished_states and done is not None else ""
        hours = round((verified - created) / 1_000_000 / 3600, 1) if verified is not None else ""
        r = ratings.get(tid, {})
        rows.append([tid, topic_id, _local_us(created), community, building, org,
                     categories[category], statuses[status], title, _local(due_at),
                     _local_us(done), _local_us(verified),
                     yes[bool(task_rules.is_overdue(status, due_at, now))], on_time,
                     levels.get(level, str(level)),
                     yes[bool(was_reopened)], hours, r.get("satisfied", 0), r.get("basically_satisfied", 0),
                     r.get("unsatisfied", 0)])
    return header, rows


FIGURE_NAMES = {
    "resolution_rate": _l("Resolution rate"), "satisfaction_rate": _l("Satisfaction rate"),
    "response_rate": _l("Response rate"), "avg_hours_to_first_response": _l("Hours to first reply (mean)"),
    "avg_hours_to_resolve": _l("Hours to resolve (mean)"), "on_time_rate": _l("On-time rate"),
    "reopen_rate": _l("Reopen rate"),
}


def figure_rows(data: dict) -> tuple[list[str], list[list]]:
    header = [_("Section"), _("Item"), _("Value"), _("Numerator"), _("Denominator"), _("Formula")]
    rows = [[_("Totals"), _("Topics"), data["topics"], "", "", ""],
            [_("Totals"), _("Tasks"), data["tasks"], "", "", ""],
            [_("Totals"), _("Resolved"), data["resolved"], "", "", ""],
            [_("Totals"), _("Overdue now"), data["overdue"], "", "", ""],
            [_("Totals"), _("Escalated"), data["escalated"], "", "", ""]]
    for key, f in data["figures"].items():  # a file for people: rounded as on the pages (hours: one place)
        hours = key.startswith("avg_hours")
        rows.append([_("Rates"), str(FIGURE_NAMES[key]), _blank(rules.rounded(f["value"], 1 if hours else 4)),
                     rules.rounded(f["numerator"], 1) if hours else f["numerator"], f["denominator"], f["formula"]])
    for m in data["by_month"]:
        rows.append([_("By month"), m["month"], m["topics"], "", "", _("topics")])
        rows.append([_("By month"), m["month"], _blank(rules.rounded(m["resolution_rate"])), m["resolved"], m["tasks"],
                     str(services.FORMULAS["resolution_rate"])])
    for c in data["by_category"]:
        rows.append([_("By category"), c["label"], c["topics"], "", "", _("topics")])
        rows.append([_("By category"), c["label"], _blank(rules.rounded(c["resolution_rate"])), c["resolved"],
                     c["tasks"],
                     str(services.FORMULAS["resolution_rate"])])
    for p in data["property_ranking"]:
        rows.append([_("Property ranking"), p["name"], _blank(rules.rounded(p["on_time_rate"])),
                     p["on_time"]["numerator"],
                     p["on_time"]["denominator"], str(services.FORMULAS["on_time_rate"])])
    return header, rows


def _blank(value):
    return "" if value is None else value


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        ws.append(header)
        for row in rows:
            ws.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build(actor, *, scope, date_from=None, date_to=None, what=None, fmt=None) -> tuple[str, str, bytes]:
    """(file name, MIME type, bytes) of an export. Raises Invalid, NotFound, Forbidden."""
    problems = {}
    what = what or "topics"
    fmt = fmt or "csv"
    if what not in WHAT:
        problems["what"] = _l("Not one of the allowed values.")
    if fmt not in FORMATS:
        problems["format"] = _l("Not one of the allowed values.")
    if problems:
        raise Invalid(fields=problems)
    window = services.window_from(date_from, date_to)
    sc = services.scope_of(actor, scope, staff_only=True)
    from .. import clock
    now = clock.now()
    stem = f"courtyard-{sc.key.replace(':', '-')}-{window.start.isoformat()}-{window.end.isoformat()}"
    if fmt == "xlsx":
        sheets = [(_("Topics"), *topic_rows(sc, window)), (_("Tasks"), *task_rows(sc, window, now)),
                  (_("Figures"), *figure_rows(services.figures(sc, window)))]
        return f"{stem}.xlsx", XLSX_MIME, to_xlsx(sheets)
    if what == "topics":
        header, rows = topic_rows(sc, window)
    elif what == "tasks":
        header, rows = task_rows(sc, window, now)
    else:
        header, rows = figure_rows(services.figures(sc, window))
    return f"{stem}-{what}.csv", CSV_MIME, to_csv(header, rows)
