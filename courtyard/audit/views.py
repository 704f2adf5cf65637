"""The /audit page: the log with filters, for street administrators."""
from __future__ import annotations

from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.models import User
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..pagination import page_of
from ..validation import parse_id
from ..places.models import Organization
from ..timefmt import when_stored
from . import permissions, services, words

bp = Blueprint("audit", __name__)
PAGE_SIZE = 50


@bp.app_context_processor
def audit_nav() -> dict:
    """Whether the layout offers the audit log."""
    if not current_user.is_authenticated:
        return {}
    return {"audit_nav": permissions.can_read_audit(current_user)}


@bp.app_template_filter("audit_action")
def audit_action(code: str) -> str:
    """An action code in the reader's words (words.ACTIONS)."""
    return words.action_label(code)


@bp.app_template_filter("audit_subject")
def audit_subject(kind: str) -> str:
    return words.subject_label(kind)


@bp.get("/audit")
@login_required
def index():
    """The audit log with filters: who, what, which thing, which days (street administrators)."""
    if not permissions.can_read_audit(current_user):
        raise Forbidden()
    args = {k: (request.args.get(k) or "").strip() for k in ("actor", "action", "subject_type", "subject_id",
                                                             "since", "until")}
    actor_id, error = None, None
    if args["actor"]:
        actor = db.session.scalar(sa.select(User).where(User.login == args["actor"][:64]))
        actor_id = actor.id if actor else (parse_id(args["actor"]) or -1)  # a login, else an id
    try:
        select = services.search(actor_id=actor_id, action=args["action"] or None,
                              subject_type=args["subject_type"] or None, subject_id=args["subject_id"] or None,
                              since=args["since"] or None, until=args["until"] or None)
    except Invalid as err:
        error = err.fields
        select = services.search()
    paging = page_of(select, PAGE_SIZE)
    entries = paging.items
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_({e.actor_id for e in entries if e.actor_id} or {-1})))}

    def link(**changes) -> str:
        params = {**args, **changes}
        clean = {k: v for k, v in params.items() if v}
        return url_for("audit.index") + ("?" + urlencode(clean) if clean else "")

    mentioned = {e.data.get(k) for e in entries if e.data for k in ("user_id", "voter_id")} - {None}
    people.update({u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(mentioned or {-1})))})
    org_ids = {e.data.get(k) for e in entries if e.data for k in ("assignee_org_id", "organization_id")} - {None}
    orgs = {o.id: o.name for o in db.session.scalars(sa.select(Organization).where(
        Organization.id.in_(org_ids or {-1})))}

    def details(entry) -> list[str]:
        return words.details(entry, when=when_stored,
                             person=lambda i: people[i].display_name if i in people else f"#{i}",
                             organization=lambda i: orgs.get(i, f"#{i}"))

    return render_template("audit/index.html", entries=entries, people=people, args=args, error=error, details=details,
                           subject_types=list(words.SUBJECTS),
                           actions=services.actions(), total=paging.total, paging=paging, link=link)
