"""The one source of "now". Tests swap it for a controllable clock."""
from __future__ import annotations

from datetime import datetime, timezone


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


_clock = SystemClock()


def now() -> datetime:
    return _clock.now()


def use(clock) -> None:
    global _clock
    _clock = clock


def reset() -> None:
    use(SystemClock())
