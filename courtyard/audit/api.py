"""GET /api/v1/audit: the append-only log for street administrators."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from ..api.core import Body, bp, doc, login_required, paginate, parse_query, require
from . import permissions, services
from .schemas import AUDIT_PARAMS, AuditEntryOut


class AuditQuery(Body):
    actor_id: str | None = None
    action: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    courtyard_id: str | None = None
    since: str | None = None
    until: str | None = None


@bp.get("/audit")
@doc(query=AuditQuery, params=AUDIT_PARAMS, response=AuditEntryOut, paginated=True, errors=(403,), tag="audit")
@login_required
def list_audit():
    """The append-only audit log, newest first, filtered by actor, action, subject and date range
    (street administrators)."""
    require(permissions.can_read_audit(current_user))
    q = parse_query(AuditQuery)
    select = services.search(actor_id=q.actor_id, action=q.action, subject_type=q.subject_type,
                             subject_id=q.subject_id, courtyard_id=q.courtyard_id, since=q.since, until=q.until)
    return jsonify(paginate(select, services.entry_json))

