"""Joining with an invite code: the courtyard stays invisible until the building lead or secretary approves."""
import sqlalchemy as sa

from courtyard.accounts.models import User
from courtyard.extensions import db
from courtyard.places.models import Membership, MembershipStatus


def _signup(unit, **overrides) -> dict:
    data = {"unit_id": str(unit.id), "tenure": "owner", "display_name": "周桂芳", "phone": "13655556666",
            "login": "zhougf", "password": "longenough-1", "password_again": "longenough-1"}
    data.update(overrides)
    return data


def _count(model) -> int:
    db.session.rollback()  # read what the requests committed
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_newcomer_sees_nothing_of_the_courtyard_until_approved(english, make, new_browser):
    cy = make.courtyard()
    make.resident(cy, user=make.user(display_name="邻居陈大爷", phone="13512340001"))
    secretary = make.secretary(cy)
    code = cy.building.invite_code
    unit = cy.building.units[2]

    r = english.post("/register", {"invite_code": f"  {code.lower()} "})  # as typed on a phone
    assert r.headers["Location"] == f"/join/{code}"
    page = english.text(f"/join/{code}")
    assert cy.building.name in page and unit.label in page
    assert "邻居陈大爷" not in page

    r = english.post(f"/join/{code}", _signup(unit))
    assert r.status_code == 302
    assert r.headers["Location"] == "/waiting"
    waiting = english.text("/waiting")
    assert "Your request has been sent" in waiting
    assert "邻居陈大爷" not in waiting

    mine = english.text("/courtyards")
    assert "Pending" in mine
    assert f"/courtyards/{cy.id}" not in mine
    assert "邻居陈大爷" not in mine
    assert english.get(f"/courtyards/{cy.id}").status_code == 404
    assert english.get(f"/courtyards/{cy.id}/pending").status_code == 404

    sec = new_browser(secretary)
    requests = sec.text(f"/courtyards/{cy.id}/pending")
    assert "周桂芳" in requests and "13655556666" in requests and unit.label in requests
    membership = db.session.scalar(sa.select(Membership).where(Membership.courtyard_id == cy.id,
                                                               Membership.status == MembershipStatus.pending))
    r = sec.post(f"/courtyards/{cy.id}/pending/{membership.id}", {"decision": "approve"})
    assert r.status_code == 302
    assert "周桂芳 has joined the courtyard." in sec.text(f"/courtyards/{cy.id}/pending")

    home = english.text(f"/courtyards/{cy.id}")
    assert "邻居陈大爷" in home
    assert "135****0001" in home and "13512340001" not in home  # a neighbour's phone stays masked
    mine = english.text("/courtyards")
    assert f"/courtyards/{cy.id}" in mine
    assert "Pending" not in mine


def test_a_wrong_invite_code_is_named_on_the_field_and_nothing_is_stored(english, make):
    make.courtyard()
    r = english.post("/register", {"invite_code": "WRONG123"})
    assert r.status_code == 422
    assert 'id="invite_code-error"' in r.text
    assert "No building has this invite code." in r.text
    r = english.get("/join/WRONG123")
    assert r.status_code == 404
    assert "No building has this invite code." in r.text
    assert _count(User) == 0


def test_bad_sign_up_fields_are_shown_next_to_them_and_nothing_is_stored(english, make):
    cy = make.courtyard()
    other = make.courtyard()
    make.user("takenname")
    code = cy.building.invite_code
    r = english.post(f"/join/{code}", _signup(other.building.units[0], login="takenname", password="short",
                                               password_again="short", display_name="", phone="call me"))
    assert r.status_code == 422
    html = r.text
    for field in ("unit_id", "login", "password", "display_name", "phone"):
        assert f'id="{field}-error"' in html, field
    assert "Not a flat of this building." in html
    assert "This login is taken." in html
    assert "Must be at least 8 characters." in html
    assert "Enter an 11-digit mobile number starting with 1." in html
    assert 'value="takenname"' in html  # what was typed is kept, passwords are not
    assert "short" not in html
    assert _count(User) == 1
    assert _count(Membership) == 0


def test_owner_or_tenant_must_be_chosen_and_passwords_must_match_and_all_is_said_at_once(english, make):
    cy = make.courtyard()
    code = cy.building.invite_code
    data = _signup(cy.building.units[0], password_again="different-1")
    del data["tenure"]
    data["login"] = "x"
    r = english.post(f"/join/{code}", data)
    assert r.status_code == 422
    assert "Some fields need attention." in r.text
    assert 'id="tenure-error"' in r.text and "Choose owner or tenant." in r.text
    assert 'id="password_again-error"' in r.text and "The two passwords differ." in r.text
    assert 'id="login-error"' in r.text  # every problem is named at once
    assert 'id="password-error"' not in r.text
    assert _count(User) == 0


def test_a_tenant_is_recorded_as_not_owning_the_flat(english, make):
    cy = make.courtyard()
    r = english.post(f"/join/{cy.building.invite_code}", _signup(cy.building.units[1], tenure="tenant"))
    assert r.status_code == 302
    db.session.rollback()
    m = db.session.scalar(sa.select(Membership))
    assert m.is_owner is False and m.status == MembershipStatus.pending


def test_a_member_asks_to_join_another_building(english, make):
    home, second = make.courtyard(), make.courtyard()
    user = make.resident(home)
    english.login(user)
    r = english.post("/register", {"invite_code": second.building.invite_code})
    assert r.headers["Location"] == f"/join/{second.building.invite_code}"
    page = english.text(r.headers["Location"])
    assert 'name="login"' not in page  # no new account for someone logged in
    r = english.post(f"/join/{second.building.invite_code}", {"unit_id": str(second.building.units[0].id),
                                                              "tenure": "owner"})
    assert r.headers["Location"] == "/waiting"
    mine = english.text("/courtyards")
    assert f"/courtyards/{home.id}" in mine
    assert "Pending" in mine and second.building.name in mine
    assert english.get(f"/courtyards/{second.id}").status_code == 404

    again = english.post(f"/join/{second.building.invite_code}", {"unit_id": str(second.building.units[0].id),
                                                                  "tenure": "owner"})
    assert again.status_code == 409
    assert "You have already asked to join this courtyard." in again.text


def test_the_join_link_from_the_invite_works_for_newcomers(browser, make):
    cy = make.courtyard()
    page = browser.text(f"/join/{cy.building.invite_code.lower()}")
    assert "第 2 步" in page
    assert cy.building.name in page


def test_a_member_joining_must_say_owner_or_tenant_and_pick_a_flat(english, make):
    home, second = make.courtyard(), make.courtyard()
    english.login(make.resident(home))
    r = english.post(f"/join/{second.building.invite_code}", {"unit_id": ""})
    assert r.status_code == 422
    assert 'id="tenure-error"' in r.text and 'id="unit_id-error"' in r.text
    assert _count(Membership) == 1
