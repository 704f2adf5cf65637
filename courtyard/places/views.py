"""Courtyard pages and the administration pages."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from . import services

bp = Blueprint("places", __name__)


@bp.get("/courtyards")
@login_required
def my_courtyards():
    """My courtyards."""
    return render_template("places/my_courtyards.html", courtyards=services.courtyards_for(current_user))
