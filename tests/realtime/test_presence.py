"""`presence.changed`, coalesced (issue 11 item 3; docs/realtime.md "Facts"): a join, leave or
disconnect only marks its topic; `presence.flush_due(now)` announces, at most once per topic per
interval, the count at that moment. The clock is the test's: nothing here sleeps."""
from __future__ import annotations

from courtyard.extensions import socketio
from courtyard.realtime import presence

T0 = 1_000.0  # any instant: the flusher's clock is monotonic, not the time of day


def _online(sock, topic) -> list[int]:
    return [e["online"] for e in sock.events("presence.changed") if e["topic_id"] == topic.id]


def test_a_hundred_joins_in_one_interval_are_one_announcement_of_the_final_count(connect, make, topic):
    observer = connect(topic.author)
    assert observer.join(topic)["online"] == 1
    neighbours = [make.resident(topic.courtyard) for _ in range(99)]
    acks = [connect(n).join(topic) for n in neighbours]
    assert [a["online"] for a in acks] == list(range(2, 101))  # each ack is exact at once
    assert _online(observer, topic) == []                        # nothing announced per join
    assert presence.pending() == {topic.id}
    assert presence.flush_due(T0) is None
    assert _online(observer, topic) == [100]
    assert presence.pending() == set()
    assert presence.flush_due(T0 + 5) is None and _online(observer, topic) == []  # nothing new, nothing sent


def test_a_join_and_a_leave_within_the_interval_announce_nothing_when_the_count_is_back(connect, make, topic):
    observer = connect(topic.author)
    observer.join(topic)
    presence.flush_due(T0)
    assert _online(observer, topic) == [1]
    visitor = connect(make.resident(topic.courtyard))
    assert visitor.join(topic)["online"] == 2
    assert visitor.emit("leave_topic", {"topic_id": topic.id}) == {"ok": True}
    assert presence.flush_due(T0 + 1) is None
    assert _online(observer, topic) == []  # the room never stopped being 1: it is not told 1 again
    # A join and a disconnect likewise.
    again = connect(make.resident(topic.courtyard))
    again.join(topic)
    again.client.disconnect()
    presence.flush_due(T0 + 2)
    assert _online(observer, topic) == []


def test_a_change_within_the_interval_waits_for_it_and_then_is_announced_exactly(connect, make, topic):
    observer = connect(topic.author)
    observer.join(topic)
    presence.flush_due(T0)
    assert _online(observer, topic) == [1]
    second = connect(make.resident(topic.courtyard))
    second.join(topic)
    # Half an interval later: not yet, and the flusher is told when it falls due.
    assert presence.flush_due(T0 + 0.5) == T0 + presence.INTERVAL
    assert _online(observer, topic) == []
    third = connect(make.resident(topic.courtyard))
    third.join(topic)
    second.emit("leave_topic", {"topic_id": topic.id})
    assert presence.flush_due(T0 + presence.INTERVAL) is None
    assert _online(observer, topic) == [2]  # the count when sent: observer and third
    # A later change, after the interval, is another announcement.
    third.client.disconnect()
    assert presence.flush_due(T0 + 3) is None
    assert _online(observer, topic) == [1]


def test_the_same_person_twice_is_one_and_changes_nothing(connect, make, topic):
    observer = connect(topic.author)
    observer.join(topic)
    presence.flush_due(T0)
    observer.events("presence.changed")
    neighbour = make.resident(topic.courtyard)
    first, second_tab = connect(neighbour), connect(neighbour)
    assert first.join(topic)["online"] == 2
    assert second_tab.join(topic)["online"] == 2
    presence.flush_due(T0 + 1)
    assert _online(observer, topic) == [2]
    second_tab.client.disconnect()  # the person is still there on the first tab
    assert presence.pending() == set()
    first.client.disconnect()
    presence.flush_due(T0 + 2)
    assert _online(observer, topic) == [1]


def test_topics_are_coalesced_each_on_its_own(connect, make, topic):
    from courtyard.deliberation import services
    other_topic = services.create_topic(topic.author, topic.courtyard, title="楼道灯坏了", body="三楼的灯不亮",
                                        category="facilities")
    here, there = connect(topic.author), connect(make.resident(topic.courtyard))
    here.join(topic)
    presence.flush_due(T0)
    there.join(other_topic)
    # The second topic was never announced: it is due at once, while the first one rests.
    connect(make.resident(topic.courtyard)).join(topic)
    assert presence.flush_due(T0 + 0.2) == T0 + presence.INTERVAL
    assert _online(there, other_topic) == [1] and _online(here, topic) == [1]
    assert presence.flush_due(T0 + presence.INTERVAL) is None
    assert _online(here, topic) == [2]


def test_the_background_flusher_announces_while_changes_are_pending_then_stops(app, connect, make, topic,
                                                                           monkeypatch):
    """The task run by hand, with socketio.sleep advancing the test's clock."""
    monkeypatch.setitem(app.config, "PRESENCE_BACKGROUND", True)
    started = []
    monkeypatch.setattr(socketio, "start_background_task", lambda fn, *a: started.append((fn, a)))
    now = [T0]
    monkeypatch.setattr(presence, "_clock", lambda: now[0])
    observer = connect(topic.author)
    observer.join(topic)
    assert len(started) == 1  # the first change starts one flusher
    neighbours = [connect(make.resident(topic.courtyard)) for _ in range(3)]
    neighbours[0].join(topic)
    assert len(started) == 1  # … and no second one while it runs
    slept: list[float] = []
    script: list = []

    def fake_sleep(seconds):
        slept.append(seconds)
        now[0] += seconds
        if script:
            script.pop(0)()

    monkeypatch.setattr(socketio, "sleep", fake_sleep)
    fn, args = started[0]
    fn(*args)  # the leading edge: announced at once, and nothing left, so it returns
    assert _online(observer, topic) == [2] and slept == []
    # A change within the interval starts a flusher that rests until the topic falls due;
    # what changes meanwhile is in the one announcement it then makes.
    now[0] = T0 + 0.25
    neighbours[1].join(topic)
    assert len(started) == 2
    script.append(lambda: neighbours[2].join(topic))
    fn, args = started[1]
    fn(*args)
    assert slept == [presence.INTERVAL - 0.25]
    assert _online(observer, topic) == [4]
    assert presence.pending() == set()
    # It stopped; the next change starts a new one.
    neighbours[0].client.disconnect()
    assert len(started) == 3
