"""Each role lands on its work (courtyard/web/landing.py): at the login, at / and at an empty 我的院落."""
from __future__ import annotations

import pytest

from courtyard.insight import permissions as insight
from courtyard.tasks import permissions as tasks
from courtyard.web import landing
from tests.factories import PASSWORD


@pytest.fixture
def people(make):
    """One person of each kind, in two courtyards of one community."""
    a, b = make.courtyard(), make.courtyard()
    community = a.building.community
    b.building.community = community
    prop, dept = make.organization(kind="property"), make.organization(kind="department")
    two = make.resident(a)
    make.resident(b, user=two)
    return {
        "courtyards": (a, b),
        "resident": make.resident(a),
        "two_courtyards": two,
        "secretary": make.secretary(a),
        "newcomer": make.user(),
        "pending": make.resident(a, status="pending"),
        "property": make.org_staff(prop),
        "department": make.org_staff(dept),
        "community": make.community_staff(community),
        "street": make.street_admin(),
        # A property manager who also lives in a courtyard still lands on the queue.
        "property_resident": make.org_staff(prop, user=make.resident(b)),
    }


EXPECTED = {
    "resident": "courtyard:a", "two_courtyards": "/courtyards", "secretary": "courtyard:a",
    "newcomer": "/courtyards", "pending": "/courtyards", "property": "/tasks", "department": "/tasks",
    "community": "/insight", "street": "/insight", "property_resident": "/tasks",
}


def _expected(people, role):
    want = EXPECTED[role]
    return f"/courtyards/{people['courtyards'][0].id}" if want == "courtyard:a" else want


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_login_form_opens_the_work_of_each_role(people, role, new_browser):
    b = new_browser()
    r = b.post("/login", {"login": people[role].login, "password": PASSWORD})
    assert r.status_code == 302
    assert r.headers["Location"] == _expected(people, role)
    assert b.get(r.headers["Location"]).status_code == 200


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_home_page_opens_the_work_of_each_role(people, role, new_browser):
    r = new_browser(people[role]).get("/")
    assert r.status_code == 302 and r.headers["Location"] == _expected(people, role)


def test_an_explicit_next_still_wins(people, new_browser):
    for role in ("property", "community", "resident"):
        r = new_browser().post("/login?next=/notifications", {"login": people[role].login, "password": PASSWORD})
        assert r.headers["Location"] == "/notifications"


def test_signed_in_at_the_login_page_goes_to_the_work_too(people, new_browser):
    assert new_browser(people["property"]).get("/login").headers["Location"] == "/tasks"
    assert new_browser(people["property"]).get("/login?next=/notifications").headers["Location"] == "/notifications"


def test_staff_without_a_courtyard_are_not_told_to_find_an_invite_code(people, new_browser):
    for role in ("property", "department"):
        r = new_browser(people[role]).get("/courtyards")
        assert r.status_code == 302 and r.headers["Location"] == "/tasks"
    # Those who look after courtyards, or wait to join one, still have the list.
    assert "Waiting for approval" in new_browser(people["pending"]).text("/courtyards")
    assert "invite code" in new_browser(people["newcomer"]).text("/courtyards")
    html = new_browser(people["community"]).text("/courtyards")
    assert f"/courtyards/{people['courtyards'][0].id}" in html
    assert new_browser(people["property_resident"]).get("/courtyards").status_code == 200


def test_the_landing_agrees_with_the_navigation(people, app):
    """The queue and the dashboard a person lands on are the ones the header offers them."""
    with app.test_request_context():
        for role in EXPECTED:
            user = people[role]
            what, _id = landing.workplace(user)
            assert (what == landing.QUEUE) == tasks.can_use_work_queue(user), role
            if what == landing.DASHBOARD:
                assert insight.can_use_dashboard(user), role
            if not tasks.can_use_work_queue(user) and insight.can_use_dashboard(user):
                assert what == landing.DASHBOARD, role
