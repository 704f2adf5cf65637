"""Login, logout, registration pages."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from . import services

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form."""
    error = None
    if request.method == "POST":
        try:
            user = services.authenticate(request.form.get("login"), request.form.get("password"),
                                         request.remote_addr or "")
        except DomainError as err:
            error = err
        else:
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", error=error), (error.status if error else 200)


@bp.post("/logout")
@login_required
def logout():
    """Log out of this browser."""
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))
