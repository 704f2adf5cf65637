"""Field checks shared by every door: services call these, forms and the API show the result."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from .clock import LOCAL_TZ
from .errors import Invalid

MAX_ID = 2**31 - 1  # the largest key a PostgreSQL INTEGER column holds
_MAX_DIGITS = 30    # longer text is no number anyone means (and int() of it is slow)


def unstorable(value: str) -> bool:
    """Text no column can hold: a NUL, or a lone surrogate (which also derails a pg8000 connection)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_whole(value) -> int | None:
    """A whole number as a client sent it: an int, or decimal digits with an optional sign (spaces
    around are ignored); None for anything else — bools, floats, other digits (², ٣), '1_000', ''."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or len(digits) > _MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    return int(text)


def parse_id(value) -> int | None:
    """An id as a client sent it (JSON, a query string, a form, a socket payload): an int or
    decimal digits within 1..MAX_ID; None for anything that cannot name a row."""
    ident = parse_whole(value)
    return ident if ident is not None and 1 <= ident <= MAX_ID else None


def parse_id_filter(f: Fields, field: str, value, *, minimum: int = 1) -> int | None:
    """An id that filters a list: None when not given; -1 (names nothing, so the list is empty)
    for a whole number out of range; adds "Must be a whole number." to `field` otherwise."""
    if value in (None, ""):
        return None
    ident = parse_whole(value)
    if ident is None:
        f.add(field, _l("Must be a whole number."))
        return None
    if ident == 0 and minimum == 0:
        return 0
    return ident if parse_id(ident) is not None else -1


def parse_datetime(f: Fields, field: str, value, *, local: bool = False,
                   required: bool = True) -> datetime | None:
    """A moment a client gave (a deadline, a due date): an aware datetime or ISO-8601 text with a
    time zone; with `local`, also one without a zone — a form's `datetime-local` value, Beijing
    time. Returned in UTC; None with a message on `field` for anything else (None, also
    without a message, when it is empty and not `required`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            f.add(field, _l("This field is required."))
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            f.add(field, _l("Must be a date and time (ISO 8601)."))
            return None
    if not isinstance(value, datetime):
        f.add(field, _l("Must be a date and time (ISO 8601)."))
        return None
    if value.tzinfo is None:
        if not local:
            f.add(field, _l("Give the time zone, e.g. 2026-12-01T20:00:00+08:00."))
            return None
        value = value.replace(tzinfo=LOCAL_TZ)
    try:
        return value.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # 0001-01-01T00:00 in Beijing is before UTC's year 1
        f.add(field, _l("Must be a date and time (ISO 8601)."))
        return None


class Fields:
    """Collects field errors so that one Invalid names them all."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def add(self, field: str, message) -> None:
        self.errors.setdefault(field, message)

    def text(self, field: str, value, *, min_len: int = 1, max_len: int, required: bool = True,
             strip: bool = True) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, _l("This field is required."))
            return None
        if not isinstance(value, str):
            self.add(field, _l("Must be text."))
            return None
        if unstorable(value):
            self.add(field, _l("Contains characters that cannot be stored."))
            return None
        value = value.strip() if strip else value
        if len(value) < min_len:
            self.add(field, _l("Must be at least %(n)s characters.", n=min_len))
        elif len(value) > max_len:
            self.add(field, _l("Must be at most %(n)s characters.", n=max_len))
        return value

    def decimal(self, field: str, value, *, gt: Decimal = Decimal(0), max_value: Decimal) -> Decimal | None:
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            self.add(field, _l("Must be a number."))
            return None
        if not number.is_finite() or number <= gt or number > max_value:
            self.add(field, _l("Must be greater than %(lo)s and at most %(hi)s.", lo=gt, hi=max_value))
            return None
        return number.quantize(Decimal("0.01"))

    def check(self) -> None:
        if self.errors:
            raise Invalid(fields=self.errors)
