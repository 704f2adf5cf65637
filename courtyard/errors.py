"""Domain errors. Services raise them; each door renders them its own way."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    code = "bad_request"
    status = 400
    default_message = _l("The request could not be understood.")

    def __init__(self, message=None, fields: dict[str, str] | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {k: str(v) for k, v in self.fields.items()}
        return body


class BadRequest(DomainError):
    code, status = "bad_request", 400


class Unauthenticated(DomainError):
    code, status = "unauthenticated", 401
    default_message = _l("Please log in.")


class Forbidden(DomainError):
    code, status = "forbidden", 403
    default_message = _l("You are not allowed to do that.")


class NotFound(DomainError):
    code, status = "not_found", 404
    default_message = _l("Not found.")


class Conflict(DomainError):
    code, status = "conflict", 409
    default_message = _l("That cannot be done in the current state.")


class TooLarge(DomainError):
    code, status = "too_large", 413
    default_message = _l("That is too large.")


class Invalid(DomainError):
    code, status = "invalid", 422
    default_message = _l("Some fields need attention.")


class RateLimited(DomainError):
    code, status = "rate_limited", 429
    default_message = _l("Too many attempts. Please wait a moment and try again.")

    def __init__(self, message=None, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


BY_STATUS = {cls.status: cls for cls in (BadRequest, Unauthenticated, Forbidden, NotFound,
                                         Conflict, TooLarge, Invalid, RateLimited)}
