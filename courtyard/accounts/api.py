"""JSON routes for tokens and the caller's own account."""
from __future__ import annotations

from flask import g, jsonify, request
from flask_login import current_user

from ..api.core import Body, bp, doc, login_required, parse_body
from ..api.schemas import Ok
from ..places.payloads import me_json, user_json
from ..places.schemas import MeOut
from . import services
from .schemas import TokenOut


class TokenBody(Body):
    login: str
    password: str


@bp.post("/auth/token")
@doc(body=TokenBody, response=TokenOut, status=201, errors=(401, 429), tag="auth", auth=False)
def create_token():
    """Exchange a login and password for a bearer token."""
    body = parse_body(TokenBody)
    user = services.authenticate(body.login, body.password, request.remote_addr or "")
    token = services.issue_token(user)
    return jsonify({"token": token, "user": user_json(user, user)}), 201


@bp.delete("/auth/token")
@doc(response=Ok, tag="auth")
@login_required
def revoke_token():
    """Revoke the bearer token this request carries."""
    raw = g.get("bearer_token")
    if raw:
        services.revoke_token(raw)
    return jsonify({"ok": True})


@bp.get("/me")
@doc(response=MeOut, tag="people")
@login_required
def me():
    """The caller, with memberships and roles."""
    return jsonify(me_json(current_user))
