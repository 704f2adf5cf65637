"""Whatever is put in the query string or the body, the Insight routes answer with the contract's
body and never a 500."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
texts = st.text(max_size=20).filter(lambda s: "\x00" not in s and not any(0xD800 <= ord(c) <= 0xDFFF for c in s)) | \
    st.sampled_from(["street", "community:1", "courtyard:1", "community:0", "courtyard:9" * 30, "2026-02-29",
                     "2025-02-29", "0000-01-01", "9999-12-31", "-1", "1e9", "NaN", "xlsx", "csv", "figures"])
params = st.dictionaries(st.sampled_from(["scope", "from", "to", "k", "days", "threshold", "sort", "what",
                                          "format", "page"]), texts, max_size=5)
CODES = {"bad_request", "unauthenticated", "forbidden", "not_found", "invalid"}


@pytest.mark.parametrize("path", ["/stats", "/foresight", "/exports", "/communities/1/ranking"])
@FUZZ
@given(query=params)
def test_query_strings_never_break_a_route(api, world, path, query):
    r = api.as_(world.admin).get(path, query_string=query)
    assert r.status_code in (200, 403, 404, 422), (r.status_code, query)
    if r.status_code != 200:
        assert r.get_json()["error"]["code"] in CODES


bodies = st.dictionaries(st.sampled_from(["topic_ids", "make_task", "title", "assignee_org_id"]),
                         st.none() | st.booleans() | st.integers(-2**40, 2**40) | texts
                         | st.lists(st.integers(-5, 2**40) | texts, max_size=4), max_size=4)


@FUZZ
@given(body=bodies)
def test_bodies_never_break_the_action(api, world, body):
    r = api.as_(world.staff_c1).post("/recurring-problems/actions", body)
    assert r.status_code in (201, 400, 403, 404, 409, 422), (r.status_code, body)
    if r.status_code != 201:
        assert r.get_json()["error"]["code"] in CODES | {"conflict"}
