"""The JSON API (/api/v1): error handling and route registration."""
from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from ..errors import BY_STATUS, DomainError, RateLimited
from .core import bp


def error_response(err: DomainError):
    resp = jsonify({"error": err.as_dict()})
    resp.status_code = err.status
    if isinstance(err, RateLimited) and err.retry_after:
        resp.headers["Retry-After"] = str(err.retry_after)
    return resp


def wants_json() -> bool:
    return request.path.startswith(bp.url_prefix + "/") or request.path == bp.url_prefix


def http_error_as_domain(exc: HTTPException) -> DomainError:
    cls = BY_STATUS.get(exc.code)
    if cls is None:
        cls = BY_STATUS[400] if exc.code and exc.code < 500 else None
    if cls is None:
        return DomainError("Internal error")
    err = cls()
    if exc.code == 405:
        err = BY_STATUS[404]()
    return err


def init_app(app: Flask) -> None:
    from ..accounts import api as _accounts  # noqa: F401  (registers routes)
    from ..places import api as _places  # noqa: F401
    from ..deliberation import api as _deliberation  # noqa: F401
    from ..uploads import api as _uploads  # noqa: F401
    from ..deliberation import moderation_api as _moderation  # noqa: F401
    from ..voting import api as _voting  # noqa: F401
    from ..tasks import api as _tasks  # noqa: F401
    from ..insight import api as _insight  # noqa: F401
    from ..emergencies import api as _emergencies  # noqa: F401
    from ..districts import api as _districts  # noqa: F401
    from ..projects import api as _projects  # noqa: F401
    from . import openapi  # noqa: F401

    app.register_blueprint(bp)
