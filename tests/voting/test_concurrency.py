"""Many voters at once, racing the close: the stored tally always equals a fresh count.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL. Threads wait on each other with
barriers and events, never with sleeps.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from courtyard.accounts.models import User
from courtyard.errors import Conflict
from courtyard.extensions import db
from courtyard.voting import services
from courtyard.voting.ballot_box import Batcher
from courtyard.voting.models import Proposal, ProposalStatus, Vote

VOTERS = 40


def load(model, ident):
    """An object for a thread's own session, which then gives its connection back to the pool."""
    obj = db.session.get(model, ident)
    db.session.commit()
    return obj


def run_threads(targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"


@pytest.fixture
def small_batches(app, monkeypatch):
    """set(n): this test's votes are written n at a time, so that the close falls between batches."""
    def set_size(n):
        monkeypatch.setitem(services._batchers, id(db.engine), Batcher(services._write_votes, max_batch=n))
    return set_size


@pytest.mark.parametrize("close_after, batch", [(0, 1), (1, 1), (3, 2), (10, 4), (20, 500)])
def test_concurrent_voters_and_a_close_agree_with_a_fresh_count(app, v, small_batches, close_after, batch):
    """The closer starts once `close_after` votes are counted; votes go in batches of `batch`."""
    small_batches(batch)
    voters = [v.resident(unit=v.courtyard.building.units[i % 6]).id for i in range(VOTERS)]
    proposal_id = v.ballot("majority").id
    secretary_id = v.secretary.id
    choices = {uid: ("yes", "no", "abstain")[i % 3] for i, uid in enumerate(voters)}
    start = threading.Barrier(VOTERS + 1)
    enough_in = threading.Event()
    if close_after == 0:
        enough_in.set()
    counted, refused, errors = [], [], []
    lock = threading.Lock()

    def voter(uid):
        def run():
            with app.app_context():
                try:
                    user = load(User, uid)
                    start.wait()
                    services.cast_vote(user, proposal_id, choices[uid])
                    with lock:
                        counted.append(uid)
                        if len(counted) == close_after:
                            enough_in.set()
                except Conflict:
                    with lock:
                        refused.append(uid)
                except Exception as exc:  # pragma: no cover - reported below
                    errors.append(exc)
                    start.abort()
                finally:
                    db.session.remove()
        return run

    def closer():
        with app.app_context():
            try:
                secretary = load(User, secretary_id)
                start.wait()
                enough_in.wait(timeout=60)
                services.close_ballot(secretary, db.session.get(Proposal, proposal_id))
            except Exception as exc:  # pragma: no cover
                errors.append(exc)
                start.abort()
            finally:
                db.session.remove()

    run_threads([voter(uid) for uid in voters] + [closer])
    assert not errors
    assert len(counted) + len(refused) == VOTERS and len(counted) >= close_after

    db.session.expire_all()
    p = db.session.get(Proposal, proposal_id)
    assert p.status in (ProposalStatus.adopted, ProposalStatus.rejected)
    stored = db.session.scalars(sa.select(Vote.user_id).where(Vote.proposal_id == proposal_id)).all()
    assert sorted(stored) == sorted(counted)  # each vote landed before the close, or was refused
    fresh = services.fresh_count(p)
    assert p.final_tally["counts"] == fresh.counts
    assert p.final_tally["participation"]["people"] == len(counted)
    assert p.final_tally["counts"] == {c: sum(1 for u in counted if choices[u] == c) for c in ("yes", "no", "abstain")}
    assert all(vote.updated_at <= p.closed_at for vote in db.session.scalars(sa.select(Vote)))


def test_many_voters_changing_their_minds_leave_one_vote_each(app, v):
    unit = v.courtyard.building.units[0]
    household = [v.resident(unit=unit).id for _ in range(6)]
    proposal_id = v.ballot("household").id
    start = threading.Barrier(len(household) * 3)
    errors = []

    def voter(uid, choice):
        def run():
            with app.app_context():
                try:
                    user = load(User, uid)
                    start.wait()
                    services.cast_vote(user, proposal_id, choice)
                except Exception as exc:  # pragma: no cover
                    errors.append(exc)
                    start.abort()
                finally:
                    db.session.remove()
        return run

    run_threads([voter(uid, c) for uid in household for c in ("yes", "no", "abstain")])
    assert not errors
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1
    t = services.tally_of(v.secretary, db.session.get(Proposal, proposal_id))
    assert sum(t["counts"].values()) == 1 and t["participation"]["households"] == 1


def test_closers_racing_close_exactly_once(app, v, make):
    a = v.resident()
    p = v.ballot()
    services.cast_vote(a, p, "yes")
    moderators = [v.secretary.id] + [make.building_lead(v.courtyard).id for _ in range(4)]
    proposal_id = p.id  # threads never touch this thread's objects
    start = threading.Barrier(len(moderators))
    won, lost, errors = [], [], []

    def closer(uid):
        def run():
            with app.app_context():
                try:
                    user = load(User, uid)
                    proposal = load(Proposal, proposal_id)
                    start.wait()
                    services.close_ballot(user, proposal)
                    won.append(uid)
                except Conflict:
                    lost.append(uid)
                except Exception as exc:  # pragma: no cover
                    errors.append(exc)
                    start.abort()
                finally:
                    db.session.remove()
        return run

    run_threads([closer(uid) for uid in moderators])
    assert not errors and len(won) == 1 and len(lost) == len(moderators) - 1
    db.session.expire_all()
    closed = db.session.get(Proposal, proposal_id)
    assert closed.closed_by_id == won[0] and closed.final_tally["counts"]["yes"] == 1
