"""My courtyards and a courtyard's home: who sees what."""
import sqlalchemy as sa

from courtyard.extensions import db
from courtyard.places.models import Building


def test_my_courtyards_shows_a_card_per_courtyard_with_role_and_member_count(english, make):
    a, b = make.courtyard(), make.courtyard()
    user = make.secretary(a)
    make.resident(b, user=user)
    make.resident(a)
    english.login(user)
    html = english.text("/courtyards")
    assert f"/courtyards/{a.id}" in html and f"/courtyards/{b.id}" in html
    assert "Secretary · 2 members" in html
    assert "Resident · 1 member" in html


def test_a_resident_sees_neighbours_with_masked_phones_and_no_invite_code(english, make):
    cy = make.courtyard()
    neighbour = make.resident(cy, user=make.user(display_name="张阿姨", phone="13512340000"))
    me = make.resident(cy, user=make.user(display_name="李建国", phone="13900001111"))
    english.login(me)
    html = english.text(f"/courtyards/{cy.id}")
    assert neighbour.display_name in html
    assert "135****0000" in html and "13512340000" not in html
    assert "13900001111" in html  # my own number
    assert cy.building.invite_code not in html
    assert f"/courtyards/{cy.id}/pending" not in html
    assert "Topics" in html


def test_a_secretary_sees_phones_the_invite_code_and_the_waiting_list(english, make):
    cy = make.courtyard()
    make.resident(cy, user=make.user(phone="13512340000"))
    make.resident(cy, status="pending")
    english.login(make.secretary(cy))
    html = english.text(f"/courtyards/{cy.id}")
    assert "13512340000" in html
    assert cy.building.invite_code in html
    assert f"/join/{cy.building.invite_code}" in html
    assert f'href="/courtyards/{cy.id}/pending"' in html
    assert '<span class="count">1</span>' in html
    assert "1 join request waits for you" in english.text("/courtyards")


def test_an_outsider_gets_not_found(english, make):
    cy = make.courtyard()
    english.login(make.resident(make.courtyard()))
    assert english.get(f"/courtyards/{cy.id}").status_code == 404
    assert english.get("/courtyards/999999").status_code == 404
    assert english.get("/courtyards/not-a-number").status_code == 404


def test_community_staff_see_the_courtyards_of_their_community(english, make):
    cy = make.courtyard()
    staff = make.community_staff(cy.building.community)
    english.login(staff)
    html = english.text("/courtyards")
    assert f"/courtyards/{cy.id}" in html and "Community staff" in html
    assert cy.building.invite_code in english.text(f"/courtyards/{cy.id}")


def test_the_secretary_makes_a_new_invite_code_and_the_old_one_stops_working(english, make, new_browser):
    cy = make.courtyard()
    old = cy.building.invite_code
    english.login(make.secretary(cy))
    r = english.post(f"/courtyards/{cy.id}/invite-code")
    assert r.status_code == 302
    db.session.rollback()
    new = db.session.get(Building, cy.building_id).invite_code
    assert new != old
    assert new in english.text(f"/courtyards/{cy.id}")
    assert new_browser().get(f"/join/{old}").status_code == 404
    assert new_browser().get(f"/join/{new}").status_code == 200


def test_a_resident_cannot_change_the_invite_code(english, make):
    cy = make.courtyard()
    old = cy.building.invite_code
    english.login(make.resident(cy))
    assert english.post(f"/courtyards/{cy.id}/invite-code").status_code == 403
    db.session.rollback()
    assert db.session.scalar(sa.select(Building.invite_code).where(Building.id == cy.building_id)) == old
