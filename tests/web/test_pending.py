"""The approval list: only the building lead, the secretary and community staff decide."""
import sqlalchemy as sa

from courtyard.extensions import db
from courtyard.places.models import Membership, MembershipStatus


def _request(make, cy, **kw):
    user = make.resident(cy, status="pending", **kw)
    m = db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
    return user, m


def _status(m) -> MembershipStatus:
    db.session.rollback()
    return db.session.get(Membership, m.id).status


def test_a_resident_may_not_see_or_decide_requests(english, make):
    cy = make.courtyard()
    _, m = _request(make, cy)
    english.login(make.resident(cy))
    assert english.get(f"/courtyards/{cy.id}/pending").status_code == 403
    assert english.post(f"/courtyards/{cy.id}/pending/{m.id}", {"decision": "approve"}).status_code == 403
    assert _status(m) == MembershipStatus.pending


def test_an_outsider_gets_not_found(english, make):
    cy = make.courtyard()
    _, m = _request(make, cy)
    english.login(make.secretary(make.courtyard()))
    assert english.get(f"/courtyards/{cy.id}/pending").status_code == 404
    assert english.post(f"/courtyards/{cy.id}/pending/{m.id}", {"decision": "approve"}).status_code == 404
    assert _status(m) == MembershipStatus.pending


def test_a_request_of_another_courtyard_is_not_found_here(english, make):
    mine, theirs = make.courtyard(), make.courtyard()
    _, m = _request(make, theirs)
    english.login(make.secretary(mine))
    assert english.post(f"/courtyards/{mine.id}/pending/{m.id}", {"decision": "approve"}).status_code == 404
    assert _status(m) == MembershipStatus.pending


def test_the_building_lead_rejects_and_the_person_still_sees_nothing(english, make, new_browser):
    cy = make.courtyard()
    user, m = _request(make, cy, user=make.user(display_name="吴海涛"))
    english.login(make.building_lead(cy))
    page = english.text(f"/courtyards/{cy.id}/pending")
    assert "吴海涛" in page and "Tenant" not in page and "Owner" in page
    r = english.post(f"/courtyards/{cy.id}/pending/{m.id}", {"decision": "reject"})
    assert r.status_code == 302
    assert _status(m) == MembershipStatus.rejected
    after = english.text(f"/courtyards/{cy.id}/pending")
    assert "The request of 吴海涛 was turned down." in after
    assert "No one is waiting." in after
    assert new_browser(user).get(f"/courtyards/{cy.id}").status_code == 404


def test_community_staff_approve(english, make):
    cy = make.courtyard()
    _, m = _request(make, cy)
    english.login(make.community_staff(cy.building.community))
    assert english.post(f"/courtyards/{cy.id}/pending/{m.id}", {"decision": "approve"}).status_code == 302
    assert _status(m) == MembershipStatus.active


def test_a_decided_request_cannot_be_decided_again(english, make):
    cy = make.courtyard()
    _, m = _request(make, cy)
    english.login(make.secretary(cy))
    english.post(f"/courtyards/{cy.id}/pending/{m.id}", {"decision": "approve"})
    r = english.post(f"/courtyards/{cy.id}/pending/{m.id}", {"decision": "reject"})
    assert r.status_code == 409
    assert "This request has already been decided." in r.text
    assert _status(m) == MembershipStatus.active


def test_an_unknown_decision_changes_nothing(english, make):
    cy = make.courtyard()
    _, m = _request(make, cy)
    english.login(make.secretary(cy))
    r = english.post(f"/courtyards/{cy.id}/pending/{m.id}", {"decision": "maybe"})
    assert r.status_code == 422
    assert _status(m) == MembershipStatus.pending


def test_deciding_needs_the_csrf_token(english, make):
    cy = make.courtyard()
    _, m = _request(make, cy)
    english.login(make.secretary(cy))
    english.post(f"/courtyards/{cy.id}/pending/{m.id}", {"decision": "approve"}, csrf=False)
    assert _status(m) == MembershipStatus.pending
