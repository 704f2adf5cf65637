"""The shared parsers of courtyard/validation.py: one id parser, one deadline parser."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtyard.clock import LOCAL_TZ
from courtyard.validation import MAX_ID, Fields, parse_datetime, parse_id, parse_id_filter, parse_whole

ids = st.integers(min_value=1, max_value=MAX_ID)
not_ids = st.one_of(st.integers(min_value=-10**20, max_value=0), st.integers(min_value=MAX_ID + 1, max_value=10**20))


@given(ids)
def test_an_id_is_an_int_or_its_decimal_digits(ident):
    assert parse_id(ident) == ident
    assert parse_id(str(ident)) == ident
    assert parse_id(f" {ident}\n") == ident
    assert parse_id(str(ident).zfill(12)) == ident


@given(not_ids)
def test_zero_negative_and_huge_name_nothing(number):
    assert parse_id(number) is None
    assert parse_id(str(number)) is None
    assert parse_whole(str(number)) == number  # a whole number, just not an id


@given(st.one_of(st.floats(), st.booleans(), st.none(), st.lists(ids, max_size=2),
                 st.dictionaries(st.text(max_size=3), ids, max_size=2), st.binary(max_size=4)))
def test_other_types_are_never_ids(value):
    assert parse_id(value) is None


@given(st.text(max_size=40))
def test_any_text_is_an_id_only_when_it_spells_one(text):
    ident = parse_id(text)
    if ident is None:
        return
    body = text.strip().lstrip("+")
    assert body.isascii() and body.isdigit() and 1 <= ident <= MAX_ID and int(body) == ident


@pytest.mark.parametrize("value", [True, False, 1.0, 5.5, "1.0", "1e3", "0x10", "1_000", "²", "٣", "", " ",
                                   "-1", "0", str(MAX_ID + 1), "9" * 5000, None, [1], {"id": 1}])
def test_the_usual_impostors(value):
    assert parse_id(value) is None


def test_a_list_filter_tells_garbage_from_out_of_range():
    f = Fields()
    assert parse_id_filter(f, "org_id", None) is None and parse_id_filter(f, "org_id", "") is None
    assert parse_id_filter(f, "org_id", "7") == 7
    assert parse_id_filter(f, "org_id", "0") == -1 and parse_id_filter(f, "org_id", str(MAX_ID + 1)) == -1
    assert parse_id_filter(f, "subject_id", "0", minimum=0) == 0
    assert not f.errors
    assert parse_id_filter(f, "org_id", "abc") is None and parse_id_filter(f, "x", True) is None
    assert set(f.errors) == {"org_id", "x"}


# --- deadlines -----------------------------------------------------------------------------

def test_a_moment_with_a_zone_is_taken_as_it_is_and_given_in_utc():
    f = Fields()
    got = parse_datetime(f, "closes_at", "2026-12-01T20:00:00+08:00")
    assert got == datetime(2026, 12, 1, 12, tzinfo=timezone.utc) and got.tzinfo == timezone.utc
    aware = datetime(2026, 12, 1, 20, tzinfo=LOCAL_TZ)
    assert parse_datetime(f, "closes_at", aware) == aware
    assert not f.errors


def test_a_local_form_value_is_beijing_time_only_where_allowed():
    f = Fields()
    assert parse_datetime(f, "due_at", "2026-12-01T20:00", local=True) == datetime(2026, 12, 1, 12,
                                                                                    tzinfo=timezone.utc)
    assert not f.errors
    assert parse_datetime(f, "closes_at", "2026-12-01T20:00") is None
    assert "time zone" in str(f.errors["closes_at"])


@pytest.mark.parametrize("value", ["soon", "2026-13-01T00:00", "31/12/2026", 20261201, True, ["2026-12-01"],
                                   "0001-01-01T00:00", "0001-01-01T00:00+14:00"])
def test_anything_else_is_a_clear_message(value):
    f = Fields()
    assert parse_datetime(f, "due_at", value, local=True) is None
    assert "ISO 8601" in str(f.errors["due_at"])


def test_empty_is_required_or_nothing():
    f = Fields()
    assert parse_datetime(f, "due_at", "", required=False) is None and parse_datetime(f, "due_at", None,
                                                                                      required=False) is None
    assert not f.errors
    assert parse_datetime(f, "closes_at", " ") is None and "closes_at" in f.errors


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_a_local_value_round_trips(naive):
    f = Fields()
    got = parse_datetime(f, "due_at", naive.isoformat(), local=True)
    assert got.astimezone(LOCAL_TZ).replace(tzinfo=None) == naive
    assert got.utcoffset() == timedelta(0)
