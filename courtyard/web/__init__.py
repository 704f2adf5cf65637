"""Pages that belong to no domain: home, language switch, health; the layout's shared context."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from ..places import permissions
from .landing import landing_url

bp = Blueprint("web", __name__)


def safe_next(target: str | None, default: str | None = None) -> str:
    """A local path to go back to; anything pointing off-site becomes `default` (the home page)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default or url_for("web.index")


@bp.app_context_processor
def layout_context() -> dict:
    """What the layout needs on every page: the language in use and which administration links to offer."""
    locale = get_locale()
    chinese = locale is None or locale.language == "zh"  # Babel reads zh_CN as zh_Hans_CN
    signed_in = current_user.is_authenticated
    return {"ui_lang": "zh-CN" if chinese else "en", "other_lang": "en" if chinese else "zh_CN",
            "lang_next": _page_to_return_to(),
            "show_admin": bool(signed_in and permissions.can_use_admin(current_user)),
            "show_orgs": bool(signed_in and permissions.can_create_organization(current_user))}


def _page_to_return_to() -> str:
    """Where the language switch returns: this page, or for a form's answer the page that held the form."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("web.index")


@bp.get("/")
def index():
    """Home: where the signed-in person works (web/landing.py), or the login page."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    return redirect(url_for("accounts.login"))


@bp.post("/lang")
def set_language():
    """Switch the interface language (中文 / English)."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")))


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers and the database is reachable."""

    db.session.execute(text("SELECT 1"))
    return jsonify({"ok": True})
