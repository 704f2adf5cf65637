"""Pages that belong to no domain: home, language switch, health."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    """Home: my courtyards, or the login page."""
    if current_user.is_authenticated:
        return redirect(url_for("places.my_courtyards"))
    return redirect(url_for("accounts.login"))


@bp.post("/lang")
def set_language():
    """Switch the interface language (中文 / English)."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next") or url_for("web.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.index")
    return redirect(target)


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers and the database is reachable."""
    from sqlalchemy import text

    from ..extensions import db
    db.session.execute(text("SELECT 1"))
    return jsonify({"ok": True})
