"""Ballots on a real server (`python wsgi.py`, eventlet) with real Socket.IO clients.

200 voters casting at once are counted exactly, on SQLite and (TEST_DATABASE_URL) on
PostgreSQL; the room hears coalesced tallies whose last one is exact; a restart loses no
vote, and a ballot whose deadline passed while the server was down is closed before the
new server answers anything. Every wait is on an event, with a timeout only a failure reaches.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests
import sqlalchemy as sa

from courtyard.audit import AuditEntry
from courtyard.config import normalise_database_url
from courtyard.voting.models import Proposal

from ..live import LiveServer
from ..live.conftest import WAIT, live, live_pg, peers  # noqa: F401  (fixtures)
from .live_world import build_ballot

pytestmark = pytest.mark.live
VOTERS = 200


def record(peer, *names):
    peer.record(*names)


def get(server, path, token):
    r = requests.get(f"{server.url}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, timeout=WAIT)
    assert r.status_code == 200, r.text
    return r.json()


def connect_all(server, peers, tokens):
    """Connect many clients at once (a few threads), in the order of `tokens`."""
    out: list = [None] * len(tokens)
    errors: list = []

    def run(indexes):
        for i in indexes:
            try:
                out[i] = peers(server, tokens[i])
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(range(k, len(tokens), 8),)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 3)
    assert errors == [] and all(out)
    return out


@pytest.mark.parametrize("backend", ["live", "live_pg"])
def test_200_voters_at_once_are_counted_exactly(request, peers, backend):
    server = request.getfixturevalue(backend)
    w = build_ballot(server, residents=VOTERS)
    watcher = peers(server, w.secretary.token)
    record(watcher, "vote.tallied")
    assert watcher.join(w.topic_id)["ok"]
    voters = connect_all(server, peers, [r.token for r in w.residents])
    choices = [("yes", "no", "abstain")[i % 3] for i in range(VOTERS)]
    start = threading.Barrier(VOTERS)
    acks: list = [None] * VOTERS

    def cast(i):
        start.wait(WAIT)
        acks[i] = voters[i].call("cast_vote", {"proposal_id": w.proposal_id, "choice": choices[i]})

    threads = [threading.Thread(target=cast, args=(i,)) for i in range(VOTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 2)
    assert [a for a in acks if not (a and a.get("ok"))] == []
    expected = {c: choices.count(c) for c in ("yes", "no", "abstain")}
    tally = get(server, f"/proposals/{w.proposal_id}/tally", w.secretary.token)
    assert tally["counts"] == expected and tally["participation"]["people"] == VOTERS
    assert max(a["tally"]["seq"] for a in acks) == tally["seq"]
    # The room hears the final count (the last vote.tallied is exact), and fewer tallies than votes.
    assert watcher.wait_until(lambda p: any(n == "vote.tallied" and t["participation"]["people"] == VOTERS
                                            for n, t in p.facts))
    heard = [t for n, t in watcher.facts if n == "vote.tallied"]
    assert heard[-1]["counts"] == expected and len(heard) < VOTERS


def _set_deadline(server, proposal_id: int, when: datetime) -> None:
    """Move a ballot's deadline straight in the database (as if time had passed)."""
    engine = sa.create_engine(normalise_database_url(server.env["DATABASE_URL"]))
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(Proposal.__table__).where(Proposal.__table__.c.id == proposal_id)
                         .values(closes_at=when, opened_at=when - timedelta(hours=1)))
    finally:
        engine.dispose()


def test_a_restart_loses_no_vote_and_an_overdue_ballot_closes_first_thing(live, peers):
    w = build_ballot(live, residents=3)
    for r, choice in zip(w.residents, ("yes", "yes", "no")):
        assert peers(live, r.token).call("cast_vote", {"proposal_id": w.proposal_id, "choice": choice})["ok"]
    live.proc.terminate()
    live.proc.wait(WAIT)
    _set_deadline(live, w.proposal_id, datetime.now(timezone.utc) - timedelta(minutes=1))  # passed while down
    live._spawn()
    got = get(live, f"/proposals/{w.proposal_id}", w.secretary.token)  # waits in the backlog until served
    assert got["status"] == "adopted" and got["closed_automatically"]
    assert got["tally"]["counts"] == {"yes": 2, "no": 1, "abstain": 0}


def test_a_running_server_closes_the_ballot_at_its_deadline(live, peers):
    w = build_ballot(live, residents=2)
    watcher = peers(live, w.secretary.token)
    record(watcher, "proposal.decided")
    assert watcher.join(w.topic_id)["ok"]
    assert peers(live, w.residents[0].token).call("cast_vote", {"proposal_id": w.proposal_id, "choice": "no"})["ok"]
    _set_deadline(live, w.proposal_id, datetime.now(timezone.utc) + timedelta(seconds=2))
    assert watcher.wait_until(lambda p: any(n == "proposal.decided" for n, _ in p.facts))
    decided = next(payload for n, payload in watcher.facts if n == "proposal.decided")
    assert decided["id"] == w.proposal_id and decided["status"] == "rejected" and decided["closed_automatically"]
    late = peers(live, w.residents[1].token).call("cast_vote", {"proposal_id": w.proposal_id, "choice": "yes"})
    assert late["ok"] is False and late["error"]["code"] == "conflict"


def test_two_server_processes_close_a_ballot_exactly_once(live, peers):
    """Both processes' schedulers race for the deadline; the conditional update lets one win."""
    w = build_ballot(live, residents=2)
    second = LiveServer(mode="eventlet", seed=False, database_url=live.env["DATABASE_URL"]).start()
    try:
        decided = threading.Event()
        for server, voter in ((live, w.residents[0]), (second, w.residents[1])):
            watcher = peers(server, w.secretary.token)
            watcher.sio.on("proposal.decided", lambda _p: decided.set())
            assert watcher.join(w.topic_id)["ok"]
            assert peers(server, voter.token).call("cast_vote", {"proposal_id": w.proposal_id, "choice": "yes"})["ok"]
        _set_deadline(live, w.proposal_id, datetime.now(timezone.utc) + timedelta(seconds=2))
        assert decided.wait(WAIT)
    finally:
        second.stop()
    engine = sa.create_engine(normalise_database_url(live.env["DATABASE_URL"]))
    try:
        with engine.connect() as conn:
            closes = conn.scalar(sa.select(sa.func.count()).select_from(AuditEntry.__table__).where(
                AuditEntry.__table__.c.action == "proposal.closed",
                AuditEntry.__table__.c.subject_id == w.proposal_id))
            status = conn.scalar(sa.select(Proposal.__table__.c.status).where(Proposal.__table__.c.id == w.proposal_id))
    finally:
        engine.dispose()
    assert (closes, status) == (1, "adopted")
    assert get(live, f"/proposals/{w.proposal_id}/tally", w.secretary.token)["counts"]["yes"] == 2
