"""A topic's live room over Socket.IO (CONTRACT §5): join, leave, post, presence, typing, limits."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.deliberation import services
from courtyard.deliberation.models import Message
from courtyard.extensions import db

from ..api.conftest import assert_error


def _error(ack: dict, code: str) -> dict:
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert isinstance(ack["error"]["message"], str) and ack["error"]["message"]
    return ack["error"]


# --- joining --------------------------------------------------------------------------------

def test_join_acks_what_was_missed_and_who_is_online(connect, topic):
    first = services.post_message(topic.author, topic, body="一", client_id="1")[0]
    second = services.post_message(topic.author, topic, body="二", client_id="2")[0]
    sock = connect(topic.author)
    ack = sock.join(topic, after=first.id)
    assert ack["ok"] is True and ack["online"] == 1
    assert [m["id"] for m in ack["missed"]] == [second.id]
    assert ack["missed"][0] == {**ack["missed"][0], "body": "二", "topic_id": topic.id, "client_id": "2"}
    assert [m["id"] for m in sock.join(topic)["missed"]] == [first.id, second.id]


def test_a_topic_of_another_courtyard_is_not_found(connect, make, topic):
    stranger = make.resident(make.courtyard())
    sock = connect(stranger)
    _error(sock.join(topic), "not_found")
    _error(sock.post(topic, "hi", "c1"), "not_found")
    sock.emit("typing", {"topic_id": topic.id}, ack=False)
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0


@pytest.mark.parametrize("payload", [{"topic_id": 999999}, {"topic_id": "abc"}, {"topic_id": None}, {},
                                     {"topic_id": True}, {"topic_id": 2**70}, {"topic_id": [1]},
                                     {"topic_id": 1.0}, {"topic_id": "²"}, {"topic_id": "1_0"}])
def test_unknown_or_garbled_topic_ids_are_not_found(connect, topic, payload):
    _error(connect(topic.author).emit("join_topic", payload), "not_found")


@pytest.mark.parametrize("args", [(), ("topic",), ([1, 2],), (None,), (1,), ({"topic_id": 1}, "extra")])
def test_a_payload_that_is_not_one_object_is_a_bad_request(connect, topic, args):
    sock = connect(topic.author)
    for command in ("join_topic", "leave_topic", "post_message"):
        _error(sock.emit(command, *args), "bad_request")


def test_a_bad_after_is_invalid_and_does_not_join(connect, make, topic):
    sock = connect(topic.author)
    error = _error(sock.join(topic, after="yesterday"), "invalid")
    assert "after" in error["fields"]
    connect(make.resident(topic.courtyard)).post(topic, "hi", "c1")
    assert sock.events("message.posted") == []


def test_leave_stops_the_room_events(connect, make, topic):
    sock = connect(topic.author)
    sock.join(topic)
    assert sock.emit("leave_topic", {"topic_id": topic.id}) == {"ok": True}
    connect(make.resident(topic.courtyard)).post(topic, "hi", "c1")
    assert sock.events("message.posted") == []
    assert sock.emit("leave_topic", {"topic_id": topic.id}) == {"ok": True}  # again: harmless


# --- posting --------------------------------------------------------------------------------

def test_a_post_is_acked_with_the_stored_message_and_sent_to_the_room_and_the_sender(connect, make, topic):
    neighbour = make.resident(topic.courtyard)
    listener = connect(neighbour)
    listener.join(topic)
    outsider = connect(make.resident(make.courtyard()))
    sender = connect(topic.author)
    sender.join(topic)
    ack = sender.post(topic, "  车棚今天又漏了  ", "c-1")
    assert ack["ok"] is True
    message = ack["message"]
    stored = db.session.get(Message, message["id"])
    assert stored.body == "车棚今天又漏了" == message["body"] and message["client_id"] == "c-1"
    assert message["author"] == {"id": topic.author.id, "display_name": topic.author.display_name}
    assert listener.events("message.posted") == [message]
    assert sender.events("message.posted") == [message]
    assert outsider.events("message.posted") == []


def test_the_same_history_over_rest(connect, api, topic):
    ack = connect(topic.author).post(topic, "同一段历史", "c-1")
    r = api.as_(topic.author).get(f"/topics/{topic.id}/messages?after=0")
    assert r.status_code == 200
    body = r.get_json()
    items = body["items"] if isinstance(body, dict) else body
    assert [m["id"] for m in items] == [ack["message"]["id"]]


def test_a_retried_client_id_returns_the_first_message_and_stores_nothing(connect, make, topic):
    listener = connect(make.resident(topic.courtyard))
    listener.join(topic)
    sender = connect(topic.author)
    first = sender.post(topic, "只发一次", "retry-me")
    again = sender.post(topic, "只发一次", "retry-me")
    other_socket = connect(topic.author).post(topic, "只发一次", "retry-me")
    assert first["ok"] and first == again == other_socket
    assert [m["id"] for m in listener.events("message.posted")] == [first["message"]["id"]]
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1


@pytest.mark.parametrize("body", ["", "   ", "字" * 2001, None, 7, ["a"]])
def test_a_bad_body_is_invalid(connect, topic, body):
    ack = connect(topic.author).emit("post_message", {"topic_id": topic.id, "body": body, "client_id": "c"})
    assert "body" in _error(ack, "invalid")["fields"]


def test_the_longest_body_is_accepted(connect, topic):
    assert connect(topic.author).post(topic, "字" * 2000, "c")["ok"] is True


def test_a_missing_client_id_is_invalid(connect, topic):
    ack = connect(topic.author).emit("post_message", {"topic_id": topic.id, "body": "hi"})
    assert "client_id" in _error(ack, "invalid")["fields"]


def test_a_locked_topic_is_forbidden(connect, topic):
    topic.locked = True
    db.session.commit()
    _error(connect(topic.author).post(topic, "hi", "c"), "forbidden")


def test_an_unexpected_failure_is_acked_not_raised(connect, topic, monkeypatch):
    def broken(*_a, **_kw):
        raise RuntimeError("boom")
    monkeypatch.setattr(services, "post_message", broken)
    sock = connect(topic.author)
    ack = sock.post(topic, "hi", "c")
    assert ack["ok"] is False and ack["error"]["code"] == "internal"
    assert sock.connected and sock.join(topic)["ok"]


# --- limits ---------------------------------------------------------------------------------

def test_a_flooding_socket_is_rate_limited_and_everyone_else_carries_on(app, connect, make, topic, monkeypatch):
    monkeypatch.setitem(app.config, "POST_RATE_PER_SOCKET", "3/minute")
    neighbour = make.resident(topic.courtyard)
    flood = connect(neighbour)
    acks = [flood.post(topic, f"刷屏{i}", f"f{i}") for i in range(5)]
    assert [a["ok"] for a in acks] == [True, True, True, False, False]
    _error(acks[3], "rate_limited")
    # A retry of a stored message is not a new post: it is still answered.
    assert flood.post(topic, "刷屏0", "f0") == acks[0]
    # The same person on another socket still has budget of their own socket (not of the person's).
    assert connect(neighbour).post(topic, "换个窗口", "g1")["ok"] is True
    assert connect(topic.author).post(topic, "我照常发言", "a1")["ok"] is True


def test_the_person_budget_is_shared_by_every_socket_and_the_rest_api(app, api, connect, make, topic,
                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "POST_RATE_PER_PERSON", "3/minute")
    neighbour = make.resident(topic.courtyard)
    assert connect(neighbour).post(topic, "一", "1")["ok"]
    assert connect(neighbour).post(topic, "二", "2")["ok"]
    rest = api.as_(neighbour)
    assert rest.post(f"/topics/{topic.id}/messages", {"body": "三", "client_id": "3"}).status_code == 201
    _error(connect(neighbour).post(topic, "四", "4"), "rate_limited")
    assert_error(rest.post(f"/topics/{topic.id}/messages", {"body": "五", "client_id": "5"}), 429)
    assert connect(topic.author).post(topic, "别人不受影响", "x")["ok"] is True


def test_a_socket_flooding_commands_is_rate_limited(app, connect, topic, monkeypatch):
    monkeypatch.setitem(app.config, "SOCKET_COMMANDS_RATE", "5/minute")
    sock = connect(topic.author)
    acks = [sock.join(topic) for _ in range(6)]
    assert [a["ok"] for a in acks] == [True] * 5 + [False]
    _error(acks[-1], "rate_limited")
    assert connect(topic.author).join(topic)["ok"] is True


# --- presence and typing --------------------------------------------------------------------

def test_presence_counts_people_and_changes_on_join_leave_and_disconnect(connect, make, topic):
    """Each change, once announced (presence.flush_due; coalescing itself: test_presence.py)."""
    from courtyard.realtime import presence
    clock = iter(range(1_000, 2_000, 10))  # each flush an interval after the last

    def flushed():
        presence.flush_due(float(next(clock)))
        return author.events("presence.changed")

    neighbour = make.resident(topic.courtyard)
    author = connect(topic.author)
    assert author.join(topic)["online"] == 1
    assert flushed() == [{"topic_id": topic.id, "online": 1}]
    other = connect(neighbour)
    assert other.join(topic)["online"] == 2
    assert flushed() == [{"topic_id": topic.id, "online": 2}]
    second_tab = connect(neighbour)
    assert second_tab.join(topic)["online"] == 2  # the same person twice is one person
    assert flushed() == []
    second_tab.client.disconnect()
    assert flushed() == []
    other.emit("leave_topic", {"topic_id": topic.id})
    assert flushed() == [{"topic_id": topic.id, "online": 1}]
    other.join(topic)
    assert flushed() == [{"topic_id": topic.id, "online": 2}]
    other.client.disconnect()
    assert flushed() == [{"topic_id": topic.id, "online": 1}]


def test_typing_reaches_the_others_in_the_room_but_not_the_typist(connect, make, topic):
    neighbour = make.resident(topic.courtyard)
    typist = connect(topic.author)
    typist.join(topic)
    other = connect(neighbour)
    other.join(topic)
    not_joined = connect(make.resident(topic.courtyard))
    assert typist.emit("typing", {"topic_id": topic.id}, ack=False) is None
    assert other.events("typing") == [{"topic_id": topic.id, "user": {
        "id": topic.author.id, "display_name": topic.author.display_name}}]
    assert typist.events("typing") == []
    assert not_joined.events("typing") == []
    # Typing into a room one has not joined tells no one.
    not_joined.emit("typing", {"topic_id": topic.id}, ack=False)
    assert other.events("typing") == [] and typist.events("typing") == []


def test_typing_is_throttled_silently(app, connect, make, topic, monkeypatch):
    monkeypatch.setitem(app.config, "TYPING_RATE_PER_SOCKET", "2/minute")
    typist = connect(topic.author)
    typist.join(topic)
    other = connect(make.resident(topic.courtyard))
    other.join(topic)
    for _ in range(5):
        typist.emit("typing", {"topic_id": topic.id}, ack=False)
    assert len(other.events("typing")) == 2


# --- moderation -----------------------------------------------------------------------------

def test_a_hidden_message_is_removed_live(connect, make, topic):
    moderation = pytest.importorskip("courtyard.deliberation.moderation")
    secretary = make.secretary(topic.courtyard)
    reader = connect(make.resident(topic.courtyard))
    reader.join(topic)
    ack = connect(topic.author).post(topic, "不当言论", "c1")
    moderation.hide_message(secretary, db.session.get(Message, ack["message"]["id"]))
    assert reader.events("message.hidden") == [{"topic_id": topic.id, "message_id": ack["message"]["id"]}]
    assert reader.join(topic, after=0)["missed"] == []
