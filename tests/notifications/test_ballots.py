"""Ballots reach their roll: who is told when voting opens, closes in 24 h / 2 h, is decided, or
a household is reminded — in the app (pushed live) and outbound, once per household."""
from __future__ import annotations

from datetime import timedelta

import pytest

from courtyard import clock, events, scheduler
from courtyard.extensions import db
from courtyard.notifications import services as notifications
from courtyard.notifications.models import Notification
from courtyard.voting import services as voting

from ..voting.conftest import FakeClock, Voting
from .conftest import pushes


@pytest.fixture
def v(make):
    return Voting(make)




def told(kind):
    return sorted(n.user_id for n in db.session.query(Notification).filter_by(kind=kind))


def texted(outbox, kind):
    return sorted(user.id for user, note in outbox if note["kind"] == kind)


def open_ballot(v, rule="majority", hours=48, **kw):
    p = v.proposal()
    return voting.open_ballot(v.secretary, p, rule=rule, closes_at=clock.now() + timedelta(hours=hours), **kw)


def test_opening_tells_everyone_on_the_roll_but_the_secretary_live_and_outbound(v, outbox):
    a, b = v.resident(), v.resident()
    muted = v.resident()
    topic = v.topic()
    notifications.mute(muted, topic)
    p = v.proposal(topic)
    with events.capture() as sent:
        voting.open_ballot(v.secretary, p, rule="majority", closes_at=clock.now() + timedelta(days=2))
    assert told("ballot_opened") == sorted([a.id, b.id])  # not the secretary, not the one who muted
    note = pushes(sent, a)[0]
    assert note["kind"] == "ballot_opened" and note["url"] == f"/proposals/{p.id}" and p.title in note["text"]
    assert pushes(sent, muted) == [] and pushes(sent, v.secretary) == []
    assert texted(outbox, "ballot_opened") == sorted([a.id, b.id])  # majority: everyone votes, everyone hears


def test_opening_several_proposals_tells_each_person_once(v, outbox):
    a = v.resident()
    topic = v.topic()
    ps = [v.proposal(topic, title=f"方案{i}") for i in range(3)]
    voting.open_ballots(v.secretary, ps, rule="majority", closes_at=clock.now() + timedelta(days=2))
    [row] = db.session.query(Notification).filter_by(kind="ballot_opened", user_id=a.id).all()
    assert row.url == f"/topics/{topic.id}#proposals" and "3" in row.text


def test_household_rules_text_one_person_per_flat_an_owner_first(v, make, outbox):
    from courtyard.places.models import Membership
    owner = v.resident()
    unit = db.session.query(Membership).filter_by(user_id=owner.id).one().unit
    tenant = v.resident(unit=unit, is_owner=False)
    other = v.resident()
    open_ballot(v, "household")
    assert told("ballot_opened") == sorted([owner.id, tenant.id, other.id])  # in the app: everyone
    assert texted(outbox, "ballot_opened") == sorted([owner.id, other.id])  # outbound: once per flat


def test_24h_and_2h_reminders_go_once_to_those_who_have_not_voted(v, fake_clock, outbox):
    a, b, c = v.resident(), v.resident(), v.resident()
    p = open_ballot(v, hours=30)
    voting.cast_vote(a, p, "yes")
    assert scheduler.run_due()["voting.remind_closing_ballots"] == {}  # 30 h to go
    fake_clock.advance(hours=6, seconds=1)
    assert scheduler.run_due()["voting.remind_closing_ballots"] == {p.id: [24]}
    assert told("ballot_closing") == sorted([b.id, c.id, v.secretary.id])  # a voted
    assert scheduler.run_due()["voting.remind_closing_ballots"] == {}  # once only
    voting.cast_vote(b, p, "no")
    fake_clock.advance(hours=22)
    assert scheduler.run_due()["voting.remind_closing_ballots"] == {p.id: [2]}
    second = [n for n in db.session.query(Notification).filter_by(kind="ballot_closing") if n.data["hours"] == 2]
    assert sorted(n.user_id for n in second) == sorted([c.id, v.secretary.id])
    assert "2" in second[0].text
    assert scheduler.run_due()["voting.remind_closing_ballots"] == {}
    fake_clock.advance(hours=3)
    scheduler.run_due()
    assert len(db.session.query(Notification).filter_by(kind="ballot_closing").all()) == 5


def test_under_the_unit_rules_a_flat_that_voted_is_not_reminded(v, fake_clock):
    from courtyard.places.models import Membership
    owner = v.resident()
    unit = db.session.query(Membership).filter_by(user_id=owner.id).one().unit
    tenant = v.resident(unit=unit, is_owner=False)
    other = v.resident()
    p = open_ballot(v, "household", hours=25)
    voting.cast_vote(tenant, p, "yes")  # the flat's vote
    fake_clock.advance(hours=1, seconds=1)
    scheduler.run_due()
    assert told("ballot_closing") == [other.id]  # the secretary has no flat: not on a household roll
    assert owner.id not in told("ballot_closing")


def test_a_short_ballot_gets_no_24h_reminder_and_a_very_short_one_none(v, fake_clock):
    v.resident()
    short = open_ballot(v, hours=10)
    tiny = voting.open_ballot(v.secretary, v.proposal(), rule="majority", closes_at=clock.now() + timedelta(minutes=90))
    assert scheduler.run_due()["voting.remind_closing_ballots"] == {}
    fake_clock.advance(hours=8, seconds=1)
    assert scheduler.run_due()["voting.remind_closing_ballots"] == {short.id: [2]}
    assert tiny.id not in scheduler.run_due()["voting.remind_closing_ballots"]


def test_a_missed_24h_reminder_is_not_sent_late_when_2h_is_due(v, fake_clock):
    v.resident()
    p = open_ballot(v, hours=48)
    fake_clock.advance(hours=46, minutes=30)  # the server was down through the 24 h mark
    assert scheduler.run_due()["voting.remind_closing_ballots"] == {p.id: [2]}
    db.session.refresh(p)
    assert p.reminded_24h_at is not None and p.reminded_2h_at is not None


def test_reminders_are_claimed_once_when_two_processes_race(v, fake_clock):
    v.resident()
    p = open_ballot(v, hours=25)
    fake_clock.advance(hours=2)
    first = voting.remind_closing_ballots()
    second = voting.remind_closing_ballots()
    assert first == {p.id: [24]} and second == {}


def test_the_decision_tells_the_roll_the_outcome_with_the_record(v, fake_clock, outbox):
    a, b = v.resident(), v.resident()
    muted = v.resident()
    p = open_ballot(v, hours=1)
    notifications.mute(muted, p.topic)
    voting.cast_vote(a, p, "yes")
    with events.capture() as sent:
        voting.close_ballot(v.secretary, p)
    assert told("ballot_decided") == sorted([a.id, b.id])
    note = pushes(sent, b)[0]
    assert note["url"] == f"/proposals/{p.id}/record" and "通过" in note["text"] and "未通过" not in note["text"]
    assert texted(outbox, "ballot_decided") == sorted([a.id, b.id])
    # on time (the scheduler), the secretary hears too; rejected reads "not adopted"
    q = open_ballot(v, hours=1)
    voting.cast_vote(a, q, "no")
    fake_clock.advance(hours=2)
    scheduler.run_due()
    rows = db.session.query(Notification).filter_by(kind="ballot_decided", url=f"/proposals/{q.id}/record").all()
    assert sorted(n.user_id for n in rows) == sorted([a.id, b.id, muted.id, v.secretary.id])  # muted the other topic
    assert all("未通过" in n.text for n in rows)


def test_the_sentences_are_in_each_readers_language(v, make):
    a, b = v.resident(), v.resident()
    b.locale = "en"
    db.session.commit()
    p = open_ballot(v)
    [row] = db.session.query(Notification).filter_by(kind="ballot_opened", user_id=a.id).all()
    assert "开始表决" in row.text and p.title in row.text
    [row] = db.session.query(Notification).filter_by(kind="ballot_opened", user_id=b.id).all()
    assert row.text.startswith("Voting has opened on")
    voting.close_ballot(v.secretary, p)
    [row] = db.session.query(Notification).filter_by(kind="ballot_decided", user_id=a.id).all()
    assert "未通过" in row.text and "协商纪要" in row.text
    [row] = db.session.query(Notification).filter_by(kind="ballot_decided", user_id=b.id).all()
    assert "was not adopted" in row.text


def test_a_reminder_tells_the_households_people_who_have_not_voted(v, outbox):
    from courtyard.places.models import Membership
    lead = v.make.building_lead(v.courtyard)
    owner = v.resident()
    unit = db.session.query(Membership).filter_by(user_id=owner.id).one().unit
    tenant = v.resident(unit=unit, is_owner=False)
    v.resident()
    p = open_ballot(v, "household")
    outbox.clear()
    with events.capture() as sent:
        voting.remind_household(lead, p, unit_id=unit.id)
    rows = db.session.query(Notification).filter_by(kind="ballot_reminder").all()
    assert sorted(n.user_id for n in rows) == sorted([owner.id, tenant.id])
    assert lead.display_name in pushes(sent, tenant)[0]["text"]
    assert texted(outbox, "ballot_reminder") == [owner.id]  # one text per flat, to its owner
