"""The tests' clock: time moves only when the test moves it (courtyard.clock.use swaps it in;
the `app` fixture puts the real clock back). The `fake_clock` fixture in tests/conftest.py
starts one at the present second."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


class FakeClock:
    def __init__(self, start: datetime | None = None):
        self.current = start or datetime.now(timezone.utc).replace(microsecond=0)

    def now(self) -> datetime:
        return self.current

    def set(self, when: datetime) -> datetime:
        self.current = when
        return when

    def advance(self, **kw) -> datetime:
        self.current += timedelta(**kw)
        return self.current
