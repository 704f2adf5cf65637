"""Whatever is thrown at the write routes, the answer is never a 500 and always the contract's body."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


from .conftest import ERROR_CODES

FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

texts = st.text(max_size=30) | st.sampled_from([
    "", "   ", "\x00", "a\ud800b", "\udfff", "1", "-1", "0", "1e999", "NaN", "property", "department",
    "resident", "building_lead", "secretary", "十号楼", "x" * 300, "<script>alert(1)</script>"])
scalars = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | texts)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                      max_leaves=8)
ids = st.integers(min_value=-5, max_value=2**70)


def obj(fields: dict):
    """A JSON object with any subset of `fields` (each drawn from its strategy) and stray keys."""
    return st.tuples(st.fixed_dictionaries({}, optional=fields), st.dictionaries(texts, values, max_size=2)).map(
        lambda t: {**t[1], **t[0]})


units = st.lists(obj({"label": values, "area_m2": values}) | values, max_size=3)

# path template (filled from the world or a drawn id), body strategy
ROUTES = {
    "communities": ("/admin/communities", obj({"name": values})),
    "buildings": ("/admin/communities/{C1}/buildings",
                  obj({"name": values, "units": units | values, "property_org_id": values})),
    "organizations": ("/admin/organizations", obj({"name": values, "kind": values})),
    "users": ("/admin/users", obj({"login": values, "password": values, "display_name": values,
                                   "phone": values})),
    "members": ("/admin/courtyards/{A1}/members", obj({"user_id": values | ids, "role": values,
                                                        "unit_id": values | ids, "is_owner": values})),
    "org_members": ("/admin/organizations/{P}/members", obj({"user_id": values | ids})),
    "staff": ("/admin/communities/{C1}/staff", obj({"user_id": values | ids})),
    "join": ("/join", obj({"invite_code": values, "unit_id": values | ids, "is_owner": values})),
    "decision": ("/memberships/{M}/decision", obj({"approve": values})),
    "token": ("/auth/token", obj({"login": values, "password": values})),
}


def _url_safe(s: str) -> bool:
    """A URL carries bytes: lone surrogates cannot be sent, whatever the server would do."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_json(silent=True)
    if response.status_code >= 400:
        assert set(body) == {"error"}, body
        error = body["error"]
        assert error["code"] == ERROR_CODES[response.status_code] and isinstance(error["message"], str)
        assert set(error) <= {"code", "message", "fields"}
        assert all(isinstance(v, str) for v in error.get("fields", {}).values())
    else:
        assert isinstance(body, dict), body


@pytest.fixture
def admin(api, world):
    from courtyard.extensions import db
    from courtyard.places.models import Membership
    m = db.session.scalar(db.select(Membership).filter_by(user_id=world.user("pending").id))
    places = {"C1": world.communities["C1"].id, "A1": world.courtyards["A1"].id, "P": world.orgs["P"].id, "M": m.id}
    return api.as_(world.user("street_admin")), places


@pytest.mark.parametrize("name", ROUTES)
def test_json_bodies_never_break_a_route(admin, name):
    client, places = admin
    template, bodies = ROUTES[name]

    @FUZZ
    @given(body=bodies | values, use_real_id=st.booleans(), other_id=ids)
    def run(body, use_real_id, other_id):
        path = template.format(**{k: (v if use_real_id else other_id) for k, v in places.items()})
        check(client.post(path, body))

    run()


@FUZZ
@given(name=st.sampled_from(sorted(ROUTES)), data=st.binary(max_size=200) | values.map(
    lambda v: json.dumps(v).encode()), content_type=st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded",
     "multipart/form-data; boundary=x", "", "application/json; charset=latin-1"]))
def test_raw_bodies_never_break_a_route(admin, name, data, content_type):
    client, places = admin
    path = ROUTES[name][0].format(**places)
    headers = {"Content-Type": content_type} if content_type else {}
    check(client.request("POST", path, data=data, headers=headers))


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["page", "per_page", "q", "kind", "x"]),
                             texts.filter(_url_safe), max_size=3))
def test_list_queries_never_break(api, world, query):
    client = api.as_(world.user("street_admin"))
    for path in ("/courtyards", "/admin/users", "/admin/organizations", "/admin/communities"):
        check(client.get(path, query_string=query))


def test_a_surrogate_does_not_poison_the_next_request(admin):
    """A lone surrogate once left a pg8000 connection out of step: later queries got wrong answers."""
    client, places = admin
    check(client.post("/admin/communities", {"name": "a\ud800"}))
    r = client.post("/admin/communities", {"name": "芳城园三区社区"})
    assert r.status_code == 201 and r.get_json()["name"] == "芳城园三区社区"
