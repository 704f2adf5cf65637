"""The pool's pure rules: the status moves, who of the owner may make which, progress arithmetic."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from courtyard.projects import rules

statuses = st.sampled_from(rules.STATUSES)


def test_the_lifecycle_moves_forward_or_is_cancelled():
    assert rules.can_move("proposed", "approved") and rules.can_move("approved", "in_progress")
    assert rules.can_move("in_progress", "completed")
    assert all(rules.can_move(s, "cancelled") for s in ("proposed", "approved", "in_progress"))
    assert not rules.can_move("proposed", "in_progress") and not rules.can_move("in_progress", "approved")
    assert not rules.can_move("nonsense", "approved") and not rules.can_move("approved", "nonsense")


@given(statuses, statuses)
def test_final_statuses_never_move_and_nothing_moves_to_itself(a, b):
    if a in rules.FINAL or a == b:
        assert not rules.can_move(a, b)
    if rules.owner_may_move(a, b):
        assert rules.can_move(a, b) and b in ("in_progress", "completed")


@given(statuses, st.booleans(), st.booleans())
def test_the_offered_moves_are_allowed_moves(status, street, owner):
    offered = rules.next_statuses(status, street=street, owner=owner)
    assert all(rules.can_move(status, s) for s in offered)
    if street:
        assert set(offered) == set(rules.TRANSITIONS[status])
    elif not owner:
        assert offered == []


@given(st.integers(-5, 60), st.integers(-5, 60))
def test_progress_is_a_whole_percentage_rounded_down(done, total):
    pct = rules.progress_percent(done, total)
    if total <= 0:
        assert pct is None
    else:
        assert 0 <= pct <= 100
        clamped = max(0, min(done, total))
        assert pct * total <= clamped * 100 < (pct + 1) * total
        assert (pct == 100) == (clamped == total)


def test_progress_examples():
    assert rules.progress_percent(2, 5) == 40 and rules.progress_percent(2, 3) == 66
    assert rules.progress_percent(0, 0) is None


def test_amounts_in_wan():
    assert rules.wan(Decimal("480000")) == Decimal("48.00")
    assert rules.wan(Decimal("12345.67")) == Decimal("1.23")
