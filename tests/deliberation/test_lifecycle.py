"""A topic's status follows what happened: the pure state machine, every status × every act,
sequences of acts (Hypothesis), and the listeners end to end through the services."""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtyard import clock, events
from courtyard.deliberation import services as topics
from courtyard.deliberation.lifecycle import FINAL, SETTLED, Event, next_status
from courtyard.deliberation.models import STATUS_LABELS, TopicStatus
from courtyard.notifications.models import Notification
from courtyard.tasks import services as tasks
from courtyard.voting import services as voting

from ..tasks.conftest import FakeClock, World

S, E = TopicStatus, Event

# Every status × every act (task_verified as the last open task): where the topic goes, None = stays.
TABLE = {
    S.open: {E.ballot_opened: S.deliberating, E.proposal_adopted: S.decided, E.proposal_rejected: None,
             E.task_dispatched: S.decided, E.task_verified: S.closed, E.task_reopened: S.decided},
    S.deliberating: {E.ballot_opened: None, E.proposal_adopted: S.decided, E.proposal_rejected: None,
                     E.task_dispatched: None, E.task_verified: S.closed, E.task_reopened: None},
    S.decided: {E.ballot_opened: None, E.proposal_adopted: None, E.proposal_rejected: None,
                E.task_dispatched: None, E.task_verified: S.closed, E.task_reopened: None},
    S.closed: {E.ballot_opened: None, E.proposal_adopted: None, E.proposal_rejected: None,
               E.task_dispatched: S.decided, E.task_verified: None, E.task_reopened: S.decided},
    S.withdrawn: {e: None for e in Event},
    S.merged: {e: None for e in Event},
}


def test_the_table_names_every_status_and_every_act():
    assert set(TABLE) == set(TopicStatus)
    assert all(set(row) == set(Event) for row in TABLE.values())


@pytest.mark.parametrize("status,event", [(s, e) for s in TopicStatus for e in Event])
def test_every_status_and_act(status, event):
    assert next_status(status, event) == TABLE[status][event]
    assert next_status(status.value, event.value) == TABLE[status][event]  # plain values too


@pytest.mark.parametrize("status", list(TopicStatus))
@pytest.mark.parametrize("left", [1, 2, 7])
def test_a_task_verified_with_others_still_open_only_decides(status, left):
    expected = None if status in FINAL or status in (S.decided, S.deliberating) else S.decided
    assert next_status(status, E.task_verified, open_tasks_left=left) == expected


def test_unknown_status_or_act_is_an_error():
    with pytest.raises(ValueError):
        next_status("archived", E.ballot_opened)
    with pytest.raises(ValueError):
        next_status(S.open, "proposal_vetoed")


acts = st.tuples(st.sampled_from(list(Event)), st.integers(min_value=0, max_value=3))


def _run(status, steps):
    seen = [status]
    for event, left in steps:
        new = next_status(status, event, open_tasks_left=left)
        assert new != status  # None, never "the same"
        status = new or status
        seen.append(status)
    return seen


@given(st.sampled_from(sorted(FINAL)), st.lists(acts, max_size=30))
def test_withdrawn_and_merged_never_change(status, steps):
    assert set(_run(status, steps)) == {status}


@given(st.sampled_from(list(TopicStatus)), st.lists(acts, max_size=30))
def test_no_act_goes_back_before_decided_nor_withdraws_or_merges(status, steps):
    seen = _run(status, steps)
    for before, after in zip(seen, seen[1:]):
        if before in SETTLED:
            assert after in SETTLED
        if after in FINAL:
            assert before == after


@given(st.lists(acts, max_size=30))
def test_an_adoption_always_leaves_a_live_topic_decided_or_closed(steps):
    seen = _run(S.open, [*steps, (E.proposal_adopted, 0)])
    assert seen[-1] in SETTLED


def test_the_topic_status_closed_reads_completed(app):
    from flask_babel import force_locale
    with app.test_request_context(), force_locale("zh_CN"):
        assert str(STATUS_LABELS[S.closed]) == "已办结"
        assert str(STATUS_LABELS[S.decided]) == "已决定"


# --- through the services ----------------------------------------------------------------------

@pytest.fixture
def w(make) -> World:
    return World(make)


def _ballot(w, topic, *, minutes=60):
    proposal = voting.create_proposal(w.secretary, topic, title="屋面防水重做", body="物业负责，两周内完成。")
    voting.open_ballot(w.secretary, proposal, rule="majority", closes_at=clock.now() + timedelta(minutes=minutes))
    return proposal


def test_adopt_then_dispatch_then_verify_takes_the_topic_to_decided_and_completed(w):
    topic = w.topic()
    proposal = _ballot(w, topic)
    assert topic.status == S.deliberating
    for voter in (w.author, w.neighbour, w.lead):
        voting.cast_vote(voter, proposal, "yes")
    with events.capture() as sent:
        voting.close_ballot(w.secretary, proposal)
    assert proposal.status.value == "adopted"
    assert topics.get_topic(w.author, topic.id).status == S.decided
    updated = [p for e, _, p in sent if e == "topic.updated" and p["id"] == topic.id]
    assert updated and updated[-1]["status"] == "decided"
    # the status notification reached the topic's author (the secretary closed it)
    assert Notification.query.filter_by(user_id=w.author.id, kind="status").count() == 1

    task = tasks.create_task_from_proposal(w.secretary, proposal)
    assert topic.status == S.decided
    w.done(task)
    tasks.verify(w.author, task, accepted=False, note="还在漏")
    assert topic.status == S.decided
    w.done(task)
    with events.capture() as sent:
        tasks.verify(w.author, task, accepted=True)
    assert topics.get_topic(w.author, topic.id).status == S.closed
    assert [p["status"] for e, _, p in sent if e == "topic.updated" and p["id"] == topic.id] == ["closed"]


def test_a_rejected_proposal_leaves_the_topic_under_discussion(w):
    topic = w.topic()
    proposal = _ballot(w, topic)
    for voter in (w.author, w.neighbour):
        voting.cast_vote(voter, proposal, "no")
    voting.close_ballot(w.secretary, proposal)
    assert proposal.status.value == "rejected"
    assert topics.get_topic(w.author, topic.id).status == S.deliberating


def test_a_ballot_closed_at_its_deadline_decides_the_topic(w):
    c = FakeClock()
    clock.use(c)
    try:
        topic = w.topic()
        proposal = _ballot(w, topic, minutes=30)
        voting.cast_vote(w.neighbour, proposal, "yes")
        c.advance(minutes=31)
        assert voting.close_due_ballots() == [proposal.id]
        assert topics.get_topic(w.author, topic.id).status == S.decided
        # nobody closed it: the status notification names no actor
        n = Notification.query.filter_by(user_id=w.author.id, kind="status").one()
        assert n.actor_id is None and n.data["status"] == "decided"
    finally:
        clock.reset()


def test_a_direct_dispatch_decides_and_the_last_verified_task_completes(w):
    topic = w.topic()
    assert topic.status == S.open
    first = w.task(topic)
    assert topic.status == S.decided
    second = w.task(topic, assignee_org_id=w.department.id)
    w.done(first)
    tasks.verify(w.author, first, accepted=True)
    assert topic.status == S.decided  # the department's task is still open
    services_done = w.done
    w.staff, staff = w.dept_staff, w.staff
    try:
        services_done(second)
    finally:
        w.staff = staff
    tasks.verify(w.author, second, accepted=True)
    assert topics.get_topic(w.author, topic.id).status == S.closed


def test_a_moderator_may_still_move_a_completed_topic_back(w):
    topic = w.topic()
    task = w.task(topic)
    w.done(task)
    tasks.verify(w.author, task, accepted=True)
    assert topic.status == S.closed
    topics.change_status(w.secretary, topic, "open")
    assert topic.status == S.open
