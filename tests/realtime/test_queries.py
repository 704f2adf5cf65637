"""A connection and a topic join ask a fixed, small number of SQL queries, whoever connects:
the cost of 1,000 people opening a page at once (docs/performance.md, "Fan-out"). And the rooms
a socket enters at the handshake are exactly what its person may see."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from courtyard.accounts.services import issue_token
from courtyard.deliberation import moderation, ordering, services
from courtyard.extensions import db, socketio
from courtyard.places import permissions
from courtyard.places.models import Courtyard
from courtyard.realtime import rooms, sockets

ADVISORY = "pg_advisory"  # the topic lock's own connection on PostgreSQL (deliberation/ordering.py)


def statements(fn) -> tuple[list[str], object]:
    """The SQL statements `fn` runs, and what it returns. It runs in a thread of its own, so that
    each Socket.IO event gets its own app context and database session as in production (the
    test's session already holds the people and the topic)."""
    seen: list[str] = []
    out: list = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731  (conn, cursor, statement, …)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        thread = threading.Thread(target=lambda: out.append(fn()))
        thread.start()
        thread.join()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert out, "it raised"
    return seen, out[0]


class World:
    def __init__(self, make):
        self.community = make.community()
        self.courtyard = make.courtyard(self.community)
        self.other = make.courtyard(self.community)  # a second courtyard of the same community
        self.resident = make.resident(self.courtyard)
        self.secretary = make.secretary(self.courtyard)
        self.staff = make.community_staff(self.community)
        self.admin = make.street_admin()
        self.org = make.organization()
        self.org_staff = make.org_staff(self.org)
        self.topic = services.create_topic(self.resident, self.courtyard, title="楼道灯坏了",
                                           body="三单元二层的灯不亮", category="facilities")
        moderation.invite(self.secretary, self.topic, organization_id=self.org.id)
        for i in range(3):
            services.post_message(self.resident, self.topic, body=f"第{i + 1}条", client_id=f"c{i}")
        db.session.commit()
        self.topic_id = self.topic.id

    def person(self, role: str):
        return getattr(self, role)


@pytest.fixture
def w(make) -> World:
    return World(make)


def open_socket(app, user):
    token = issue_token(user)
    return statements(lambda: socketio.test_client(app, auth={"token": token}))


def joined(client, topic_id: int, after=None):
    payload = {"topic_id": topic_id} if after is None else {"topic_id": topic_id, "after": after}
    return statements(lambda: client.emit("join_topic", payload, callback=True))


def _ours(seen: list[str]) -> list[str]:
    return [s for s in seen if ADVISORY not in s]


# role → (statements of the handshake, of a join): the user and token; the rules' one look at the
# user (memberships, staff seats, organizations: ids only at the handshake); the topic with its
# courtyard; the missed messages with their authors.
# Community staff and the street administrator also list their courtyards (they are members of none);
# the property company's staff also read the topic's invitations.
EXPECTED = {
    "resident": (2, 4),
    "secretary": (2, 4),
    "staff": (3, 4),
    "admin": (3, 3),  # the street administrator's rules need no viewer
    "org_staff": (2, 5),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_a_connection_and_a_join_ask_few_queries(app, w, role):
    connect_n, join_n = EXPECTED[role]
    seen, client = open_socket(app, w.person(role))
    try:
        assert client.is_connected()
        assert len(_ours(seen)) == connect_n, seen
        seen, ack = joined(client, w.topic_id)
        assert ack["ok"] is True and len(ack["missed"]) == 3, ack
        assert len(_ours(seen)) == join_n, seen
        # The viewer is read once for the whole join, not once per rule asked (the street
        # administrator's rules need no viewer at all).
        assert sum("FROM users LEFT OUTER JOIN memberships" in s for s in seen) == (role != "admin"), seen
        if db.engine.dialect.name == "postgresql":
            assert [s.partition("(")[0] for s in seen if ADVISORY in s] == ["SELECT pg_advisory_lock",
                                                                            "SELECT pg_advisory_unlock"]
    finally:
        client.disconnect()


class ContendedOnce:
    """A topic lock someone else holds at the first try: the joiner waits (deliberation/ordering.py)."""

    def __init__(self):
        self.waited = 0

    def acquire(self, blocking=True):
        if not blocking:
            return False
        self.waited += 1
        return True

    def release(self):
        pass


def test_waiting_for_the_topic_lock_reloads_nothing(app, w, monkeypatch):
    """While it waits the joiner hands back its connection (a commit); what it loaded and the
    rules it checked stay: the join asks no more than an uncontended one."""
    seen, client = open_socket(app, w.resident)
    try:
        lock = ContendedOnce()
        monkeypatch.setattr(ordering, "_local", lambda _topic_id: lock)
        first = services.messages_after(w.resident, w.topic, after=None, limit=10)[0]
        seen, ack = joined(client, w.topic_id, after=first.id)
        assert lock.waited == 1
        assert ack["ok"] is True and len(ack["missed"]) == 2 and ack["online"] == 1, ack
        assert len(_ours(seen)) == EXPECTED["resident"][1], seen
    finally:
        client.disconnect()


def test_waiting_for_the_topic_lock_still_sees_what_others_committed(app, w, monkeypatch):
    """Keeping what was loaded keeps no old snapshot: the missed messages are read after the
    wait, so a message the lock's holder committed meanwhile is among them."""
    from courtyard.accounts.models import User
    from courtyard.deliberation.models import Topic
    secretary_id = w.secretary.id
    posted: list[bool] = []

    def post_elsewhere():
        with app.app_context():
            services.post_message(db.session.get(User, secretary_id), db.session.get(Topic, w.topic_id),
                                  body="等的时候发的", client_id="meanwhile")

    class PostWhileWaiting(ContendedOnce):
        def acquire(self, blocking=True):
            if posted:  # the poster's own lock, and any later one: free
                return True
            if not blocking:
                return False
            posted.append(True)
            thread = threading.Thread(target=post_elsewhere)
            thread.start()
            thread.join()
            return True

    _seen, client = open_socket(app, w.resident)
    try:
        monkeypatch.setattr(ordering, "_local", lambda _topic_id: PostWhileWaiting())
        _seen, ack = joined(client, w.topic_id)
        assert posted and ack["ok"] is True
        assert [m["body"] for m in ack["missed"]] == ["第1条", "第2条", "第3条", "等的时候发的"]
    finally:
        client.disconnect()


# --- the rooms of the handshake --------------------------------------------------------------

def _rooms_of(client) -> set[str]:
    sid = socketio.server.manager.sid_from_eio_sid(client.eio_sid, "/")
    return {r for r in socketio.server.rooms(sid) if r != sid}


@pytest.mark.parametrize("role", list(EXPECTED) + ["pending"])
def test_a_socket_enters_the_rooms_of_what_its_person_sees(app, make, w, role):
    user = make.member(w.courtyard, status="pending") if role == "pending" else w.person(role)
    _seen, client = open_socket(app, user)
    try:
        visible = [c.id for c in db.session.scalars(permissions.visible_courtyards(user).order_by(Courtyard.id))]
        assert permissions.visible_ids(user) == (visible, sorted(permissions.organization_ids(user)))
        expected = {rooms.user(user.id)} | {rooms.courtyard(c) for c in visible} | {
            rooms.org(o) for o in permissions.organization_ids(user)}
        assert _rooms_of(client) == expected
        assert (rooms.courtyard(w.other.id) in expected) == (role in ("staff", "admin"))
        assert (rooms.org(w.org.id) in expected) == (role == "org_staff")
    finally:
        client.disconnect()
        sockets.clear()


def test_the_handshake_ids_follow_a_membership_ending_within_one_request(app, w):
    """Remembered for the request (courtyard.memo), forgotten by the commit that ends the membership."""
    from courtyard.places import services as places
    from courtyard.places.models import Membership
    m = db.session.scalar(sa.select(Membership).filter_by(user_id=w.resident.id))
    with app.test_request_context():
        assert permissions.visible_ids(w.resident) == ([w.courtyard.id], [])
        places.remove_membership(w.staff, m)
        assert permissions.visible_ids(w.resident) == ([], [])
        assert list(db.session.scalars(permissions.visible_courtyards(w.resident))) == []
