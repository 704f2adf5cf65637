"""The audit log: who did what, appended by every service that changes state; the database refuses edits."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from courtyard import audit
from courtyard.audit import AuditEntry
from courtyard.deliberation import moderation
from courtyard.deliberation import services as deliberation
from courtyard.errors import Invalid
from courtyard.extensions import db
from courtyard.places import services as places

from ..api.conftest import assert_error

BEIJING = ZoneInfo("Asia/Shanghai")  # the street's days


def entries(**where) -> list[tuple]:
    q = sa.select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        q = q.where(getattr(AuditEntry, key) == value)
    return [(e.action, e.subject_type, e.subject_id, e.actor_id) for e in db.session.scalars(q)]


@pytest.fixture
def cy(make):
    return make.courtyard()


def test_topic_changes_are_logged(make, cy):
    secretary, resident = make.secretary(cy), make.resident(cy)
    topic = deliberation.create_topic(resident, cy, title="楼道堆物", body="三楼楼道堆满纸箱", category="safety")
    deliberation.change_status(secretary, topic, "deliberating")
    moderation.lock_topic(secretary, topic)
    moderation.pin_topic(secretary, topic)
    moderation.unpin_topic(secretary, topic)
    dup = deliberation.create_topic(resident, cy, title="楼道纸箱", body="同上", category="safety")
    moderation.merge_topic(secretary, dup, into_topic_id=topic.id)
    assert entries(subject_type="topic") == [
        ("topic.created", "topic", topic.id, resident.id), ("topic.status", "topic", topic.id, secretary.id),
        ("topic.locked", "topic", topic.id, secretary.id), ("topic.pinned", "topic", topic.id, secretary.id),
        ("topic.unpinned", "topic", topic.id, secretary.id), ("topic.created", "topic", dup.id, resident.id),
        ("topic.merged", "topic", dup.id, secretary.id)]
    status = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "topic.status")).one()
    assert status.data == {"from": "open", "to": "deliberating"} and status.courtyard_id == cy.id


def test_role_changes_and_approvals_are_logged(make, cy):
    admin = make.street_admin()
    person, org = make.user(), make.organization()
    places.set_courtyard_member(admin, cy, user_id=person.id, role="building_lead")
    places.set_courtyard_member(admin, cy, user_id=person.id, role="secretary")
    places.add_organization_member(admin, org, user_id=person.id)
    places.add_community_staff(admin, cy.building.community, user_id=person.id)
    unit = cy.building.units[0]
    applicant = make.user()
    pending = places.request_membership(applicant, invite_code=cy.building.invite_code, unit_id=unit.id)
    places.decide_membership(person, pending, approve=True)
    places.remove_membership(admin, pending)
    other = places.request_membership(make.user(), invite_code=cy.building.invite_code, unit_id=unit.id)
    places.decide_membership(person, other, approve=False)
    got = [(a, t) for a, t, _, _ in entries()]
    assert got == [("role.changed", "membership"), ("role.changed", "membership"),
                   ("role.organization_staff", "organization"), ("role.community_staff", "community"),
                   ("membership.approved", "membership"), ("membership.removed", "membership"),
                   ("membership.rejected", "membership")]
    second = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "role.changed")
                                .order_by(AuditEntry.id.desc())).first()
    assert second.data["from"] == "building_lead" and second.data["to"] == "secretary"


def test_ballots_are_logged(make, cy):
    from courtyard import clock
    from courtyard.voting import services as voting
    secretary = make.secretary(cy)
    voters = [make.resident(cy) for _ in range(2)]
    topic = deliberation.create_topic(voters[0], cy, title="加装充电桩", body="车棚没有充电桩", category="facilities")
    proposal = voting.create_proposal(secretary, topic, title="装10个充电桩", body="物业出资")
    voting.open_ballot(secretary, proposal, rule="majority", closes_at=clock.now() + timedelta(hours=1))
    for v in voters:
        voting.cast_vote(v, proposal, "yes")
    voting.close_ballot(secretary, proposal)
    got = entries(subject_type="proposal")
    assert [a for a, *_ in got] == ["proposal.created", "proposal.ballot_opened", "proposal.closed"]
    closed = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "proposal.closed")).one()
    assert closed.data["status"] == "adopted"


def test_an_act_is_logged_before_what_it_causes_with_its_terms(make, cy):
    """The log's receivers run first (courtyard/signals.py): opening ballots on an open topic
    logs each proposal's ballot, then the topic's new status that another listener made."""
    from datetime import datetime

    from courtyard import clock
    from courtyard.voting import services as voting
    secretary, resident = make.secretary(cy), make.resident(cy)
    topic = deliberation.create_topic(resident, cy, title="车棚", body="车棚要修", category="facilities")
    first = voting.create_proposal(secretary, topic, title="修车棚", body="物业出资")
    second = voting.create_proposal(resident, topic, title="拆车棚", body="改绿地")
    closes = (clock.now() + timedelta(days=2)).astimezone(BEIJING).replace(microsecond=0)
    voting.open_ballots(secretary, [first, second], rule="majority", closes_at=closes.isoformat(), secret=True,
                        quorum="0.5")
    got = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()[-3:]
    assert [(e.action, e.subject_id, e.actor_id, e.courtyard_id) for e in got] == [
        ("proposal.ballot_opened", first.id, secretary.id, cy.id),
        ("proposal.ballot_opened", second.id, secretary.id, cy.id),
        ("topic.status", topic.id, secretary.id, cy.id)]
    terms = got[0].data
    assert datetime.fromisoformat(terms.pop("closes_at")) == closes
    assert terms == {"rule": "majority", "secret": True, "quorum": "0.5000", "eligible_people": 2}
    assert got[2].data == {"from": "open", "to": "deliberating"}


def test_a_ballot_closed_by_its_deadline_has_no_actor(make, cy):
    from courtyard import clock
    from courtyard.voting import services as voting
    secretary = make.secretary(cy)
    topic = deliberation.create_topic(secretary, cy, title="门禁", body="换门禁", category="safety")
    proposal = voting.create_proposal(secretary, topic, title="换门禁", body="刷卡")
    voting.open_ballot(secretary, proposal, rule="majority", closes_at=clock.now() + timedelta(hours=1))
    voting.cast_vote(secretary, proposal, "yes")
    later = clock.now() + timedelta(hours=2)
    clock.use(type("Later", (), {"now": staticmethod(lambda: later)})())  # the app fixture puts it back
    assert voting.close_due_ballots() == [proposal.id]
    closed = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "proposal.closed")).one()
    assert (closed.actor_id, closed.subject_id, closed.courtyard_id) == (None, proposal.id, cy.id)
    assert closed.data["status"] == "adopted" and closed.data["counts"]["yes"] == 1


def test_an_act_that_fails_leaves_no_entry(make, cy):
    resident = make.resident(cy)
    with pytest.raises(Invalid):
        deliberation.create_topic(resident, cy, title="", body="", category="nonsense")
    assert entries() == []


def test_the_database_refuses_to_change_or_delete_entries(make, cy, app):
    resident = make.resident(cy)
    deliberation.create_topic(resident, cy, title="楼道灯", body="不亮", category="facilities")
    entry_id = db.session.scalar(sa.select(AuditEntry.id))
    for statement in (sa.update(AuditEntry).where(AuditEntry.id == entry_id).values(action="topic.forged"),
                      sa.delete(AuditEntry).where(AuditEntry.id == entry_id),
                      sa.delete(AuditEntry)):
        with db.engine.connect() as conn:  # a connection of its own: as any other client would
            with pytest.raises(sa.exc.DBAPIError) as err:
                conn.execute(statement)
                conn.commit()
            assert "append-only" in str(err.value)
            conn.rollback()
    db.session.expire_all()
    assert db.session.get(AuditEntry, entry_id).action == "topic.created"


def test_search_filters(make, cy):
    from courtyard import clock
    secretary, resident = make.secretary(cy), make.resident(cy)
    t1 = deliberation.create_topic(resident, cy, title="一", body="一", category="other")
    deliberation.change_status(secretary, t1, "deliberating")

    def found(**kw):
        return [(e.action, e.subject_id) for e in db.session.scalars(audit.search(**kw))]

    assert found(actor_id=secretary.id) == [("topic.status", t1.id)]
    assert found(action="topic.") == [("topic.status", t1.id), ("topic.created", t1.id)]
    assert found(action="topic.created") == [("topic.created", t1.id)]
    assert found(subject_type="topic", subject_id=str(t1.id))[0] == ("topic.status", t1.id)
    today = clock.now().astimezone(BEIJING).date()
    assert len(found(since=today.isoformat(), until=today.isoformat())) == 2
    assert found(since=(today + timedelta(days=1)).isoformat()) == []
    assert found(actor_id=2**40) == []
    for bad in ({"since": "yesterday"}, {"actor_id": "x"}, {"since": "2026-05-02", "until": "2026-05-01"}):
        with pytest.raises(Invalid):
            audit.search(**bad)


# --- reading it: the page and the API ------------------------------------------------------

def test_only_street_administrators_read_it(make, cy, api):
    admin, secretary = make.street_admin(), make.secretary(cy)
    deliberation.create_topic(secretary, cy, title="一", body="一", category="other")
    body = api.as_(admin).get("/audit?action=topic.created").get_json()
    assert body["total"] == 1 and body["items"][0]["action"] == "topic.created"
    assert set(body["items"][0]) == {"id", "created_at", "actor_id", "action", "subject_type", "subject_id",
                                     "courtyard_id", "data"}
    assert_error(api.as_(secretary).get("/audit"), 403)
    assert_error(api.as_(make.community_staff(cy.building.community)).get("/audit"), 403)
    assert_error(api.as_(None).get("/audit"), 401)
    assert_error(api.as_(admin).get("/audit?since=soon"), 422, "since")
    assert_error(api.as_(admin).get("/audit?per_page=1000"), 422, "per_page")


def test_the_audit_page(make, cy, app):
    from ..web.browser import Browser
    admin, secretary = make.street_admin(), make.secretary(cy)
    deliberation.create_topic(secretary, cy, title="一", body="一", category="other")
    b = Browser(app.test_client()).english()
    b.login(secretary)
    assert b.get("/audit").status_code == 403
    b = Browser(app.test_client()).english()
    b.login(admin)
    html = b.text(f"/audit?actor={secretary.login}&action=topic.created")
    assert "topic.created" in html and secretary.display_name in html
    assert "topic.created" not in b.text("/audit?actor=nobody").split('id="audit-entries"')[1]
    assert "Must be a date" in b.text("/audit?since=nonsense")  # the error is shown, the page still works
