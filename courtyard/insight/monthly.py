"""The monthly 主动治理 project of a community (issue 12 part 3).

On the 书记办公日 the community's party committee picks, from 未诉先办's hot spots, one problem
to take up that month without waiting for a complaint. Choosing it raises a topic of the
staff's own in the courtyard where the problem is (deliberation.services.create_topic), and
invites into that topic the departments that must "answer the question"
(deliberation.moderation.invite: their staff are told, may read and answer there, badged).
When the month's work is done, staff record the outcome; the community's 公示栏 shows the
projects of the last twelve months with their outcomes.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..deliberation.models import Category, Topic
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..places.models import Community, Courtyard, Organization, OrgKind
from ..validation import Fields, parse_id
from . import permissions, rules, services
from .models import MonthlyProject

TITLE_MAX, BODY_MAX, OUTCOME_MAX = 100, 4000, 2000
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def this_month() -> str:
    return rules.month_key(rules.local_date(clock.now()))


def _month(f: Fields, value) -> str | None:
    if value in (None, ""):
        return this_month()
    if not isinstance(value, str) or not _MONTH.match(value.strip()):
        f.add("month", _l("A month as YYYY-MM."))
        return None
    month = value.strip()
    if month < rules.shift_month(this_month(), -1) or month > rules.shift_month(this_month(), 12):
        f.add("month", _l("This month, last month or within the coming year."))
        return None
    return month


def _departments(f: Fields, raw) -> list[Organization]:
    if raw in (None, "", []):
        return []
    ids = services.id_list(raw)
    found = list(db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids),
                                                                   Organization.kind == OrgKind.department))) if ids else []
    if not ids or len(found) != len(ids):
        f.add("department_ids", _l("Choose departments from the list."))
        return []
    return sorted(found, key=lambda o: ids.index(o.id))


def staff_courtyard(actor, courtyard_id) -> Courtyard:
    """The courtyard a project is chosen in, for its community's staff; NotFound for anyone else
    (a courtyard they may not run projects in need not exist for them)."""
    ident = parse_id(courtyard_id)
    courtyard = db.session.get(Courtyard, ident) if ident is not None else None
    if courtyard is None or not permissions.can_run_monthly_projects(actor, courtyard.building.community_id):
        raise NotFound()
    return courtyard


def choose(actor, courtyard: Courtyard, *, category, title, body, month=None, department_ids=()) -> MonthlyProject:
    """Make `title` the community's 主动治理 project of `month` (default: this month): a topic of
    the actor's in `courtyard`, the departments invited into it. The community's staff.
    Raises NotFound, Forbidden, Invalid, Conflict (the month already has its project)."""
    from ..deliberation import moderation
    from ..deliberation import services as topics
    community_id = courtyard.building.community_id
    if not permissions.can_run_monthly_projects(actor, community_id):
        raise Forbidden()
    f = Fields()
    month = _month(f, month)
    try:
        category = Category(category)
    except ValueError:
        f.add("category", _l("Choose a category."))
    departments = _departments(f, department_ids)
    topics.check_topic_fields(f, title=title, body=body, category=getattr(category, "value", category))
    f.check()
    if db.session.scalar(sa.select(sa.exists().where(MonthlyProject.community_id == community_id,
                                                     MonthlyProject.month == month))):
        raise Conflict(_l("This community already has its project for %(month)s.", month=month))
    topic = topics.create_topic(actor, courtyard, title=title, body=body, category=category.value)
    project = MonthlyProject(community_id=community_id, month=month, courtyard_id=courtyard.id, category=category,
                             topic_id=topic.id, created_by_id=actor.id, created_at=clock.now())
    db.session.add(project)
    db.session.commit()
    for org in departments:
        moderation.invite(actor, topic, organization_id=org.id)
    return project


def record_outcome(actor, project: MonthlyProject, *, outcome) -> MonthlyProject:
    """What the month's project achieved, for the 公示栏 (recorded again: replaced). The community's staff."""
    if not permissions.can_run_monthly_projects(actor, project.community_id):
        raise Forbidden()
    f = Fields()
    outcome = f.text("outcome", outcome, max_len=OUTCOME_MAX)
    f.check()
    project.outcome, project.outcome_at = outcome, clock.now()
    db.session.commit()
    return project


def get_project(actor, project_id) -> MonthlyProject:
    """A project its community's staff (or a reader of its board) may see; NotFound otherwise."""
    ident = parse_id(project_id)
    project = db.session.get(MonthlyProject, ident) if ident is not None else None
    if project is None or not permissions.can_view_community_boards(actor, project.community_id):
        raise NotFound()
    return project


def projects_of(actor, community: Community, *, limit: int = 12) -> list[MonthlyProject]:
    """The community's projects, the latest month first (the last `limit` months)."""
    if not permissions.can_view_community_boards(actor, community):
        raise NotFound()
    return list(db.session.scalars(sa.select(MonthlyProject).where(MonthlyProject.community_id == community.id)
                                   .order_by(MonthlyProject.month.desc()).limit(limit)))


def suggested(courtyard: Courtyard, category: str, total: int) -> dict:
    """The form's first values when a hot spot (a courtyard, a category, its topics) is taken up."""
    from ..deliberation.models import CATEGORY_LABELS
    code = category if category in {c.value for c in Category} else Category.other.value
    label, name = str(CATEGORY_LABELS[Category(code)]), courtyard.building.name
    return {"category": code, "month": this_month(), "department_ids": [],
            "title": _("主动治理: %(label)s in %(courtyard)s", label=label, courtyard=name)[:TITLE_MAX],
            "body": _("主动治理 project of the month: %(label)s came up %(n)s times in %(courtyard)s in recent months. "
                      "The departments concerned are invited to answer here, and the community will report the "
                      "outcome on the notice board.", label=label, n=total, courtyard=name)}


def project_json(p: MonthlyProject) -> dict:
    topic: Topic = p.topic
    return {"id": p.id, "community_id": p.community_id, "month": p.month, "courtyard_id": p.courtyard_id,
            "category": p.category.value, "topic": {"id": topic.id, "title": topic.title, "status": topic.status.value},
            "outcome": p.outcome, "outcome_at": p.outcome_at.isoformat() if p.outcome_at else None,
            "created_at": p.created_at.isoformat()}
