"""The pure arithmetic of Insight: rates, windows, changes, rankings, hot spots, seasons."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtyard.insight import rules

counts = st.integers(min_value=0, max_value=10**6)


@given(counts, counts)
def test_a_rate_is_null_without_a_divisor_and_a_fraction_otherwise(n, d):
    n = min(n, d)
    for fn in (rules.resolution_rate, rules.response_rate, rules.on_time_rate, rules.reopen_rate):
        value = fn(n, d)
        if d == 0:
            assert value is None
        else:
            assert 0 <= value <= 1 and value == n / d


@given(counts, counts, counts)
def test_satisfaction_counts_satisfied_and_basically_satisfied(s, b, u):
    total = s + b + u
    value = rules.satisfaction_rate(s, b, total)
    if total == 0:
        assert value is None
    else:
        assert value == (s + b) / total
        assert 0 <= value <= 1
        assert (value == 1) == (u == 0)


def test_rates_by_hand():
    assert rules.resolution_rate(2, 7) == 2 / 7
    assert rules.satisfaction_rate(2, 2, 5) == 0.8
    assert rules.satisfaction_rate(0, 0, 0) is None
    assert rules.mean(120.0, 2) == 60.0 and rules.mean(0.0, 0) is None


@given(counts, counts)
def test_change_is_the_difference_and_its_ratio(current, previous):
    c = rules.change(current, previous)
    assert c["previous"] == previous and c["delta"] == current - previous
    if previous == 0:
        assert c["ratio"] is None
    else:
        assert c["ratio"] == (current - previous) / previous


def test_figure_keeps_its_counts():
    f = rules.figure(2, 7, rules.resolution_rate(2, 7), "verified / created")
    assert f == {"value": 2 / 7, "numerator": 2, "denominator": 7, "formula": "verified / created"}
    assert rules.figure(2, 3, rules.reopen_rate(2, 3), "x")["value"] == 0.6666666666666666  # 2/3, not 0.6667
    assert rules.figure(0, 0, None, "x")["value"] is None


days = st.dates(min_value=date(2000, 3, 1), max_value=date(2099, 10, 1))


@given(days, st.integers(min_value=1, max_value=rules.MAX_WINDOW_DAYS))
def test_windows_previous_and_last_year(start, length):
    w = rules.Window(start, start + timedelta(days=length - 1))
    before = rules.previous_window(w)
    assert before.days == w.days and before.end == w.start - timedelta(days=1)
    ly = rules.last_year_window(w)
    assert ly.start.year == w.start.year - 1 and ly.start.month == w.start.month
    lo, hi = w.utc()
    assert (hi - lo) == timedelta(days=w.days)
    assert lo.utcoffset() == timedelta(hours=8)
    months = rules.months_in(w)
    assert months[0] == rules.month_key(w.start) and months[-1] == rules.month_key(w.end)
    assert months == sorted(set(months))


@given(days, st.integers(min_value=-40, max_value=40))
def test_add_months_stays_in_the_month_it_lands_in(day, n):
    moved = rules.add_months(day, n)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == n
    assert moved.day <= day.day


def test_leap_day_a_year_earlier_is_the_28th():
    w = rules.Window(date(2028, 2, 29), date(2028, 2, 29))
    assert rules.last_year_window(w) == rules.Window(date(2027, 2, 28), date(2027, 2, 28))


def test_default_window_is_twelve_calendar_months():
    w = rules.default_window(date(2026, 6, 15))
    assert (w.start, w.end) == (date(2025, 7, 1), date(2026, 6, 15))
    assert len(rules.months_in(w)) == 12


@pytest.mark.parametrize("raw_from, raw_to, problems", [
    (None, None, {}),
    ("2026-01-01", "2026-01-31", {}),
    ("2026-02-30", None, {"from": "format"}),
    ("2026/01/01", None, {"from": "format"}),
    ("20260101", None, {"from": "format"}),
    (None, "tomorrow", {"to": "format"}),
    ("1999-12-31", None, {"from": "range"}),
    ("2026-02-01", "2026-01-31", {"from": "order"}),
    ("2020-01-01", "2026-01-01", {"from": "span"}),
    (["2026-01-01"], None, {"from": "format"}),
])
def test_parse_window(raw_from, raw_to, problems):
    window, found = rules.parse_window(raw_from, raw_to, date(2026, 6, 15))
    assert found == problems
    assert (window is None) == bool(problems)


@given(st.text(max_size=30))
def test_parse_window_never_raises(text):
    window, problems = rules.parse_window(text, text, date(2026, 6, 15))
    assert (window is None) == bool(problems)


@pytest.mark.parametrize("raw, parsed", [
    ("street", ("street", None)), (" community:12 ", ("community", 12)), ("courtyard:3", ("courtyard", 3)),
    ("courtyard:0", None), ("courtyard:-1", None), ("building:3", None), ("community:", None), (None, None),
    ("community:1 2", None), (3, None),
])
def test_parse_scope(raw, parsed):
    assert rules.parse_scope(raw) == parsed


def test_ranking_orders_by_the_chosen_figure_and_puts_no_data_last():
    rows = [
        {"id": 1, "name": "甲", "on_time_rate": 0.5, "satisfaction_rate": 0.9, "reopen_rate": 0.1,
         "avg_hours_to_resolve": 30.0},
        {"id": 2, "name": "乙", "on_time_rate": 0.9, "satisfaction_rate": None, "reopen_rate": 0.0,
         "avg_hours_to_resolve": 50.0},
        {"id": 3, "name": "丙", "on_time_rate": None, "satisfaction_rate": 1.0, "reopen_rate": None,
         "avg_hours_to_resolve": None},
        {"id": 4, "name": "丁", "on_time_rate": 0.5, "satisfaction_rate": 0.95, "reopen_rate": 0.3,
         "avg_hours_to_resolve": 10.0},
    ]
    assert [r["id"] for r in rules.rank(rows)] == [2, 4, 1, 3]
    assert [r["rank"] for r in rules.rank(rows)] == [1, 2, 3, 4]
    assert [r["id"] for r in rules.rank(rows, "satisfaction_rate")] == [3, 4, 1, 2]
    assert [r["id"] for r in rules.rank(rows, "reopen_rate")] == [2, 1, 4, 3]
    assert [r["id"] for r in rules.rank(rows, "avg_hours_to_resolve")] == [4, 1, 2, 3]
    assert [r["id"] for r in rules.rank(rows, "nonsense")] == [2, 4, 1, 3]


rate_or_none = st.none() | st.floats(min_value=0, max_value=1)


@given(st.lists(st.fixed_dictionaries({"on_time_rate": rate_or_none, "satisfaction_rate": rate_or_none,
                                       "reopen_rate": rate_or_none, "avg_hours_to_resolve": rate_or_none}),
                max_size=12))
def test_ranking_first_figure_is_monotone(rows):
    rows = [{**r, "id": i, "name": str(i)} for i, r in enumerate(rows)]
    ranked = rules.rank(rows)
    values = [r["on_time_rate"] for r in ranked]
    with_data = [v for v in values if v is not None]
    assert with_data == sorted(with_data, reverse=True)
    assert values == with_data + [None] * (len(values) - len(with_data))


def test_hot_spots_busiest_first_with_change_and_rising():
    months = ["2026-04", "2026-05", "2026-06"]
    cells = {(1, "repairs"): {"2026-04": 1, "2026-05": 3, "2026-06": 2},
             (2, "parking"): {"2026-06": 6},
             (1, "parking"): {"2026-05": 1},
             (3, "greening"): {"2026-01": 9}}
    previous = {(1, "repairs"): 5, (2, "parking"): 1}
    rows = rules.hot_spots(cells, months, previous)
    assert [r["key"] for r in rows] == [(2, "parking"), (1, "repairs"), (1, "parking")]
    assert rows[0]["by_month"] == [0, 0, 6] and rows[0]["rising"] and rows[0]["change"]["delta"] == 5
    assert rows[1]["total"] == 6 and not rows[1]["rising"]
    assert not rows[2]["rising"]
    assert rules.hot_spots(cells, months, previous, limit=1)[0]["key"] == (2, "parking")


@given(st.integers(0, 100), st.integers(0, 100))
def test_rising_needs_enough_topics_and_growth(current, previous):
    assert rules.is_rising(current, previous) == (current >= 3 and current >= 1.5 * previous)


def test_seasonal_profile_finds_winter_heating():
    profile = rules.seasonal_profile({1: 9, 2: 6, 11: 5, 12: 8, 6: 1})
    assert profile["total"] == 29 and profile["by_month"][0] == 9
    assert profile["peak_months"] == [1, 2, 11, 12]
    assert abs(sum(profile["share"]) - 1) < 0.001
    assert rules.seasonal_profile({}) == {"by_month": [0] * 12, "total": 0, "share": [None] * 12, "peak_months": []}
