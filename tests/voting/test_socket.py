"""The `cast_vote` command and the voting facts over Socket.IO (CONTRACT §5)."""
from __future__ import annotations

import threading

from courtyard.voting import live, services


def test_cast_vote_acks_the_tally_and_the_room_hears_it(v, connect):
    a, b = v.resident(), v.resident()
    p = v.ballot("household")
    voter, watcher = connect(a), connect(b)
    assert watcher.join(p.topic_id)["ok"]
    ack = voter.emit("cast_vote", {"proposal_id": p.id, "choice": "yes"})
    assert ack["ok"] and ack["tally"]["counts"] == {"yes": 1, "no": 0, "abstain": 0}
    assert ack["tally"]["proposal_id"] == p.id and ack["tally"]["participation"]["households"] == 1
    tallies = watcher.events("vote.tallied")
    assert tallies and tallies[-1]["counts"]["yes"] == 1 and tallies[-1]["seq"] == ack["tally"]["seq"]
    ack = voter.emit("cast_vote", {"proposal_id": str(p.id), "choice": "no"})
    assert ack["ok"] and ack["replaced"] and ack["tally"]["counts"] == {"yes": 0, "no": 1, "abstain": 0}
    assert watcher.events("vote.tallied")[-1]["seq"] > tallies[-1]["seq"]


def test_cast_vote_errors_are_acked_with_contract_codes(v, connect, make):
    a = v.resident()
    stranger = make.resident(make.courtyard())
    p = v.ballot()
    sock = connect(a)
    for payload, code in [({"proposal_id": p.id, "choice": "perhaps"}, "invalid"),
                          ({"proposal_id": p.id}, "invalid"),
                          ({"proposal_id": 10**9, "choice": "yes"}, "not_found"),
                          ({"proposal_id": "abc", "choice": "yes"}, "not_found"),
                          ({"proposal_id": True, "choice": "yes"}, "not_found"),
                          ({"proposal_id": [p.id], "choice": "yes"}, "not_found")]:
        ack = sock.emit("cast_vote", payload)
        assert ack["ok"] is False and ack["error"]["code"] == code, (payload, ack)
    assert sock.emit("cast_vote", "yes")["error"]["code"] == "bad_request"
    assert connect(stranger).emit("cast_vote", {"proposal_id": p.id, "choice": "yes"})["error"]["code"] == "not_found"
    services.close_ballot(v.secretary, p)
    assert sock.emit("cast_vote", {"proposal_id": p.id, "choice": "yes"})["error"]["code"] == "conflict"


def test_the_close_is_told_to_the_room(v, connect):
    a = v.resident()
    p = v.ballot()
    watcher = connect(a)
    watcher.join(p.topic_id)
    watcher.emit("cast_vote", {"proposal_id": p.id, "choice": "yes"})
    services.close_ballot(v.secretary, p)
    decided = watcher.events("proposal.decided")
    assert len(decided) == 1
    assert decided[0]["id"] == p.id and decided[0]["status"] == "adopted"
    assert decided[0]["tally"]["counts"]["yes"] == 1 and "my_vote" not in decided[0]


def test_people_outside_the_topic_hear_nothing(v, connect, make):
    a = v.resident()
    other = make.resident(make.courtyard())
    p = v.ballot()
    outsider = connect(other)
    connect(a).emit("cast_vote", {"proposal_id": p.id, "choice": "yes"})
    assert outsider.events("vote.tallied") == []


# --- coalescing ----------------------------------------------------------------------------

class Steps:
    """A worker whose rest (`sleep`) waits until the test lets it go on."""

    def __init__(self):
        self.resting = threading.Event()
        self.go_on = threading.Event()
        self.thread = None

    def spawn(self, fn):
        self.thread = threading.Thread(target=fn, daemon=True)
        self.thread.start()

    def sleep(self, _seconds):
        self.resting.set()
        self.go_on.wait()
        self.go_on.clear()

    def next_rest(self):
        assert self.resting.wait(10)
        self.resting.clear()


def test_a_storm_is_coalesced_and_the_last_tally_goes_out():
    sent = []
    arrived = threading.Event()

    def send(pending):
        sent.append(dict(pending))
        arrived.set()

    steps = Steps()
    c = live.Coalescer(send, interval=0.3, spawn=steps.spawn, sleep=steps.sleep)
    c.mark(1, "first")
    steps.next_rest()  # leading edge: sent at once, then the worker rests
    assert sent == [{1: "first"}]
    for i in range(100):  # a storm while it rests
        c.mark(1, f"vote {i}")
        c.mark(2, f"other {i}")
    arrived.clear()
    steps.go_on.set()
    steps.next_rest()
    assert sent[1:] == [{1: "vote 99", 2: "other 99"}]  # one sending for the whole storm, the latest state
    steps.go_on.set()  # nothing new: the worker waits for the next mark without sending
    c.mark(3, "later")
    assert arrived.wait(10)
    steps.next_rest()
    assert sent[2:] == [{3: "later"}]
