"""The transport for real: a `python wsgi.py` server (eventlet) and python-socketio clients.

Origin checks, catch-up after a reconnect, ordering under 20 concurrent senders (SQLite,
and PostgreSQL when TEST_DATABASE_URL is set), retried client_ids, the frame size limit.
"""
from __future__ import annotations

import threading
import uuid

import pytest
import requests

from .conftest import WAIT

pytestmark = pytest.mark.live


def strictly_ascending(ids: list[int]) -> bool:
    return all(a < b for a, b in zip(ids, ids[1:]))


# --- origins --------------------------------------------------------------------------------

def test_a_handshake_from_a_foreign_origin_is_refused_and_from_our_own_accepted(live, world, peers):
    import socketio
    import websocket
    w = world(live, residents=1)
    token = w.residents[0].token
    handshake = f"{live.url}/socket.io/?EIO=4&transport=polling"
    assert requests.get(handshake, headers={"Origin": "http://evil.example"}, timeout=WAIT).status_code == 400
    assert requests.get(handshake, headers={"Origin": live.url}, timeout=WAIT).status_code == 200

    with pytest.raises(socketio.exceptions.ConnectionError):
        peers(live, token, headers={"Origin": "http://evil.example"}, transports=["polling"])
    ws_url = live.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(ws_url, origin="http://evil.example", timeout=WAIT)

    own = peers(live, token, headers={"Origin": live.url}, transports=["polling"])
    assert own.join(w.topic_id)["ok"] is True
    assert peers(live, token).join(w.topic_id)["ok"] is True  # websocket, the browser's own origin


def test_a_connection_without_a_valid_token_is_refused(live, world, peers):
    import socketio
    world(live, residents=1)
    with pytest.raises(socketio.exceptions.ConnectionError):
        peers(live, None)
    with pytest.raises(socketio.exceptions.ConnectionError):
        peers(live, "forged-token")


# --- catching up after a reconnect ----------------------------------------------------------

def test_a_reconnecting_client_gets_exactly_what_it_missed(live, world, peers):
    w = world(live, residents=2)
    topic = w.topic_id
    reader_token, writer = w.residents[0].token, peers(live, w.residents[1].token)
    reader = peers(live, reader_token)
    assert reader.join(topic)["ok"]
    before = [writer.post(topic, f"断线前{i}", f"b{i}")["message"]["id"] for i in range(3)]
    assert reader.wait_until(lambda p: len(p.posted) == 3)
    last_seen = reader.posted_ids()[-1]
    reader.close()

    missed = [writer.post(topic, f"断线时{i}", f"m{i}")["message"]["id"] for i in range(4)]
    again = peers(live, reader_token)
    ack = again.join(topic, after=last_seen)
    assert [m["id"] for m in ack["missed"]] == missed
    after = writer.post(topic, "重连后", "a0")["message"]["id"]
    assert again.wait_until(lambda p: after in p.posted_ids())
    assert again.posted_ids() == [after]
    assert before + missed + [after] == sorted(set(before + missed + [after]))


def test_no_gap_and_no_duplicate_when_reconnecting_while_others_keep_posting(live, world, peers):
    w = world(live, residents=9)  # 8 writers: each stays within its posting budget
    topic = w.topic_id
    reader_token = w.residents[0].token
    reader = peers(live, reader_token)
    assert reader.join(topic)["ok"]
    writers = [peers(live, r.token) for r in w.residents[1:]]
    total, halfway = 60, threading.Event()
    posted: list[int] = []
    failures: list[dict] = []
    lock = threading.Lock()

    def write(writer, offset):
        for i in range(offset, total, len(writers)):
            ack = writer.post(topic, f"第{i}条", f"w{i}")
            with lock:
                if not ack.get("ok"):
                    failures.append(ack)
                    halfway.set()
                    return
                posted.append(ack["message"]["id"])
                if len(posted) == total // 3:
                    halfway.set()

    threads = [threading.Thread(target=write, args=(wr, n)) for n, wr in enumerate(writers)]
    for t in threads:
        t.start()
    assert halfway.wait(WAIT)
    seen_before = reader.posted_ids()
    reader.close()
    again = peers(live, reader_token)
    ack = again.join(topic, after=seen_before[-1] if seen_before else 0)
    assert ack["ok"]
    for t in threads:
        t.join(WAIT)
    assert failures == [] and len(posted) == total
    last = max(posted)
    assert again.wait_until(lambda p: last in p.posted_ids())
    seen = seen_before + [m["id"] for m in ack["missed"]] + again.posted_ids()
    assert strictly_ascending(seen), seen
    assert seen == sorted(posted)


# --- ordering under concurrent senders ------------------------------------------------------

@pytest.mark.parametrize("backend", ["live", "live_pg"])
def test_twenty_concurrent_senders_every_client_sees_every_message_once_in_id_order(request, world, peers,
                                                                                     backend):
    server = request.getfixturevalue(backend)
    senders, each = 20, 5
    w = world(server, residents=senders)
    topic = w.topic_id
    clients = [peers(server, r.token) for r in w.residents]
    listener = peers(server, w.secretary.token)
    for c in clients + [listener]:
        assert c.join(topic)["ok"]
    start = threading.Barrier(senders)
    acked: list[int] = []
    failures: list[dict] = []
    lock = threading.Lock()

    def send(n, client):
        start.wait(WAIT)
        for i in range(each):
            ack = client.post(topic, f"{n}号的第{i}条", f"{n}-{i}")
            with lock:
                (acked.append(ack["message"]["id"]) if ack.get("ok") else failures.append(ack))

    threads = [threading.Thread(target=send, args=(n, c)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 2)
    assert failures == [] and len(acked) == senders * each == len(set(acked))
    for c in clients + [listener]:
        assert c.wait_until(lambda p: len(p.posted) >= len(acked))
        ids = c.posted_ids()
        assert strictly_ascending(ids), ids
        assert ids == sorted(acked)
    # Each sender's own messages carry its client_ids, in the order it sent them.
    mine = [m["client_id"] for m in listener.posted if m["author"]["id"] == w.residents[3].id]
    assert mine == [f"3-{i}" for i in range(each)]
    if backend == "live_pg":
        # Every handler gave its database session back when it answered (Flask-SocketIO pushes
        # an app context per event; its teardown removes the session): none is left mid-transaction.
        assert _no_session_stays_in_transaction(server)


def _no_session_stays_in_transaction(server) -> bool:
    """True when no connection of the server is idle in a transaction (the live_pg server's
    scheduler does not run during the test, so every such connection is a leaked session)."""
    return _sessions_in_transaction(server) == 0


def _sessions_in_transaction(server) -> int:
    import sqlalchemy as sa

    from courtyard.config import normalise_database_url
    url = sa.engine.make_url(normalise_database_url(server.env["DATABASE_URL"]))
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid() "
                "AND state LIKE 'idle in transaction%'"), {"db": url.database})
    finally:
        engine.dispose()


# --- retries --------------------------------------------------------------------------------

def test_a_client_id_retried_from_many_sockets_and_after_a_reconnect_stores_one_message(live, world, peers):
    w = world(live, residents=2)
    topic = w.topic_id
    author = w.residents[0]
    listener = peers(live, w.residents[1].token)
    assert listener.join(topic)["ok"]
    sockets = [peers(live, author.token) for _ in range(4)]
    client_id = uuid.uuid4().hex
    start = threading.Barrier(len(sockets))
    acks: list[dict] = []
    lock = threading.Lock()

    def retry(sock):
        start.wait(WAIT)
        ack = sock.post(topic, "只该有一条", client_id)
        with lock:
            acks.append(ack)

    threads = [threading.Thread(target=retry, args=(s,)) for s in sockets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert len(acks) == 4 and all(a["ok"] for a in acks)
    first = acks[0]["message"]
    assert {a["message"]["id"] for a in acks} == {first["id"]}

    # The sender lost its connection before the ack: it reconnects and sends the same again.
    sockets[0].close()
    again = peers(live, author.token)
    assert again.post(topic, "只该有一条", client_id)["message"]["id"] == first["id"]

    # Anything stored twice would have a smaller id than this marker, so it would arrive first.
    marker = again.post(topic, "标记", uuid.uuid4().hex)["message"]["id"]
    assert listener.wait_until(lambda p: marker in p.posted_ids())
    assert [m["client_id"] for m in listener.posted] == [client_id, listener.posted[-1]["client_id"]]
    history = requests.get(f"{live.url}/api/v1/topics/{topic}/messages",
                           headers={"Authorization": f"Bearer {author.token}"}, timeout=WAIT).json()
    items = history["items"] if isinstance(history, dict) else history
    assert [m["id"] for m in items] == [first["id"], marker]


# --- the frame size limit -------------------------------------------------------------------

def test_a_frame_over_the_buffer_limit_drops_the_connection_and_stores_nothing(live, world, peers):
    w = world(live, residents=1)
    sock = peers(live, w.residents[0].token)
    gone = threading.Event()
    sock.sio.on("disconnect", lambda *_: gone.set())
    sock.sio.emit("post_message", {"topic_id": w.topic_id, "body": "长" * 70_000, "client_id": "huge"})
    assert gone.wait(WAIT)
    fresh = peers(live, w.residents[0].token)
    assert fresh.join(w.topic_id, after=0)["missed"] == []
