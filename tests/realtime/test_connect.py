"""Who may open a socket (CONTRACT §3 Socket.IO), and who stops being served."""
from __future__ import annotations

import sqlalchemy as sa

from courtyard.accounts import services as accounts
from courtyard.extensions import db
from courtyard.places import services as places
from courtyard.places.models import Membership, MembershipStatus


def test_a_connection_without_credentials_is_refused(connect):
    assert not connect().connected
    assert not connect(auth={"token": "not-a-token"}).connected
    assert not connect(auth={"token": 42}).connected
    assert not connect(auth="token").connected


def test_a_revoked_token_is_refused(connect, make):
    user = make.resident(make.courtyard())
    token = accounts.issue_token(user)
    accounts.revoke_token(token)
    assert not connect(auth={"token": token}).connected


def test_a_deactivated_account_is_refused(connect, make):
    user = make.resident(make.courtyard())
    user.is_active_account = False
    db.session.commit()
    assert not connect(user).connected


def test_a_token_or_the_session_cookie_connects(connect, make, topic):
    by_token = connect(topic.author)
    by_cookie = connect(topic.author, cookie=True)
    assert by_token.connected and by_cookie.connected
    assert by_cookie.join(topic)["ok"] is True


def test_a_logged_out_browser_session_loses_its_socket(connect, make, topic):
    session_socket = connect(topic.author, cookie=True)
    token_socket = connect(topic.author)
    assert session_socket.join(topic)["ok"] and token_socket.join(topic)["ok"]
    session_socket.browser.logout()
    assert not session_socket.connected
    # The API token is another credential: its socket carries on and still hears the room.
    assert token_socket.connected
    neighbour = make.resident(topic.courtyard)
    connect(neighbour).post(topic, "还在吗", "c1")
    assert [m["body"] for m in token_socket.events("message.posted")] == ["还在吗"]


def test_after_logout_the_same_browser_cannot_reconnect(connect, topic):
    sock = connect(topic.author, cookie=True)
    sock.browser.logout()
    again = connect(topic.author, browser=sock.browser)
    assert not again.connected


def test_a_removed_member_is_disconnected_and_cannot_rejoin(connect, make, topic):
    secretary = make.secretary(topic.courtyard)
    staff = make.community_staff(topic.courtyard.building.community)
    leaver = make.resident(topic.courtyard)
    sock = connect(leaver)
    assert sock.join(topic)["ok"]
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == leaver.id))
    places.remove_membership(staff, membership)
    assert not sock.connected
    again = connect(leaver)
    assert again.connected  # an account without courtyards may still connect …
    assert again.join(topic)["error"]["code"] == "not_found"  # … but not into the topic
    watcher = connect(secretary)
    watcher.join(topic)
    connect(topic.author).post(topic, "后来的话", "c1")
    assert again.events("message.posted") == []


def test_a_membership_ended_elsewhere_is_refused_at_the_next_command(connect, make, topic):
    """Another process (or a bulk UPDATE) ended it, so no one cut this socket: commands re-check."""
    leaver = make.resident(topic.courtyard)
    sock = connect(leaver)
    assert sock.join(topic)["ok"]
    db.session.execute(sa.update(Membership).where(Membership.user_id == leaver.id)
                       .values(status=MembershipStatus.removed))
    db.session.commit()
    assert sock.connected
    assert sock.post(topic, "我还能说话吗", "c1")["error"]["code"] == "not_found"
    assert sock.join(topic)["error"]["code"] == "not_found"


def test_a_revoked_token_stops_being_served_at_the_next_command(connect, make, topic):
    user = make.resident(topic.courtyard)
    token = accounts.issue_token(user)
    sock = connect(auth={"token": token})
    assert sock.join(topic)["ok"]
    accounts.revoke_token(token)
    ack = sock.post(topic, "hi", "c1")
    assert ack == {"ok": False, "error": {"code": "unauthenticated", "message": ack["error"]["message"]}}
    connect(topic.author).post(topic, "之后的消息", "c2")
    assert sock.events("message.posted") == []
    assert sock.join(topic)["error"]["code"] == "unauthenticated"


def test_logging_out_everywhere_disconnects_every_session_socket(connect, make, topic):
    sock = connect(topic.author, cookie=True)
    accounts.change_password(topic.author, "correct-horse-9", "another-horse-10")
    assert not sock.connected
