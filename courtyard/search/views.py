"""The /search page: topics and messages found, labelled, with their courtyard and status."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import Invalid
from ..pagination import page_number
from ..places import permissions as place_permissions
from . import services

bp = Blueprint("search", __name__)
PAGE_SIZE = 20


@bp.get("/search")
@login_required
def index():
    """Search topics and messages; without a query, the form alone."""
    args = {k: (request.args.get(k) or "").strip() for k in ("q", "courtyard_id", "kind")}
    results, errors = None, {}
    if args["q"]:
        try:
            results = services.search(current_user, args["q"], courtyard_id=args["courtyard_id"] or None,
                                      kind=args["kind"] or None, page=page_number(request.args.get("page")),
                                      per_page=PAGE_SIZE)
        except Invalid as err:
            errors = err.fields

    def link(**changes) -> str:
        params = {k: v for k, v in {**args, **changes}.items() if v}
        return url_for("search.index") + ("?" + urlencode(params) if params else "")

    courtyards = sorted((m.courtyard for m in place_permissions.active_memberships(current_user)),
                        key=lambda c: c.id)
    return render_template("search/index.html", args=args, results=results, errors=errors, link=link,
                           courtyards=courtyards)
