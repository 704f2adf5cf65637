"""When an outbound message may go: quiet hours and back-off. Pure functions of the time.

- Quiet hours: no text message or e-mail 22:00–07:00 Beijing time (clock.LOCAL_TZ); what is
  made then waits for the next 07:00.
- Back-off: a send that failed for a passing reason (a gateway's 500, a timeout) is tried again
  after 1 min, 5 min, 30 min and 2 h; after MAX_ATTEMPTS attempts it is given up (failed).
  A retry that would fall in quiet hours waits for the morning too.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from ..clock import LOCAL_TZ

QUIET_START = time(22, 0)
QUIET_END = time(7, 0)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1


def is_quiet(now: datetime) -> bool:
    """Whether `now` (aware) falls in quiet hours, 22:00 inclusive to 07:00 exclusive, local time."""
    local = now.astimezone(LOCAL_TZ).time()
    return local >= QUIET_START or local < QUIET_END


def quiet_until(now: datetime) -> datetime | None:
    """The end of the quiet hours `now` falls in (the next 07:00 local, in `now`'s zone), or None."""
    if not is_quiet(now):
        return None
    local = now.astimezone(LOCAL_TZ)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=LOCAL_TZ).astimezone(now.tzinfo)


def earliest_send(now: datetime) -> datetime:
    """When a message made at `now` may first go: now, or the morning after quiet hours."""
    return quiet_until(now) or now


def next_attempt(now: datetime, attempts: int) -> datetime | None:
    """After `attempts` failed attempts (1 = the first one failed), when to try again; None to give up."""
    if attempts < 1:
        return earliest_send(now)
    if attempts >= MAX_ATTEMPTS:
        return None
    return earliest_send(now + BACKOFF[attempts - 1])
