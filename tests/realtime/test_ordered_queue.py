"""Two processes on one Redis deliver a topic's messages in the same (id) order (realtime/queue.py).

The failure this guards against (seen in tests/cluster once): w1 publishes message 12; w2 commits
14 and, with python-socketio's RedisManager, hands it to its own sockets before its listener has
read 12 from the channel. A browser that saw 14 first ignores 12 as already seen. Each "process"
here is a manager on its own channel of the test's Redis; its listener is played by reading the
channel by hand, so the interleaving is the one that failed, every time.
"""
from __future__ import annotations

import uuid

import pytest

from courtyard.realtime.queue import OrderedRedisManager

from ..conftest import REDIS_URL

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


class Process:
    """One server process's queue manager: what it hands to its own sockets is `delivered`."""

    def __init__(self, channel: str):
        self.manager = OrderedRedisManager(REDIS_URL, channel=channel)
        self.delivered: list = []
        self.manager._handle_emit = lambda message: self.delivered.append(message["data"][0]["id"])
        self.manager._redis_connect()

    def subscribe(self) -> None:
        self.manager.pubsub.subscribe(self.manager.channel)
        # Reads Redis's confirmation (which the manager's pubsub does not return): subscribed now.
        assert self.manager.pubsub.get_message(timeout=5) is None
        assert self.manager.pubsub.subscribed

    def post(self, message_id: int) -> None:
        self.manager.emit("message.posted", {"id": message_id}, room="topic:1")

    def listen(self) -> None:
        """What the listener thread does with everything waiting on the channel."""
        while (raw := self.manager.pubsub.get_message(timeout=0.2)) is not None:
            data = self.manager.json.loads(raw["data"])
            if data.get("host_id") != self.manager.host_id:
                self.manager._handle_emit(data)

    def close(self) -> None:
        self.manager.pubsub.close()
        self.manager.redis.close()


@pytest.fixture
def processes():
    channel = f"test-ordered-{uuid.uuid4().hex}"
    made = [Process(channel), Process(channel)]
    yield made
    for p in made:
        p.close()


def test_an_emit_reaches_its_own_sockets_in_the_order_redis_holds_for_every_process(processes):
    w1, w2 = processes
    for p in processes:
        p.subscribe()
    w1.post(12)
    w2.post(14)  # w2's listener has not read 12 yet
    assert w2.delivered == []
    for p in processes:
        p.listen()
    assert w1.delivered == [12, 14]
    assert w2.delivered == [12, 14]


def test_before_its_listener_subscribes_a_process_delivers_its_own_emits_at_once(processes):
    w1, _w2 = processes
    w1.post(7)
    assert w1.delivered == [7]


def test_an_emit_redis_cannot_take_is_still_delivered_here(processes):
    w1, _w2 = processes
    w1.subscribe()
    w1.manager._publish = lambda message: None  # RedisManager gave up
    w1.post(9)
    assert w1.delivered == [9]
