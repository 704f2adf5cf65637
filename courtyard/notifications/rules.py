"""When an outbound message may go: quiet hours and back-off. Pure functions of the time.

- Quiet hours: no text message or e-mail 22:00–07:00 Beijing time (clock.LOCAL_TZ) by
  default; what is made then waits for the end of them. NOTIFY_QUIET_HOURS sets another
  window ("21:30-07:30"; one that does not cross midnight, "12:00-14:00", works too) or
  none (""); `parse_quiet_hours` reads it, and every function takes the window as `quiet`.
- Back-off: a send that failed for a passing reason (a gateway's 500, a timeout) is tried again
  after 1 min, 5 min, 30 min and 2 h; after MAX_ATTEMPTS attempts it is given up (failed).
  A retry that would fall in quiet hours waits for the morning too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ..clock import LOCAL_TZ

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass(frozen=True)
class QuietHours:
    """From `start` (inclusive) to `end` (exclusive), local time; across midnight when end <= start."""

    start: time
    end: time

    def contains(self, local: time) -> bool:
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


DEFAULT_QUIET = QuietHours(time(22, 0), time(7, 0))
QUIET_START, QUIET_END = DEFAULT_QUIET.start, DEFAULT_QUIET.end
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_quiet_hours(text: str | None) -> QuietHours | None:
    """"22:00-07:00" → that window; "" or "off" → None (no quiet hours). ValueError otherwise."""
    if text is None or text.strip().lower() in ("", "off", "none"):
        return None
    m = _WINDOW.match(text)
    if not m:
        raise ValueError(f"NOTIFY_QUIET_HOURS must read like 22:00-07:00, not {text!r}")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
        raise ValueError(f"NOTIFY_QUIET_HOURS: {text!r} is not a window of the day")
    return QuietHours(time(h1, m1), time(h2, m2))


def is_quiet(now: datetime, quiet: QuietHours | None = DEFAULT_QUIET) -> bool:
    """Whether `now` (aware) falls in the quiet hours (local time); never when `quiet` is None."""
    return quiet is not None and quiet.contains(now.astimezone(LOCAL_TZ).time())


def quiet_until(now: datetime, quiet: QuietHours | None = DEFAULT_QUIET) -> datetime | None:
    """The end of the quiet hours `now` falls in (the next `quiet.end` local, in `now`'s zone), or None."""
    if not is_quiet(now, quiet):
        return None
    local = now.astimezone(LOCAL_TZ)
    day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
    return datetime.combine(day, quiet.end, tzinfo=LOCAL_TZ).astimezone(now.tzinfo)


def earliest_send(now: datetime, quiet: QuietHours | None = DEFAULT_QUIET) -> datetime:
    """When a message made at `now` may first go: now, or the end of the quiet hours."""
    return quiet_until(now, quiet) or now


def next_attempt(now: datetime, attempts: int, quiet: QuietHours | None = DEFAULT_QUIET) -> datetime | None:
    """After `attempts` failed attempts (1 = the first one failed), when to try again; None to give up."""
    if attempts < 1:
        return earliest_send(now, quiet)
    if attempts >= MAX_ATTEMPTS:
        return None
    return earliest_send(now + BACKOFF[attempts - 1], quiet)
