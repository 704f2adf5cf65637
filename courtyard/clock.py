"""The one source of "now", and the one local time zone. Tests swap the clock for a controllable one."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

# The street's time zone: what a local day, a form's `datetime-local` value and a page's times
# mean. Beijing time has no daylight saving, so a local day is always UTC+8. Flask-Babel's
# BABEL_DEFAULT_TIMEZONE (config.py) is this zone's name.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


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
