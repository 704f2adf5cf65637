"""A socket's command budget (sockets.budget_step): a fixed window, counted in the serving process."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from courtyard.realtime import sockets


def run(times, amount, seconds):
    window, allowed = None, []
    for now in times:
        window, ok = sockets.budget_step(window, now, amount, seconds)
        allowed.append(ok)
    return allowed


def test_amount_commands_per_window_then_refused_until_the_window_ends():
    assert run([0, 1, 2, 3, 59.9, 60, 61, 62], amount=3, seconds=60) == [True, True, True, False, False,
                                                                        True, True, True]


@given(st.lists(st.floats(min_value=0, max_value=1_000, allow_nan=False), max_size=60).map(sorted),
       st.integers(min_value=1, max_value=10), st.integers(min_value=1, max_value=120))
def test_never_more_than_amount_in_a_window_and_never_refused_below_it(times, amount, seconds):
    allowed = run(times, amount, seconds)
    window_start = None
    used = 0
    for now, ok in zip(times, allowed):
        if window_start is None or now >= window_start + seconds:
            window_start, used = now, 0
        assert ok == (used < amount)
        used += ok


def test_a_forgotten_socket_starts_afresh():
    sockets.clear()
    assert sockets.spend("sid-a", 1, 60, now=5.0) is True
    assert sockets.spend("sid-a", 1, 60, now=6.0) is False
    sockets.register("sid-a", sockets.Identity(1, 0, None))
    sockets.forget("sid-a")
    assert sockets.spend("sid-a", 1, 60, now=7.0) is True
    sockets.clear()
