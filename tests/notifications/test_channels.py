"""Outbound channels: one interface, a logging implementation, chosen by NOTIFY_CHANNELS."""
from __future__ import annotations

import logging

import pytest

from courtyard import create_app
from courtyard.config import TestConfig as AppConfig
from courtyard.deliberation import moderation, services
from courtyard.extensions import db
from courtyard.notifications import channels
from courtyard.places import services as places
from courtyard.places.models import Membership


class Recorder:
    """A channel of our own, as an SMS gateway's would be."""

    name = "recorder"
    sent: list = []

    def send(self, user, notification):
        Recorder.sent.append((user.id, notification["kind"]))


class Broken:
    name = "broken"

    def send(self, user, notification):
        raise ConnectionError("gateway down")


def test_the_logging_channel_is_the_default_and_is_a_channel(app):
    [channel] = channels.configured()
    assert isinstance(channel, channels.LoggingChannel)
    assert isinstance(channel, channels.Channel)


def test_an_approval_is_sent_out_and_logged(world, make, outbox, caplog):
    newcomer = make.resident(world.courtyards["A1"], status="pending")
    m = db.session.query(Membership).filter_by(user_id=newcomer.id).one()
    with caplog.at_level(logging.INFO, logger="courtyard.notify"):
        places.decide_membership(world.user("secretary"), m, approve=True)
    [(user, note)] = outbox
    assert (user.id, user.display_name) == (newcomer.id, newcomer.display_name)
    assert note["kind"] == "membership_approved" and note["text"]
    assert any(str(newcomer.id) in r.getMessage() for r in caplog.records)


def test_an_invitation_is_sent_out_but_replies_and_status_changes_are_not(world, topic, outbox):
    services.post_message(world.user("secretary"), topic, body="回复", client_id="r")
    services.change_status(world.user("secretary"), topic, "deliberating")
    assert outbox == []
    moderation.invite(world.user("secretary"), topic, organization_id=world.orgs["P"].id)
    assert [(u.id, n["kind"]) for u, n in outbox] == [(world.user("property").id, "invitation")]


def test_nothing_is_sent_when_the_write_is_rolled_back(world, make, outbox, monkeypatch):
    newcomer = make.resident(world.courtyards["A1"], status="pending")
    m = db.session.query(Membership).filter_by(user_id=newcomer.id).one()

    def broken_commit():
        db.session.rollback()
        raise RuntimeError("disk full")
    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        places.decide_membership(world.user("secretary"), m, approve=True)
    assert outbox == []


def _app(tmp_path, setting):
    return create_app(AppConfig(f"sqlite:///{tmp_path / 'x.sqlite3'}", NOTIFY_CHANNELS=setting))


def test_channels_are_chosen_by_configuration(tmp_path):
    app = _app(tmp_path, f"log, {__name__}:Recorder")
    with app.app_context():
        assert [type(c) for c in channels.configured()] == [channels.LoggingChannel, Recorder]
        Recorder.sent.clear()
        channels.deliver(type("U", (), {"id": 7, "display_name": "x"})(), {"kind": "invitation", "text": "t"})
        assert Recorder.sent == [(7, "invitation")]
    with _app(tmp_path, "").app_context():
        assert channels.configured() == []
    with pytest.raises(RuntimeError, match="unknown channel"):
        _app(tmp_path, "carrier-pigeon")


def test_a_failing_channel_does_not_stop_the_others(tmp_path, caplog):
    app = _app(tmp_path, f"{__name__}:Broken,{__name__}:Recorder")
    Recorder.sent.clear()
    with app.app_context(), caplog.at_level(logging.ERROR, logger="courtyard.notify"):
        channels.deliver(type("U", (), {"id": 8, "display_name": "y"})(), {"kind": "invitation", "text": "t", "id": 1})
    assert Recorder.sent == [(8, "invitation")]
    assert any("broken" in r.getMessage() for r in caplog.records)
