"""JSON routes: emergency notices and their timeline, household flags, the door-to-door checklist."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from ..api.core import Body, bp, doc, login_required, paginate, parse_body, parse_query
from ..api.schemas import items_of
from ..places import services as places
from . import payloads, services
from .schemas import NOTICE_PARAMS, ChecklistOut, FlaggedHouseholdOut, NoticeOut, VisitOut


class NoticeBody(Body):
    kind: str | None = None
    title: str | None = None
    body: str | None = None
    courtyard_ids: list[int] | None = None
    expected_end_at: str | None = None


class NoticeQuery(Body):
    status: str | None = None
    courtyard_id: str | None = None


class NoticeUpdateBody(Body):
    text: str | None = None
    expected_end_at: str | None = None


class NoticeResolveBody(Body):
    text: str | None = None


class FlagsBody(Body):
    kinds: list[str]
    note: str | None = None


class VisitBody(Body):
    unit_id: int | None = None
    outcome: str | None = None
    note: str | None = None


def _notice(notice, status: int = 200):
    return jsonify(payloads.notice_json(notice)), status


@bp.post("/communities/<int:community_id>/notices")
@doc(body=NoticeBody, response=NoticeOut, status=201, errors=(403,), tag="emergencies")
@login_required
def create_notice(community_id):
    """Post an emergency notice (停水/停暖/停电…) to chosen courtyards of the community (its staff)."""
    community = services.community_of(current_user, community_id)
    body = parse_body(NoticeBody)
    notice = services.create_notice(current_user, community, kind=body.kind, title=body.title, body=body.body,
                                    courtyard_ids=body.courtyard_ids, expected_end_at=body.expected_end_at)
    return _notice(notice, 201)


@bp.get("/notices")
@doc(query=NoticeQuery, params=NOTICE_PARAMS, response=NoticeOut, paginated=True, tag="emergencies")
@login_required
def list_notices():
    """Notices the caller may read, active ones first; filter by status or courtyard."""
    q = parse_query(NoticeQuery)
    return jsonify(paginate(services.notices_for(current_user, status=q.status, courtyard_id=q.courtyard_id),
                            payloads.notice_json))


@bp.get("/notices/<int:notice_id>")
@doc(response=NoticeOut, tag="emergencies")
@login_required
def get_notice(notice_id):
    """A notice with its timeline."""
    return _notice(services.get_notice(current_user, notice_id))


@bp.post("/notices/<int:notice_id>/updates")
@doc(body=NoticeUpdateBody, response=NoticeOut, status=201, errors=(403, 409), tag="emergencies")
@login_required
def add_update(notice_id):
    """A progress update on an active notice (its community's staff): the notice with its timeline."""
    notice = services.get_notice(current_user, notice_id)
    body = parse_body(NoticeUpdateBody)
    services.add_update(current_user, notice, text=body.text, expected_end_at=body.expected_end_at)
    return _notice(notice, 201)


@bp.post("/notices/<int:notice_id>/resolve")
@doc(body=NoticeResolveBody, response=NoticeOut, errors=(403, 409), tag="emergencies")
@login_required
def resolve_notice(notice_id):
    """Resolve a notice, with an optional closing word (its community's staff)."""
    notice = services.get_notice(current_user, notice_id)
    body = parse_body(NoticeResolveBody)
    return _notice(services.resolve_notice(current_user, notice, text=body.text))


@bp.get("/notices/<int:notice_id>/checklist")
@doc(response=ChecklistOut, errors=(403,), tag="emergencies")
@login_required
def checklist(notice_id):
    """The flagged households of the notice's courtyards, each with its visit (staff, building leads)."""
    notice = services.get_notice(current_user, notice_id)
    rows = services.checklist(current_user, notice)
    return jsonify({
        "notice_id": notice.id, "status": notice.status.value, "counts": services.checklist_counts(rows),
        "items": [{"unit": payloads.unit_json(r["unit"]),
                   "courtyard": {"id": r["courtyard"].id, "name": r["courtyard"].name},
                   "flags": [payloads.flag_json(f) for f in r["flags"]],
                   "visit": payloads.visit_json(r["visit"]) if r["visit"] else None} for r in rows],
    })


@bp.post("/notices/<int:notice_id>/visits")
@doc(body=VisitBody, response=VisitOut, status=201, also=(200,), errors=(403, 409), tag="emergencies")
@login_required
def record_visit(notice_id):
    """Tick a household of the checklist (敲门): outcome and note; 200 when it replaces an earlier tick."""
    notice = services.get_notice(current_user, notice_id)
    body = parse_body(VisitBody)
    visit, created = services.record_visit(current_user, notice, unit_id=body.unit_id, outcome=body.outcome,
                                           note=body.note)
    return jsonify(payloads.visit_json(visit)), 201 if created else 200


@bp.get("/courtyards/<int:courtyard_id>/households")
@doc(response=items_of(FlaggedHouseholdOut), errors=(403,), tag="emergencies")
@login_required
def households(courtyard_id):
    """Every flat of the courtyard with its flags (独居/空巢/行动不便): staff, building leads, secretary."""
    courtyard = places.courtyard_for(current_user, courtyard_id)
    return jsonify({"items": [payloads.household_json(u, flags)
                              for u, flags in services.households(current_user, courtyard)]})


@bp.put("/units/<int:unit_id>/flags")
@doc(body=FlagsBody, response=FlaggedHouseholdOut, errors=(403,), tag="emergencies")
@login_required
def set_flags(unit_id):
    """Set which flags hold for a flat (an empty list clears them), with a note."""
    unit = services.get_unit(current_user, unit_id)
    body = parse_body(FlagsBody)
    flags = services.set_household_flags(current_user, unit, kinds=body.kinds, note=body.note)
    return jsonify(payloads.household_json(unit, flags))
