"""Quiet hours and back-off (rules.py): every minute of a day, and any moment Hypothesis picks."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtyard.clock import LOCAL_TZ
from courtyard.notifications import rules

DAY = datetime(2026, 12, 3, tzinfo=LOCAL_TZ)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(timezone.utc))


def test_every_minute_of_a_day():
    for minute in range(24 * 60):
        now = DAY + timedelta(minutes=minute)
        quiet = now.hour >= 22 or now.hour < 7
        assert rules.is_quiet(now) is quiet, now
        until = rules.quiet_until(now)
        if not quiet:
            assert until is None and rules.earliest_send(now) == now
            continue
        morning = DAY.date() + timedelta(days=1 if now.hour >= 22 else 0)
        assert until == datetime.combine(morning, time(7), tzinfo=LOCAL_TZ), now


def test_the_edges():
    assert rules.quiet_until(DAY.replace(hour=21, minute=59, second=59)) is None
    assert rules.quiet_until(DAY.replace(hour=22)) == DAY.replace(hour=7) + timedelta(days=1)
    assert rules.quiet_until(DAY.replace(hour=6, minute=59, second=59)) == DAY.replace(hour=7)
    assert rules.quiet_until(DAY.replace(hour=7)) is None


@given(moments)
def test_a_message_goes_at_once_or_at_the_next_seven(now):
    when = rules.earliest_send(now)
    assert when >= now and not rules.is_quiet(when)
    assert when - now <= timedelta(hours=9)
    if rules.is_quiet(now):
        local = when.astimezone(LOCAL_TZ)
        assert (local.hour, local.minute, local.second, local.microsecond) == (7, 0, 0, 0)
        assert all(rules.is_quiet(now + (when - now) * k / 8) for k in range(8))  # quiet all the way
    else:
        assert when == now
    assert when.tzinfo is not None and when.utcoffset() == now.utcoffset()


@given(moments, st.integers(min_value=1, max_value=10))
def test_retries_back_off_then_give_up(now, attempts):
    again = rules.next_attempt(now, attempts)
    if attempts >= rules.MAX_ATTEMPTS:
        assert again is None
        return
    delay = rules.BACKOFF[attempts - 1]
    assert again == rules.earliest_send(now + delay)
    assert again >= now + delay and not rules.is_quiet(again)


def test_the_back_off_grows():
    now = DAY.replace(hour=9)
    waits = [rules.next_attempt(now, n) - now for n in range(1, rules.MAX_ATTEMPTS)]
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
    assert rules.next_attempt(now, rules.MAX_ATTEMPTS) is None
    assert rules.next_attempt(now, 0) == now


# --- NOTIFY_QUIET_HOURS: another window, or none -------------------------------------------

def test_the_quiet_hours_read_from_the_setting():
    assert rules.parse_quiet_hours("22:00-07:00") == rules.DEFAULT_QUIET
    assert rules.parse_quiet_hours(" 21:30 - 7:30 ") == rules.QuietHours(time(21, 30), time(7, 30))
    assert rules.parse_quiet_hours("12:00-14:00") == rules.QuietHours(time(12), time(14))
    for none in ("", "off", "None", None):
        assert rules.parse_quiet_hours(none) is None
    for bad in ("22-07", "25:00-07:00", "22:00-22:00", "22:61-07:00", "every night"):
        with pytest.raises(ValueError):
            rules.parse_quiet_hours(bad)


def test_a_window_within_the_day_and_no_window_at_all():
    noon = rules.QuietHours(time(12), time(14))
    assert not rules.is_quiet(DAY.replace(hour=11, minute=59), noon)
    assert rules.is_quiet(DAY.replace(hour=12), noon)
    assert rules.quiet_until(DAY.replace(hour=13, minute=30), noon) == DAY.replace(hour=14)
    assert not rules.is_quiet(DAY.replace(hour=14), noon)
    assert not rules.is_quiet(DAY.replace(hour=23), noon)  # the night is not quiet under this window
    late = DAY.replace(hour=23)
    assert rules.is_quiet(late) and not rules.is_quiet(late, None)
    assert rules.earliest_send(late, None) == late
    assert rules.next_attempt(late, 1, None) == late + rules.BACKOFF[0]


def test_a_bad_setting_stops_start_up(tmp_path):
    from courtyard import create_app
    from courtyard.config import TestConfig
    with pytest.raises(RuntimeError, match="NOTIFY_QUIET_HOURS"):
        create_app(TestConfig(f"sqlite:///{tmp_path / 'q.sqlite3'}", NOTIFY_QUIET_HOURS="all night"))
    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'q.sqlite3'}", NOTIFY_QUIET_HOURS=""))
    assert app.config["NOTIFY_QUIET_HOURS"] is None
