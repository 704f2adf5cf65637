"""What server processes share through Redis (courtyard/cluster.py): presence counted across
processes, `presence.changed` coalesced for the deployment, the bus's `sockets.cut`, and the
scheduler's lease. "Another process" is a second RedisPresence (or process id) on the same
Redis: the test runs one app, and plays the other process's part on Redis itself. The live
two-worker tests behind nginx are in tests/cluster/.

Needs TEST_REDIS_URL (CI makes that a failure, tests/conftest.py); keys are this test's own
(`courtyard:*` of the xdist worker's Redis database), deleted before and after each test.
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from courtyard import cluster, scheduler
from courtyard.extensions import db
from courtyard.places import services as places
from courtyard.places.models import Membership
from courtyard.realtime import bus, presence, rooms

from ..conftest import REDIS_URL

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")

T0 = 1_900_000_000.0  # wall-clock seconds: the announcement record is shared by processes


@pytest.fixture
def redis_client():
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    _forget(client)
    yield client
    _forget(client)
    client.close()


def _forget(client) -> None:
    for name in client.scan_iter(match=cluster.KEY_PREFIX + "*"):
        client.delete(name)


@pytest.fixture
def here(app, redis_client):
    """This process counts in Redis (as process "here")."""
    store = presence.RedisPresence(redis_client, "here")
    previous = presence.use(store)
    yield store
    presence.use(previous)


@pytest.fixture
def there(redis_client):
    """Another process's share of the same Redis."""
    return presence.RedisPresence(redis_client, "there")


def _next_note(listener) -> dict:
    """The next note published on the bus (the subscription's own confirmation is skipped)."""
    try:
        for _ in range(3):
            message = listener.get_message(timeout=30)  # blocks on the socket until something comes
            if message is not None:
                return json.loads(message["data"])
        raise AssertionError("no note on the bus")
    finally:
        listener.close()


def _online(sock, topic) -> list[int]:
    return [e["online"] for e in sock.events("presence.changed") if e["topic_id"] == topic.id]


def test_people_are_counted_across_processes_once_each(here, there, connect, make, topic):
    room = rooms.topic(topic.id)
    assert connect(topic.author).join(topic)["online"] == 1
    neighbour, visitor = make.resident(topic.courtyard), make.resident(topic.courtyard)
    assert there.add(room, neighbour.id) == (2, True)           # on the other process
    assert connect(visitor).join(topic)["online"] == 3           # here: the deployment's count
    assert there.add(room, topic.author.id) == (3, False)        # the author's phone, there: still 3
    assert presence.online_in_topic(topic.id) == 3
    # The author's last socket here goes: still present there.
    author_again = connect(topic.author)
    author_again.join(topic)
    assert author_again.emit("leave_topic", {"topic_id": topic.id}) == {"ok": True}
    assert presence.online_in_topic(topic.id) == 3
    assert there.remove(room, topic.author.id) == (3, False)     # and here on the first socket
    assert there.remove(room, neighbour.id) == (2, True)
    assert there.remove(room, neighbour.id) == (2, False)        # removing twice changes nothing
    # A courtyard's count, as its page shows it, is the deployment's too.
    assert presence.online_in_courtyard(topic.courtyard_id) == 2  # the author's sockets and the visitor's
    there.add(rooms.courtyard(topic.courtyard_id), neighbour.id)
    assert presence.online_in_courtyard(topic.courtyard_id) == 3


def test_a_silent_process_is_taken_out_and_its_topics_announced(here, there, connect, make, topic, redis_client):
    room = rooms.topic(topic.id)
    observer = connect(topic.author)
    observer.join(topic)
    assert presence.heartbeat() == set()          # this process's share is what it holds already
    there.refresh([(room, make.resident(topic.courtyard).id), (room, make.resident(topic.courtyard).id)])
    assert presence.online_in_topic(topic.id) == 3
    assert presence.heartbeat() == set()          # the other process is alive: nothing is taken out
    presence.flush_due(T0)
    assert _online(observer, topic) == [3]
    # The other process is killed: its alive key expires (here: is deleted, as Redis would).
    redis_client.delete(cluster.key("presence", "alive", "there"))
    assert presence.heartbeat() == {topic.id}
    assert presence.online_in_topic(topic.id) == 1
    assert presence.pending() == {topic.id}
    presence.flush_due(T0 + 1)
    assert _online(observer, topic) == [1]
    assert not redis_client.exists(cluster.key("presence", "proc", "there"))
    assert redis_client.sismember(cluster.key("presence", "processes"), "here")


def test_a_redis_restarted_empty_is_mended_by_the_next_heartbeat(here, connect, make, topic, redis_client):
    socks = [connect(make.resident(topic.courtyard)) for _ in range(3)]
    for sock in socks:
        sock.join(topic)
    assert presence.online_in_topic(topic.id) == 3
    _forget(redis_client)  # what a restart of a Redis that keeps nothing on disk leaves
    assert presence.online_in_topic(topic.id) == 0
    presence.heartbeat()
    assert presence.online_in_topic(topic.id) == 3
    assert presence.online_in_courtyard(topic.courtyard_id) == 3
    # And a leave that Redis never heard of (it was away) is put right the same way.
    presence.use(presence.RedisPresence(_unreachable(), "here"))
    socks[0].client.disconnect()                   # answered from this process's own count
    presence.use(here)
    assert presence.online_in_topic(topic.id) == 3
    presence.heartbeat()
    assert presence.online_in_topic(topic.id) == 2


def _unreachable():
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry
    return redis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))  # refused at once


def test_without_redis_a_room_goes_on_with_this_process_s_own_count(app, connect, make, topic, redis_client):
    store = presence.RedisPresence(_unreachable(), "here")
    previous = presence.use(store)
    try:
        observer = connect(topic.author)
        assert observer.join(topic)["online"] == 1
        assert connect(make.resident(topic.courtyard)).join(topic)["online"] == 2
        assert presence.online_in_topic(topic.id) == 2
        assert presence.flush_due(T0) is None        # announced with this process's count
        assert _online(observer, topic) == [2]
        with pytest.raises(Exception):
            presence.heartbeat()                     # the loop logs it and beats again
        # Redis answers again: the next heartbeat puts this process's share into it, and the
        # rooms that heard this process's count alone hear the deployment's.
        store.__init__(redis_client, "here")
        presence.heartbeat()
        assert presence.online_in_topic(topic.id) == 2
        assert presence.pending() == {topic.id}
    finally:
        presence.use(previous)


def test_one_announcement_per_interval_for_the_whole_deployment(here, there, connect, make, topic):
    room = rooms.topic(topic.id)
    observer = connect(topic.author)
    observer.join(topic)
    # The other process announced the topic a moment ago (its own join).
    there.add(room, make.resident(topic.courtyard).id)
    assert there.announce(topic.id, T0, presence.INTERVAL) == ("send", 2)
    # A join here half an interval later waits for the interval to end …
    connect(make.resident(topic.courtyard)).join(topic)
    assert presence.flush_due(T0 + 0.5) == pytest.approx(T0 + presence.INTERVAL)
    assert _online(observer, topic) == []
    # … then is announced with the count at that moment.
    assert presence.flush_due(T0 + presence.INTERVAL) is None
    assert _online(observer, topic) == [3]
    # The other process, changed and back within its interval, says nothing: the room heard 3.
    assert there.announce(topic.id, T0 + 2.5, presence.INTERVAL) == ("same", None)


def test_the_bus_cuts_a_person_s_sockets_in_every_process(app, connect, make, topic, redis_client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    leaver = make.resident(topic.courtyard)
    sock = connect(leaver)
    assert sock.join(topic)["ok"]
    listener = redis_client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(bus.CHANNEL)
    staff = make.community_staff(topic.courtyard.building.community)
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == leaver.id))
    places.remove_membership(staff, membership)
    assert not sock.connected                      # here at once
    note = _next_note(listener)                    # and the others are told
    assert note == {"kind": "sockets.cut", "from": cluster.PROCESS_ID,
                                        "payload": {"user_id": leaver.id, "session_only": False}}


def test_a_note_from_another_process_cuts_the_sockets_held_here(app, connect, make, topic):
    person, bystander = make.resident(topic.courtyard), make.resident(topic.courtyard)
    phone, other = connect(person), connect(bystander)
    note = {"kind": "sockets.cut", "from": "another-process", "payload": {"user_id": person.id, "session_only": False}}
    assert bus.receive(app, json.dumps(note)) is True
    assert not phone.connected and other.connected
    # Its own notes a process has acted on already; unreadable ones are ignored.
    assert bus.receive(app, json.dumps(dict(note, **{"from": cluster.PROCESS_ID}))) is False
    assert bus.receive(app, "not json") is False
    assert bus.receive(app, json.dumps({"kind": "sockets.cut"})) is False


def test_a_logout_cuts_the_browser_session_sockets_in_every_process(app, connect, make, topic, redis_client,
                                                                    monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    browser_sock = connect(topic.author, cookie=True)
    token_sock = connect(topic.author)
    listener = redis_client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(bus.CHANNEL)
    browser_sock.browser.logout()
    assert not browser_sock.connected and token_sock.connected
    assert _next_note(listener)["payload"] == {"user_id": topic.author.id, "session_only": True}


def test_one_process_at_a_time_holds_the_scheduler_s_lease(app, redis_client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    assert scheduler.holds_lease(app, 1.0, "a")
    assert not scheduler.holds_lease(app, 1.0, "b")
    assert scheduler.holds_lease(app, 1.0, "a")          # renewed by its holder
    ttl = redis_client.pttl(scheduler.LEASE_KEY)
    assert 0 < ttl <= scheduler.LEASE_RUNS * 1000
    redis_client.delete(scheduler.LEASE_KEY)             # "a" stopped: the lease expired
    assert scheduler.holds_lease(app, 1.0, "b")
    assert not scheduler.holds_lease(app, 1.0, "a")


def test_the_jobs_run_only_in_the_process_holding_the_lease(app, redis_client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    ran = []
    monkeypatch.setattr(scheduler, "_jobs", {"count": scheduler.Job("count", lambda: ran.append(1))})
    redis_client.set(scheduler.LEASE_KEY, "another-process", px=60_000)
    scheduler._tick(app, 1.0)
    assert ran == []
    redis_client.delete(scheduler.LEASE_KEY)
    scheduler._tick(app, 1.0)
    assert ran == [1]
    # Without Redis (or when it fails) every process runs them: they bear it.
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    scheduler._tick(app, 1.0)
    assert ran == [1, 1]
