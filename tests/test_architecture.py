"""The structure the code promises (docs/architecture.md): signals, the after-commit queue,
the event catalogue and the browser's list of facts, the photo attachments."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from courtyard import events, signals
from courtyard.aftercommit import on_commit, pending
from courtyard.deliberation import services as topics
from courtyard.extensions import db
from courtyard.notifications.models import Notification
from courtyard.realtime import rooms
from courtyard.uploads import permissions as upload_permissions

ROOT = Path(__file__).resolve().parent.parent


# --- the event catalogue ---------------------------------------------------------------------

def test_the_browser_listens_to_exactly_the_catalogued_facts():
    source = (ROOT / "static" / "js" / "realtime.js").read_text(encoding="utf-8")
    listed = re.search(r"var FACTS = \[(.*?)\];", source, re.S).group(1)
    assert sorted(re.findall(r'"([^"]+)"', listed)) == sorted(events.CATALOGUE)


def test_every_fact_says_where_it_goes_and_what_it_carries():
    for name, fact in events.CATALOGUE.items():
        assert fact.rooms and set(fact.rooms) <= {rooms.TOPIC, rooms.COURTYARD, rooms.ORG, rooms.USER, rooms.DISTRICT}, name
        assert fact.fields and fact.about, name
    assert {"typing", "presence.changed", "vote.tallied"} == {
        n for n, f in events.CATALOGUE.items() if not f.stored}


def test_a_payload_is_checked_against_its_fact():
    events.check("message.hidden", rooms.topic(3), {"topic_id": 3, "message_id": 9})
    with pytest.raises(ValueError, match="lacks"):
        events.check("message.hidden", rooms.topic(3), {"topic_id": 3})
    with pytest.raises(ValueError, match="goes to a topic room"):
        events.check("message.hidden", rooms.user(3), {"topic_id": 3, "message_id": 9})
    with pytest.raises(ValueError, match="unknown event"):
        events.check("message.deleted", rooms.topic(3), {})
    with pytest.raises(ValueError, match="goes to"):
        events.check("task.updated", "topic:x", {})


def test_under_test_configuration_a_malformed_publish_fails_at_once(app):
    with pytest.raises(ValueError):
        events.publish("topic.updated", rooms.courtyard(1), {"id": 1})
    assert pending() == []


def test_room_names_round_trip():
    for build, kind in ((rooms.topic, "topic"), (rooms.courtyard, "courtyard"), (rooms.org, "org"),
                        (rooms.user, "user")):
        assert rooms.parse(build(42)) == (kind, 42)
    assert rooms.parse("lobby") is None and rooms.parse("topic:") is None and rooms.parse("topic:-1") is None


# --- the after-commit queue ------------------------------------------------------------------

def test_after_commit_calls_run_in_order_once_committed(app):
    ran = []
    on_commit(ran.append, "first")
    on_commit(ran.append, "second")
    assert ran == []
    db.session.commit()
    assert ran == ["first", "second"]
    db.session.commit()
    assert ran == ["first", "second"]


def test_a_rollback_forgets_what_was_queued(app):
    ran = []
    on_commit(ran.append, "never")
    db.session.rollback()
    db.session.commit()
    assert ran == []


def test_a_key_makes_a_call_unique_in_its_transaction(app):
    ran = []
    for _ in range(3):
        on_commit(ran.append, "cut user 7", key=("revoke", 7))
    on_commit(ran.append, "other")
    db.session.commit()
    assert ran == ["cut user 7", "other"]


def test_one_failing_call_does_not_stop_the_others(app, caplog):
    ran = []
    on_commit(lambda: 1 / 0)
    on_commit(ran.append, "still")
    db.session.commit()
    assert ran == ["still"]
    assert "after-commit call" in caplog.text


def test_events_wait_for_the_commit(app, make):
    cy = make.courtyard()
    author = make.resident(cy)
    with events.capture() as sent:
        topic = topics.create_topic(author, cy, title="车棚漏雨", body="每逢下雨就漏", category="facilities")
    assert [(e, r) for e, r, _ in sent] == [("topic.created", rooms.courtyard(cy.id))]
    assert sent[0][2]["id"] == topic.id


# --- signals ---------------------------------------------------------------------------------

def test_every_signal_is_documented_and_heard(app):
    catalogue = signals.catalogue()
    assert catalogue
    for name, doc in catalogue.items():
        assert "sender:" in doc, f"signal {name} does not say what its sender is"
        signal = getattr(signals, name.replace("-", "_"))
        assert signal.receivers, f"nobody listens to {name}"


def test_receivers_run_in_the_order_they_were_connected():
    signal = signals._Signal("ordered", "sender: none (a signal of this test, outside the catalogue)")
    ran = []
    receivers = [lambda sender, i=i, **_: ran.append(i) for i in range(50)]  # held: blinker refs are weak
    for receiver in receivers:
        signal.connect(receiver)
    signal.connect(receivers[0])  # connecting again keeps the first place
    signal.send(None)
    assert ran == list(range(50))


def test_the_audit_log_hears_each_act_first(app):
    from courtyard.audit import listeners as audit_listeners
    for signal, receiver in audit_listeners.RECEIVERS.items():
        assert next(signal.receivers_for(object())) is receiver, signal.name


def test_receivers_run_inside_the_senders_transaction(app, make):
    """A reply's notification is stored with the reply, or neither is."""
    cy = make.courtyard()
    author, neighbour = make.resident(cy), make.resident(cy)
    topic = topics.create_topic(author, cy, title="楼道灯坏了", body="三层的灯", category="facilities")
    seen = []

    def receiver(sender, **kw):
        seen.append((sender.id, kw["message"].id is not None, db.session().in_transaction()))

    signals.message_posted.connect(receiver)
    try:
        topics.post_message(neighbour, topic, body="我也看到了", client_id="a1")
    finally:
        signals.message_posted.disconnect(receiver)
    assert seen == [(topic.id, True, True)]
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == author.id)) == 1

    def refuse(sender, **kw):
        raise RuntimeError("listener failed")

    signals.message_posted.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            topics.post_message(neighbour, topic, body="第二条", client_id="a2")
    finally:
        signals.message_posted.disconnect(refuse)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == author.id)) == 1
    assert [m.body for m in topics.messages_after(author, topic, after=None, limit=10)] == ["我也看到了"]


# --- photos ----------------------------------------------------------------------------------

def test_the_domains_that_attach_photos_say_who_may_see_them(app):
    assert upload_permissions.attachment_kinds() == ["task", "topic"]
