"""Registration checks the phone when given (a mainland mobile: 11 digits starting with 1) and the password's
length (8 to 128) on the form and through the API, and stores nothing when they are wrong
(issue 10 item 7)."""
from __future__ import annotations

import pytest

from courtyard.accounts.models import User
from courtyard.accounts.services import mobile_number
from courtyard.extensions import db
from courtyard.places.models import Membership

from ..api.conftest import assert_error


def _signup(unit, **overrides) -> dict:
    data = {"unit_id": str(unit.id), "tenure": "owner", "display_name": "周桂芳", "phone": "13655556666",
            "login": "zhougf", "password": "longenough-1", "password_again": "longenough-1"}
    data.update(overrides)
    return data


def _count(model) -> int:
    db.session.rollback()
    return db.session.query(model).count()


@pytest.mark.parametrize("text,digits", [
    ("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("138-0013-8000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"), ("008613800138000", "13800138000"), ("19912345678", "19912345678"),
    ("1380013800", None), ("138001380001", None), ("23800138000", None), ("010-12345678", None),
    ("1380013800a", None), ("+1 415 555 0100", None), ("", None), ("１３８００１３８０００", None),
])
def test_a_mainland_mobile_number_is_11_digits_starting_with_1(text, digits):
    assert mobile_number(text) == digits


@pytest.mark.parametrize("phone", ["1380013800", "23800138000", "010-12345678", "call me"])
def test_a_bad_phone_is_named_on_the_form_and_nothing_is_stored(english, make, phone):
    cy = make.courtyard()
    r = english.post(f"/join/{cy.building.invite_code}", _signup(cy.building.units[0], phone=phone))
    assert r.status_code == 422
    assert 'id="phone-error"' in r.text
    assert _count(User) == 0 and _count(Membership) == 0


@pytest.mark.parametrize("password,message", [("seven77", "Must be at least 8 characters."),
                                              ("x" * 129, "Must be at most 128 characters.")])
def test_a_password_too_short_or_too_long_is_refused(english, make, password, message):
    cy = make.courtyard()
    r = english.post(f"/join/{cy.building.invite_code}",
                     _signup(cy.building.units[0], password=password, password_again=password))
    assert r.status_code == 422 and 'id="password-error"' in r.text and message in r.text
    assert _count(User) == 0


def test_a_good_number_is_stored_as_its_11_digits_and_the_limits_are_accepted(english, make):
    cy = make.courtyard()
    r = english.post(f"/join/{cy.building.invite_code}",
                     _signup(cy.building.units[0], phone="+86 136-5555-6666", password="x" * 128,
                             password_again="x" * 128))
    assert r.status_code in (302, 303), r.text[:500]
    db.session.rollback()
    assert db.session.query(User).one().phone == "13655556666"


def test_the_phone_may_be_left_out(english, make):
    cy = make.courtyard()
    r = english.post(f"/join/{cy.building.invite_code}", _signup(cy.building.units[0], phone=""))
    assert r.status_code in (302, 303), r.text[:500]
    db.session.rollback()
    assert db.session.query(User).one().phone is None


def test_the_form_checks_in_the_browser_too(english, make):
    cy = make.courtyard()
    html = english.text(f"/join/{cy.building.invite_code}")
    assert 'type="tel"' in html and 'minlength="8"' in html and 'maxlength="128"' in html


@pytest.mark.parametrize("fields,bad", [
    ({"phone": "12345"}, "phone"), ({"phone": "23800138000"}, "phone"),
    ({"password": "short"}, "password"), ({"password": "y" * 129}, "password"),
])
def test_the_api_answers_invalid_and_stores_nothing(api, make, fields, bad):
    admin = make.street_admin()
    before = _count(User)
    body = {"login": "newperson", "password": "longenough-1", "display_name": "新人", **fields}
    assert_error(api.as_(admin).post("/admin/users", body), 422, bad)
    assert _count(User) == before


def test_the_api_stores_a_good_number_as_digits(api, make):
    admin = make.street_admin()
    r = api.as_(admin).post("/admin/users", {"login": "newperson", "password": "longenough-1",
                                             "display_name": "新人", "phone": "139 0000 1111"})
    assert r.status_code == 201, r.get_data(as_text=True)
    db.session.rollback()
    assert db.session.query(User).filter_by(login="newperson").one().phone == "13900001111"
