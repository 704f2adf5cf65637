"""The pure arithmetic of tasks (courtyard/tasks/rules.py): exhaustive where small, Hypothesis where not."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import product

from hypothesis import given
from hypothesis import strategies as st

from courtyard.tasks import rules

STATUSES = ("assigned", "accepted", "in_progress", "done", "verified", "reopened")
T0 = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
hours = st.integers(min_value=-24 * 200, max_value=24 * 200)
policies = st.tuples(st.integers(0, rules.MAX_REMINDER_HOURS), st.integers(0, rules.MAX_HOURS - 1),
                     st.integers(1, rules.MAX_HOURS)).filter(lambda p: p[2] > p[1]).map(lambda p: rules.Policy(*p))


def test_the_contracts_lifecycle_exactly():
    allowed = {(a, b) for a, b in product(STATUSES, STATUSES) if rules.can_work(a, b)}
    assert allowed == {("assigned", "accepted"), ("accepted", "in_progress"), ("in_progress", "done"),
                       ("reopened", "in_progress")}
    assert {s: rules.next_work_status(s) for s in STATUSES} == {
        "assigned": "accepted", "accepted": "in_progress", "in_progress": "done", "done": None, "verified": None,
        "reopened": "in_progress"}
    results = {(s, a): rules.verification_result(s, a) for s in STATUSES for a in (True, False)}
    assert {k: v for k, v in results.items() if v} == {("done", True): "verified", ("done", False): "reopened"}


@given(status=st.sampled_from(STATUSES), late=hours)
def test_overdue_only_while_the_work_is_the_organizations(status, late):
    now = T0 + timedelta(hours=late)
    assert rules.is_overdue(status, T0, now) == (status in rules.CLOCK_RUNNING and late > 0)


@given(status=st.sampled_from(STATUSES), a=hours, b=hours, policy=policies)
def test_escalation_never_goes_down_as_time_passes(status, a, b, policy):
    early, late = sorted((a, b))
    level_early = rules.escalation_level_due(status, T0, T0 + timedelta(hours=early), policy)
    level_late = rules.escalation_level_due(status, T0, T0 + timedelta(hours=late), policy)
    assert 0 <= level_early <= level_late <= 2
    if status not in rules.CLOCK_RUNNING:
        assert level_late == 0


@given(late=st.integers(min_value=1, max_value=24 * 200), policy=policies)
def test_escalation_levels_follow_the_thresholds(late, policy):
    level = rules.escalation_level_due("in_progress", T0, T0 + timedelta(hours=late), policy)
    expected = 2 if late >= policy.level2_after_hours else 1 if late >= policy.level1_after_hours else 0
    assert level == expected


@given(status=st.sampled_from(STATUSES), offset=st.integers(-24 * 10 * 60, 24 * 10 * 60),
       lead=st.integers(0, rules.MAX_REMINDER_HOURS))
def test_reminders_come_within_the_lead_time_before_the_due_date(status, offset, lead):
    now = T0 + timedelta(minutes=offset)
    due = rules.reminder_due(status, T0, now, lead)
    expected = status in rules.CLOCK_RUNNING and lead > 0 and -lead * 60 <= offset <= 0
    assert due == expected


def test_hand_raised_escalations():
    assert [rules.manual_escalation_level(level, False) for level in (0, 1, 2)] == [1, 2, None]
    assert [rules.manual_escalation_level(level, True) for level in (0, 1, 2)] == [2, 2, 2]


@given(st.lists(st.tuples(st.sampled_from(STATUSES), hours), min_size=2, max_size=12))
def test_the_queue_puts_overdue_first_then_due_soonest(tasks):
    now = T0
    keyed = sorted(((rules.urgency_key(s, T0 + timedelta(hours=h), now, i), s, h) for i, (s, h) in enumerate(tasks)))
    ranks = [0 if s in rules.CLOCK_RUNNING and h < 0 else 1 if s in rules.CLOCK_RUNNING else 2 if s == "done" else 3
             for _, s, h in keyed]
    assert ranks == sorted(ranks)
    for (ka, sa, ha), (kb, sb, hb) in zip(keyed, keyed[1:]):
        if ka[0] == kb[0]:
            assert ha <= hb  # within a rank: the earliest due date first (longest overdue first)


@given(reminder=st.integers(-5, 400), level1=st.integers(-5, 3000), level2=st.integers(-5, 3000))
def test_a_policy_is_checked_field_by_field(reminder, level1, level2):
    problems = rules.check_policy(reminder, level1, level2)
    ok = 0 <= reminder <= rules.MAX_REMINDER_HOURS and 0 <= level1 <= rules.MAX_HOURS \
        and 1 <= level2 <= rules.MAX_HOURS and level2 > level1
    assert (problems == {}) == ok
    assert set(problems.values()) <= {"range", "order"}
    assert (problems.get("level2_after_hours") == "order") == (
        "level1_after_hours" not in problems and 1 <= level2 <= rules.MAX_HOURS and level2 <= level1)


@given(st.tuples(*[st.one_of(st.none(), st.integers(-5, 3000))] * 3))
def test_a_field_that_is_not_a_number_is_left_to_the_caller(hours):
    problems = rules.check_policy(*hours)
    fields = ("reminder_hours", "level1_after_hours", "level2_after_hours")
    assert not {f for f, h in zip(fields, hours) if h is None} & set(problems)
    if hours[1] is None:  # nothing to compare the street's threshold with
        assert problems.get("level2_after_hours") != "order"


@given(st.dictionaries(st.sampled_from(["satisfied", "basically_satisfied", "unsatisfied"]), st.integers(0, 50)))
def test_satisfaction_rate(counts):
    rate = rules.satisfaction_rate(counts)
    total = sum(counts.values())
    if total == 0:
        assert rate is None
    else:
        assert 0 <= rate <= 1
        assert abs(rate * total - (counts.get("satisfied", 0) + counts.get("basically_satisfied", 0))) < 1e-9


def test_the_default_due_date_and_hours_between():
    assert rules.default_due(T0, 72) == T0 + timedelta(days=3)
    assert rules.hours_between(T0, T0 + timedelta(minutes=90)) == 1.5
    assert rules.hours_between(T0, None) is None
    assert set(rules.DEFAULT_SERVICE_HOURS) == {"sanitation", "parking", "property_service", "repairs", "greening",
                                                "safety", "elderly_care", "neighbour_dispute", "facilities", "other"}
