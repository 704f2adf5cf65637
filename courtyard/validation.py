"""Field checks shared by every door: services call these, forms and the API show the result."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from .errors import Invalid


def unstorable(value: str) -> bool:
    """Text no column can hold: a NUL, or a lone surrogate (which also derails a pg8000 connection)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


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
