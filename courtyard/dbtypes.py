"""Column types and helpers shared by every domain's models."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from . import clock


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC on every backend; always read back as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def str_enum(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint."""
    return sa.Enum(enum_cls, name=name, native_enum=False, create_constraint=True,
                   length=32, values_callable=lambda e: [m.value for m in e],
                   validate_strings=True)


def created_at_column():
    return sa.orm.mapped_column(UTCDateTime(), nullable=False, default=clock.now)


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None
