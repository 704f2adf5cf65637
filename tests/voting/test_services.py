"""Proposals and ballots through the services: who may do what, the roll, votes, the close."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from courtyard import clock, events, scheduler
from courtyard.deliberation.models import TopicStatus
from courtyard.errors import Conflict, Forbidden, Invalid, NotFound
from courtyard.extensions import db
from courtyard.places.models import Membership, MembershipStatus
from courtyard.voting import services
from courtyard.audit import AuditEntry
from courtyard.voting.models import ProposalStatus, RollEntry, Vote

from .conftest import FakeClock


def tally_counts(t):
    return t["counts"]["yes"], t["counts"]["no"], t["counts"]["abstain"]


# --- proposing -----------------------------------------------------------------------------

def test_a_resident_proposes_a_draft(v):
    resident = v.resident()
    topic = v.topic(author=resident)
    p = services.create_proposal(resident, topic, title="  装充电桩 ", body="北墙")
    assert (p.status, p.title, p.author_id, p.rule) == (ProposalStatus.draft, "装充电桩", resident.id, None)


def test_proposing_needs_membership_and_an_active_topic(v, make):
    topic = v.topic()
    outsider = make.resident(make.courtyard())
    with pytest.raises(NotFound):
        services.create_proposal(outsider, topic, title="x", body="y")
    with pytest.raises(Invalid) as err:
        services.create_proposal(v.secretary, topic, title="", body="y" * 5001)
    assert set(err.value.fields) == {"title", "body"}
    from courtyard.deliberation import services as deliberation
    deliberation.change_status(v.secretary, topic, "closed")
    with pytest.raises(Forbidden):
        services.create_proposal(v.resident(), topic, title="x", body="y")


# --- opening a ballot ----------------------------------------------------------------------

def test_opening_fixes_the_roll_and_moves_the_topic_along(v):
    a, b = v.resident(), v.resident(is_owner=False)
    p = v.ballot("majority")
    assert p.status == ProposalStatus.voting and p.topic.status == TopicStatus.deliberating
    roll = db.session.scalars(sa.select(RollEntry.user_id).where(RollEntry.proposal_id == p.id)).all()
    assert sorted(roll) == sorted([v.secretary.id, a.id, b.id])
    assert (p.eligible_people, p.eligible_households) == (3, 2)
    late = v.resident()
    with pytest.raises(Forbidden):
        services.cast_vote(late, p, "yes")  # joined after the roll was fixed
    assert services.tally_of(late, p)["eligible"]["people"] == 3


def test_household_roll_counts_units_with_a_member(v, make):
    unit = v.courtyard.building.units[0]
    v.resident(unit=unit)
    v.resident(unit=unit, is_owner=False)
    v.resident()
    p = v.ballot("household")
    t = services.tally_of(v.secretary, p)
    assert t["eligible"] == {"people": 3, "households": 2, "area_m2": 160.0}


def test_civil_code_roll_is_every_flat_of_the_building(v):
    owner = v.resident()
    v.resident(is_owner=False)  # a tenant: not on a Civil Code roll
    p = v.ballot("civil_code")
    t = services.tally_of(v.secretary, p)
    assert t["eligible"] == {"people": 1, "households": 6, "area_m2": 480.0}
    keys = db.session.scalars(sa.select(RollEntry.voter_key).where(RollEntry.proposal_id == p.id)).all()
    assert len(keys) == 6 and len(set(keys)) == 6
    assert services.cast_vote(owner, p, "yes").tally["participation"]["area_m2"] == 80.0


def test_only_moderators_open_ballots_and_only_once(v):
    resident = v.resident()
    p = v.proposal()
    with pytest.raises(Forbidden):
        services.open_ballot(resident, p, rule="majority", closes_at=clock.now() + timedelta(hours=1))
    v.ballot(proposal=p)
    with pytest.raises(Conflict):
        v.ballot(proposal=p)


@pytest.mark.parametrize("settings, fields", [
    ({"rule": "show_of_hands"}, {"rule"}),
    ({"closes_at": "2026-13-40"}, {"closes_at"}),
    ({"closes_at": "2030-01-01T20:00:00"}, {"closes_at"}),  # no time zone
    ({"closes_at": None}, {"closes_at"}),
    ({"closes_at": "past"}, {"closes_at"}),
    ({"closes_at": "far"}, {"closes_at"}),
    ({"quorum": "1.5"}, {"quorum"}),
    ({"quorum": "-0.1"}, {"quorum"}),
    ({"quorum": "half"}, {"quorum"}),
    ({"quorum": "0.33333"}, {"quorum"}),
    ({"secret": "yes"}, {"secret"}),
])
def test_ballot_settings_are_checked(v, settings, fields):
    p = v.proposal()
    given = {"rule": "majority", "closes_at": clock.now() + timedelta(days=1), "secret": False, "quorum": None}
    given.update(settings)
    if given["closes_at"] == "past":
        given["closes_at"] = clock.now() - timedelta(minutes=1)
    elif given["closes_at"] == "far":
        given["closes_at"] = clock.now() + timedelta(days=91)
    with pytest.raises(Invalid) as err:
        services.open_ballot(v.secretary, p, **given)
    assert set(err.value.fields) == fields
    assert p.status == ProposalStatus.draft


def test_several_proposals_open_together(v):
    topic = v.topic()
    p1, p2 = v.proposal(topic, title="方案一"), v.proposal(topic, title="方案二")
    services.open_ballots(v.secretary, [p1, p2], rule="household", closes_at=clock.now() + timedelta(days=2))
    assert p1.status == p2.status == ProposalStatus.voting and p1.rule.value == "household"


# --- voting --------------------------------------------------------------------------------

def test_a_later_vote_replaces_the_earlier(v):
    a = v.resident()
    p = v.ballot("majority")
    first = services.cast_vote(a, p, "yes")
    second = services.cast_vote(a, p, "no")
    assert (first.replaced, second.replaced) == (False, True)
    assert tally_counts(second.tally) == (0, 1, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1


def test_household_members_share_one_vote(v):
    unit = v.courtyard.building.units[0]
    husband, wife = v.resident(unit=unit), v.resident(unit=unit)
    p = v.ballot("household")
    services.cast_vote(husband, p, "yes")
    out = services.cast_vote(wife, p, "no")
    assert out.replaced and tally_counts(out.tally) == (0, 1, 0)
    assert out.tally["participation"]["households"] == 1
    mine = services.viewer_extras(husband, p)["my_vote"]
    assert mine["cast_for"]["id"] == wife.id and mine["choice"] == "no"  # an open ballot


def test_the_database_refuses_a_second_vote_row(v):
    a = v.resident()
    p = v.ballot("majority")
    services.cast_vote(a, p, "yes")
    db.session.add(Vote(proposal_id=p.id, voter_key=f"u:{a.id}", user_id=a.id, choice="no",
                        area_m2=Decimal(0)))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_bad_choices_and_strangers(v, make):
    a = v.resident()
    p = v.ballot()
    for bad in (None, "", "YES", 1, ["yes"]):
        with pytest.raises(Invalid):
            services.cast_vote(a, p, bad)
    with pytest.raises(NotFound):
        services.cast_vote(make.resident(make.courtyard()), p, "yes")
    with pytest.raises(NotFound):
        services.cast_vote(a, 10**6, "yes")
    with pytest.raises(NotFound):
        services.cast_vote(a, "x", "yes")
    staff = make.community_staff(v.courtyard.building.community)
    with pytest.raises(Forbidden):
        services.cast_vote(staff, p, "yes")  # sees the topic, is not on the roll


def test_a_removed_member_cannot_vote(v):
    a = v.resident()
    p = v.ballot()
    m = db.session.scalar(sa.select(Membership).where(Membership.user_id == a.id))
    m.status = MembershipStatus.removed
    db.session.commit()
    with pytest.raises(NotFound):
        services.cast_vote(a, p, "yes")


def test_voting_on_a_draft_is_a_conflict(v):
    with pytest.raises(Conflict):
        services.cast_vote(v.secretary, v.proposal(), "yes")


def test_no_vote_at_or_after_the_deadline_even_before_the_close(v, fake_clock):
    a, b = v.resident(), v.resident()
    p = v.ballot(minutes=10)
    services.cast_vote(a, p, "yes")
    fake_clock.advance(minutes=10)  # exactly closes_at
    with pytest.raises(Conflict):
        services.cast_vote(b, p, "no")
    assert db.session.get(type(p), p.id).status == ProposalStatus.voting  # the closer has not run
    assert scheduler.run_due()["voting.close_due_ballots"] == [p.id]
    db.session.refresh(p)
    assert p.status == ProposalStatus.adopted and p.closed_by_id is None
    assert tally_counts(p.final_tally) == (1, 0, 0)
    assert scheduler.run_due()["voting.close_due_ballots"] == []  # closes once


# --- closing -------------------------------------------------------------------------------

def test_the_secretary_closes_early_and_the_tally_is_stored(v):
    a, b, c = v.resident(), v.resident(), v.resident()
    p = v.ballot("majority", quorum="0.5")
    services.cast_vote(a, p, "yes")
    services.cast_vote(b, p, "no")
    services.cast_vote(c, p, "abstain")
    with pytest.raises(Forbidden):
        services.close_ballot(a, p)
    with events.capture() as sent:
        closed = services.close_ballot(v.secretary, p)
    assert closed.status == ProposalStatus.rejected and closed.closed_by_id == v.secretary.id
    decided = [payload for e, room, payload in sent if e == "proposal.decided"]
    assert len(decided) == 1 and sent[0][1] == f"topic:{p.topic_id}"
    assert decided[0]["tally"] == closed.final_tally and decided[0]["status"] == "rejected"
    fresh = services.fresh_count(closed)
    assert tally_counts(closed.final_tally) == (fresh.counts["yes"], fresh.counts["no"], fresh.counts["abstain"])
    assert closed.final_tally["quorum_met"] and not closed.final_tally["passing"]
    with pytest.raises(Conflict):
        services.close_ballot(v.secretary, p)
    with pytest.raises(Conflict):
        services.cast_vote(a, p, "yes")


def test_civil_code_adopted_by_area_and_owners(make):
    cy = make.courtyard(units=3, area="100.00")
    sec = make.secretary(cy)
    owners = [make.resident(cy) for _ in range(3)]
    from courtyard.deliberation import services as deliberation
    topic = deliberation.create_topic(sec, cy, title="加装电梯", body="三楼以上老人上下楼困难", category="facilities")
    p = services.create_proposal(sec, topic, title="加装一部电梯", body="维修资金列支")
    services.open_ballot(sec, p, rule="civil_code_major", closes_at=clock.now() + timedelta(days=1))
    services.cast_vote(owners[0], p, "yes")
    services.cast_vote(owners[1], p, "yes")
    t = services.cast_vote(owners[2], p, "no").tally
    assert t["quorum_met"] and not t["passing"]  # 2/3 yes < 3/4
    t = services.cast_vote(owners[2], p, "yes").tally
    assert t["passing"]
    assert services.close_ballot(sec, p).status == ProposalStatus.adopted


def test_overdue_ballots_close_after_a_restart(v, app):
    """A server down over the deadline: the first scheduler run (start-up) closes the ballot."""
    a = v.resident()
    p = v.ballot(minutes=30)
    services.cast_vote(a, p, "yes")
    later = FakeClock(clock.now() + timedelta(hours=5))
    clock.use(later)
    try:
        scheduler.run_due(app)
    finally:
        clock.reset()
    db.session.expire_all()
    p = db.session.get(type(p), p.id)
    assert p.status == ProposalStatus.adopted and p.closed_at == later.now()


def test_a_failing_job_does_not_stop_the_others(app):
    ran = []
    scheduler.register("test.boom", lambda: 1 / 0)
    scheduler.register("test.ok", lambda: ran.append(1) or "done")
    try:
        results = scheduler.run_due(app)
    finally:
        scheduler._jobs.pop("test.boom")
        scheduler._jobs.pop("test.ok")
    assert isinstance(results["test.boom"], ZeroDivisionError) and results["test.ok"] == "done" and ran


# --- secrecy -------------------------------------------------------------------------------

def test_secret_turnout_shows_who_but_never_how(v):
    a, b = v.resident(), v.resident()
    p = v.ballot(secret=True)
    services.cast_vote(a, p, "yes")
    rows = services.turnout(v.secretary, p)
    assert {(r.user.id, r.took_part, r.choice) for r in rows if r.user} == {
        (a.id, True, None), (b.id, False, None), (v.secretary.id, False, None)}
    with pytest.raises(Forbidden):
        services.turnout(b, p)
    assert services.viewer_extras(b, p)["my_vote"] is None
    assert services.viewer_extras(a, p)["my_vote"]["choice"] == "yes"


def test_open_ballot_turnout_shows_choices_to_members(v):
    a, b = v.resident(), v.resident()
    p = v.ballot(secret=False)
    services.cast_vote(a, p, "no")
    rows = {r.user.id: r for r in services.turnout(b, p) if r.user}
    assert rows[a.id].choice == "no" and rows[b.id].choice is None


def test_a_secret_household_vote_is_not_shown_to_the_rest_of_the_household(v):
    unit = v.courtyard.building.units[0]
    husband, wife = v.resident(unit=unit), v.resident(unit=unit)
    p = v.ballot("household", secret=True)
    services.cast_vote(wife, p, "no")
    mine = services.viewer_extras(husband, p)["my_vote"]
    assert mine["choice"] is None and mine["cast_for"]["id"] == wife.id


# --- assisted voting (楼门长代投) -------------------------------------------------------------

def test_a_building_lead_records_a_vote_with_a_witness(v, make):
    lead = make.building_lead(v.courtyard)
    grandma = v.resident()
    p = v.ballot(secret=True)
    out = services.cast_vote(lead, p, "yes", on_behalf_of=grandma.id, witness="李阿姨（邻居）")
    assert out.assisted_by_id == lead.id and not out.replaced
    vote = db.session.scalar(sa.select(Vote))
    assert (vote.user_id, vote.assisted_by_id, vote.witness) == (grandma.id, lead.id, "李阿姨（邻居）")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "vote.assisted"))
    assert (entry.actor_id, entry.action, entry.subject_id) == (lead.id, "vote.assisted", p.id)
    assert entry.data == {"voter_id": grandma.id, "witness": "李阿姨（邻居）"}  # never the choice
    seen = services.viewer_extras(grandma, p)["my_vote"]
    assert seen["assisted"] and seen["assisted_by"]["id"] == lead.id and seen["witness"] == "李阿姨（邻居）"
    assert seen["choice"] == "yes"
    # she overrides it herself; after that the lead cannot record over her own vote
    own = services.cast_vote(grandma, p, "no")
    assert own.replaced and own.assisted_by_id is None
    with pytest.raises(Conflict):
        services.cast_vote(lead, p, "yes", on_behalf_of=grandma.id, witness="李阿姨")
    assert tally_counts(services.tally_of(v.secretary, p)) == (0, 1, 0)


def test_assisted_voting_is_for_leads_with_a_witness_for_people_on_the_roll(v, make):
    lead = make.building_lead(v.courtyard)
    a, b = v.resident(), v.resident()
    p = v.ballot()
    with pytest.raises(Forbidden):
        services.cast_vote(a, p, "yes", on_behalf_of=b.id, witness="王")
    with pytest.raises(Invalid) as err:
        services.cast_vote(lead, p, "yes", on_behalf_of=b.id, witness="  ")
    assert set(err.value.fields) == {"witness"}
    with pytest.raises(Invalid) as err:
        services.cast_vote(lead, p, "yes", on_behalf_of=make.user().id, witness="王")
    assert set(err.value.fields) == {"on_behalf_of"}
    with pytest.raises(Invalid):
        services.cast_vote(lead, p, "yes", on_behalf_of=lead.id, witness="王")


def test_the_audit_log_refuses_changes(v, make):
    lead = make.building_lead(v.courtyard)
    a = v.resident()
    p = v.ballot()
    services.cast_vote(lead, p, "yes", on_behalf_of=a.id, witness="王")
    for statement in (sa.update(AuditEntry).values(action="x"), sa.delete(AuditEntry)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "vote.assisted")) == 1


# --- the decision record -------------------------------------------------------------------

def test_the_decision_record_waits_for_the_close(v):
    a = v.resident()
    p = v.ballot()
    with pytest.raises(Conflict):
        services.decision_record(a, p)
    services.cast_vote(a, p, "yes")
    services.close_ballot(v.secretary, p)
    record = services.decision_record(a, p)
    assert record["tally"]["counts"]["yes"] == 1 and [s.id for s in record["secretaries"]] == [v.secretary.id]


@pytest.mark.parametrize("rule", ["majority", "household", "civil_code", "civil_code_major"])
def test_the_database_s_sums_equal_a_count_vote_by_vote(make, rule):
    """Live tallies are summed by the database; the close counts vote by vote from the roll: they agree."""
    cy = make.courtyard(units=5, area="58.60")
    units = cy.building.units
    for u, a in zip(units, ("58.60", "86.30", "0.01", "123.45", "99.99")):
        u.area_m2 = Decimal(a)
    db.session.commit()
    sec = make.secretary(cy)
    people = [make.resident(cy, unit=units[i % 5], is_owner=i % 3 != 2) for i in range(9)]
    from courtyard.deliberation import services as deliberation
    topic = deliberation.create_topic(sec, cy, title="t", body="b", category="other")
    p = services.create_proposal(sec, topic, title="p", body="b")
    services.open_ballot(sec, p, rule=rule, closes_at=clock.now() + timedelta(days=1), quorum="0.3")
    for i, person in enumerate(people):
        try:
            services.cast_vote(person, p, ("yes", "no", "abstain", "yes")[i % 4])
        except Forbidden:
            pass  # a tenant under the Civil Code
    summed, counted = services._count(db.session, p), services.fresh_count(p)
    assert summed == counted


def test_household_turnout_is_one_line_per_flat(v):
    unit = v.courtyard.building.units[0]
    husband, wife = v.resident(unit=unit), v.resident(unit=unit)
    other = v.resident()
    other_unit = db.session.scalar(sa.select(Membership.unit_id).where(Membership.user_id == other.id))
    p = v.ballot("household")
    services.cast_vote(wife, p, "yes")
    rows = services.turnout(v.secretary, p)
    assert [(r.unit.id, r.user.id, r.took_part) for r in rows] == [(unit.id, wife.id, True),
                                                                    (other_unit, other.id, False)]
