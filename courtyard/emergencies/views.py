"""Emergency pages: the notices list and posting (community staff), a notice with its live
timeline, the door-to-door checklist (staff, building leads), the household flags of a
courtyard; and the blocks the courtyard home and the 公示栏 include.

Every page works without JavaScript (plain forms); static/js/notice.js redraws a notice's
timeline when `notice.updated` arrives.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..errors import DomainError, Invalid
from ..extensions import db
from ..pagination import page_of
from ..places import services as places
from ..places.models import Courtyard
from . import permissions, services
from .models import (FLAG_LABELS, KIND_LABELS, OUTCOME_LABELS, STATUS_LABELS, FlagKind, NoticeKind, NoticeStatus,
                     NoticeUpdateKind, VisitOutcome)

bp = Blueprint("emergencies", __name__)

PAGE_SIZE = 20
STEP_LABELS = {NoticeUpdateKind.posted: _l("Posted"), NoticeUpdateKind.update: _l("Update"),
               NoticeUpdateKind.resolved: _l("Resolved")}


# --- template helpers ----------------------------------------------------------------------

@bp.app_template_global()
def notice_kinds() -> list:
    """Every kind of notice, for the labels a page gives its live cards."""
    return list(NoticeKind)


@bp.app_template_filter("notice_kind_label")
def notice_kind_label(kind) -> str:
    return str(KIND_LABELS[NoticeKind(kind)])


@bp.app_template_filter("notice_status_label")
def notice_status_label(status) -> str:
    return str(STATUS_LABELS[NoticeStatus(status)])


@bp.app_template_filter("notice_step_label")
def notice_step_label(kind) -> str:
    return str(STEP_LABELS[NoticeUpdateKind(kind)])


@bp.app_template_filter("flag_label")
def flag_label(kind) -> str:
    return str(FLAG_LABELS[FlagKind(kind)])


@bp.app_template_filter("outcome_label")
def outcome_label(outcome) -> str:
    return str(OUTCOME_LABELS[VisitOutcome(outcome)])


@bp.app_template_global()
def emergency_nav() -> dict:
    """Which emergency links the layout offers the current user."""
    if not current_user.is_authenticated:
        return {}
    return {"notices": permissions.can_use_notices(current_user),
            "households": permissions.can_use_flags(current_user)}


@bp.app_template_global()
def courtyard_notices(courtyard) -> dict:
    """What the courtyard's home shows: its active notices (pinned at the top), and for those
    who keep them the link to its households."""
    return {"active": services.active_notices_of(current_user, courtyard),
            "keeps_flags": permissions.can_keep_flags(current_user, courtyard)}


@bp.app_template_global()
def board_notices(community) -> list:
    """The 公示栏's emergency notices, with their timelines."""
    return services.board_notices(current_user, community.id)


def _errors(err: DomainError) -> dict:
    return {k: str(v) for k, v in getattr(err, "fields", {}).items()} if isinstance(err, Invalid) else {}


# --- notices -------------------------------------------------------------------------------

@bp.get("/notices")
@login_required
def notices():
    """Emergency notices I may read, active ones first; staff post new ones from here."""
    page = page_of(services.notices_for(current_user), per_page=PAGE_SIZE)
    return render_template("emergencies/notices.html", page=page,
                           can_post=bool(services.courtyards_to_notify(current_user)))


def _new_form(errors=None, values=None, status=200):
    courtyards = services.courtyards_to_notify(current_user)
    if not courtyards:
        from ..errors import Forbidden
        raise Forbidden()
    return render_template("emergencies/new.html", courtyards=courtyards, kinds=list(NoticeKind),
                           errors=errors or {}, values=values or {}), status


@bp.get("/notices/new")
@login_required
def new_notice():
    """Post a notice (停水/停暖/停电…) to chosen courtyards."""
    return _new_form(values={"courtyard_ids": [int(c) for c in request.args.getlist("courtyard_id") if c.isdigit()]})


@bp.post("/notices/new")
@login_required
def create_notice():
    """Post the notice; back to the form with the fields named on a mistake."""
    form = request.form
    ids = form.getlist("courtyard_ids")
    values = {"kind": form.get("kind"), "title": form.get("title", ""), "body": form.get("body", ""),
              "expected_end_at": form.get("expected_end_at", ""),
              "courtyard_ids": [int(i) for i in ids if i.isdigit()]}
    first = places.find(Courtyard, ids[0]) if ids else None
    try:
        if first is None:
            raise Invalid(fields={"courtyard_ids": _("Choose at least one courtyard.")})
        community = first.building.community
        notice = services.create_notice(current_user, community, kind=values["kind"], title=values["title"],
                                        body=values["body"], courtyard_ids=ids,
                                        expected_end_at=values["expected_end_at"])
    except Invalid as err:
        db.session.rollback()
        return _new_form(_errors(err), values, 422)
    flash(_("The notice was sent to %(n)s courtyards.", n=len(notice.courtyard_ids)), "success")
    return redirect(url_for("emergencies.notice", notice_id=notice.id))


@bp.get("/notices/<int:notice_id>")
@login_required
def notice(notice_id):
    """A notice with its timeline, live; the community's staff add updates and resolve it here."""
    n = services.get_notice(current_user, notice_id)
    return render_template("emergencies/notice.html", notice=n, errors={},
                           can_manage=permissions.can_manage_notice(current_user, n),
                           can_checklist=permissions.can_use_checklist(current_user, n))


@bp.post("/notices/<int:notice_id>/updates")
@login_required
def post_update(notice_id):
    """Add a progress update."""
    n = services.get_notice(current_user, notice_id)
    try:
        services.add_update(current_user, n, text=request.form.get("text"),
                            expected_end_at=request.form.get("expected_end_at"))
    except Invalid as err:
        db.session.rollback()
        return render_template("emergencies/notice.html", notice=n, errors=_errors(err),
                               text=request.form.get("text", ""), can_manage=True,
                               can_checklist=permissions.can_use_checklist(current_user, n)), 422
    except DomainError as err:
        flash(str(err), "error")
    return redirect(url_for("emergencies.notice", notice_id=n.id))


@bp.post("/notices/<int:notice_id>/resolve")
@login_required
def resolve(notice_id):
    """Resolve the notice."""
    n = services.get_notice(current_user, notice_id)
    try:
        services.resolve_notice(current_user, n, text=request.form.get("text"))
        flash(_("The notice is resolved."), "success")
    except DomainError as err:
        db.session.rollback()
        flash(str(err), "error")
    return redirect(url_for("emergencies.notice", notice_id=n.id))


# --- the checklist -------------------------------------------------------------------------

@bp.get("/notices/<int:notice_id>/checklist")
@login_required
def checklist(notice_id):
    """敲门: the flagged households of the notice's courtyards, ticked off one by one."""
    n = services.get_notice(current_user, notice_id)
    rows = services.checklist(current_user, n)
    return render_template("emergencies/checklist.html", notice=n, rows=rows, counts=services.checklist_counts(rows),
                           outcomes=list(VisitOutcome))


@bp.post("/notices/<int:notice_id>/visits")
@login_required
def visit(notice_id):
    """Tick one household, with how they are and a note."""
    n = services.get_notice(current_user, notice_id)
    unit_id = request.form.get("unit_id")
    try:
        services.record_visit(current_user, n, unit_id=unit_id, outcome=request.form.get("outcome"),
                              note=request.form.get("note"))
        flash(_("Visit recorded."), "success")
    except DomainError as err:
        db.session.rollback()
        fields = _errors(err)
        flash("; ".join(fields.values()) if fields else str(err), "error")
    return redirect(url_for("emergencies.checklist", notice_id=n.id) + (f"#unit-{unit_id}" if unit_id else ""))


# --- household flags -----------------------------------------------------------------------

@bp.get("/households")
@login_required
def household_courtyards():
    """The courtyards whose vulnerable households I keep."""
    courtyards = list(db.session.scalars(permissions.flag_courtyards(current_user)))
    if len(courtyards) == 1:
        return redirect(url_for("emergencies.households", courtyard_id=courtyards[0].id))
    return render_template("emergencies/household_courtyards.html", courtyards=courtyards)


@bp.get("/courtyards/<int:courtyard_id>/households")
@login_required
def households(courtyard_id):
    """Every flat of the courtyard with its flags (独居/空巢/行动不便) and a form for each."""
    cy = places.courtyard_for(current_user, courtyard_id)
    rows = services.households(current_user, cy)
    return render_template("emergencies/households.html", courtyard=cy, rows=rows, kinds=list(FlagKind))


@bp.post("/courtyards/<int:courtyard_id>/households/<int:unit_id>")
@login_required
def set_flags(courtyard_id, unit_id):
    """Save one flat's flags."""
    unit = services.get_unit(current_user, unit_id)
    try:
        services.set_household_flags(current_user, unit, kinds=request.form.getlist("kinds"),
                                     note=request.form.get("note"))
        flash(_("Saved: flat %(unit)s.", unit=unit.label), "success")
    except DomainError as err:
        db.session.rollback()
        fields = _errors(err)
        flash("; ".join(fields.values()) if fields else str(err), "error")
    return redirect(url_for("emergencies.households", courtyard_id=unit.building.courtyard.id) + f"#unit-{unit.id}")
