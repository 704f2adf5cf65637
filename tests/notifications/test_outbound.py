"""The SMS channel against a local gateway: delivery records, signing, retries, quiet hours, opt-in, claims."""
from __future__ import annotations

import json
import logging
import re
import threading
from datetime import timedelta

import pytest

from courtyard import create_app, scheduler
from courtyard.config import Config
from courtyard.config import TestConfig as AppConfig
from courtyard.extensions import db
from courtyard.notifications import channels, outbound, rules
from courtyard.notifications.models import OutboundStatus
from courtyard.places import services as places
from courtyard.places.models import Membership

from .gateway import FakeSmsGateway, signature
from .outbound_support import SECRET, approve, fake_clock, gateway, local, opt_in, records, sms, use_channels  # noqa: F401

PHONE = "13812345678"


@pytest.fixture
def resident(make):
    return make.user(phone=PHONE)


def test_an_opted_in_resident_gets_one_signed_text_message(world, make, sms, outbox):
    newcomer = make.resident(world.courtyards["A1"], status="pending", user=make.user(phone=PHONE))
    opt_in(newcomer)
    m = db.session.query(Membership).filter_by(user_id=newcomer.id).one()
    places.decide_membership(world.user("secretary"), m, approve=True)

    [message] = sms.messages
    [record] = records("sms")
    assert message["to"] == PHONE and message["message_id"] == str(record.id)
    assert message["template"] == "membership_approved" and message["params"]["courtyard"]
    assert message["text"].startswith("【掌上四合院】") and len(message["text"]) <= 70
    assert message["params"]["link"] == f"http://127.0.0.1:5000/courtyards/{world.courtyards['A1'].id}"
    [request] = sms.requests
    assert request.signed and re.fullmatch(r"sha256=[0-9a-f]{64}", request.headers["X-Courtyard-Signature"])
    assert (record.status, record.attempts, record.last_error) == (OutboundStatus.sent, 1, None)
    assert record.sent_at is not None and record.user_id == newcomer.id
    assert [u.id for u, _ in outbox] == [newcomer.id]  # the log channel too: it needs no opt-in
    assert {r.channel for r in records()} == {"log", "sms"}


def test_the_signature_is_an_hmac_of_timestamp_and_body(app):
    channel = channels.SmsChannel("http://127.0.0.1:1/sms", SECRET)
    body = json.dumps({"a": "短信"}, ensure_ascii=False).encode()
    assert channel.sign("1700000000", body) == signature(SECRET, "1700000000", body)
    assert channel.sign("1700000000", body) != signature("other", "1700000000", body)


def test_a_gateway_that_checks_another_secret_refuses_and_it_fails(resident, use_channels, fake_clock):
    with FakeSmsGateway(secret="not-ours") as other:
        use_channels(NOTIFY_CHANNELS="sms", SMS_GATEWAY_URL=other.url, SMS_GATEWAY_SECRET=SECRET)
        opt_in(resident)
        approve(resident)
        assert other.messages == [] and [r.signed for r in other.requests] == [False]
    [record] = records("sms")
    assert (record.status, record.last_error) == (OutboundStatus.failed, "HTTP 401")


def test_nothing_goes_out_to_those_who_did_not_opt_in(resident, sms, outbox):
    approve(resident)
    assert sms.requests == [] and records("sms") == []
    assert len(outbox) == 1  # the in-app centre and the log still have it


def test_outbound_restricts_who_gets_the_text_message(make, sms):
    a, b = make.user(phone="13900000001"), make.user(phone="13900000002")
    opt_in(a), opt_in(b)
    from courtyard.notifications import services
    services._notify([a.id, b.id], kind=services.MEMBERSHIP_APPROVED, url="/x", data={"courtyard": "院"},
                     outbound={b.id})
    db.session.commit()
    assert [m["to"] for m in sms.messages] == ["13900000002"]


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_passing_failure_is_retried_with_back_off_then_sent(resident, sms, fake_clock, status):
    opt_in(resident)
    sms.fail(status)
    start = fake_clock.now()
    approve(resident)
    [record] = records("sms")
    assert (record.status, record.attempts, record.last_error) == (OutboundStatus.queued, 1, f"HTTP {status}")
    assert record.next_attempt_at == start + rules.BACKOFF[0]
    fake_clock.advance(seconds=30)
    scheduler.run_due()
    assert sms.messages == [] and len(sms.requests) == 1
    fake_clock.advance(seconds=30)
    scheduler.run_due()
    [record] = records("sms")
    assert (record.status, record.attempts) == (OutboundStatus.sent, 2)
    assert len(sms.messages) == 1 and sms.messages[0]["message_id"] == str(record.id)


def test_a_refusal_fails_for_good(resident, sms, fake_clock):
    opt_in(resident)
    sms.fail(400)
    approve(resident)
    [record] = records("sms")
    assert (record.status, record.attempts, record.last_error) == (OutboundStatus.failed, 1, "HTTP 400")
    fake_clock.advance(hours=3)
    scheduler.run_due()
    assert len(sms.requests) == 1 and records("sms")[0].status is OutboundStatus.failed


def test_it_gives_up_after_the_last_attempt(resident, sms, fake_clock):
    opt_in(resident)
    sms.fail(500, times=rules.MAX_ATTEMPTS)
    approve(resident)
    for delay in rules.BACKOFF:
        fake_clock.advance(seconds=delay.total_seconds())
        scheduler.run_due()
    [record] = records("sms")
    assert (record.status, record.attempts, record.last_error) == (OutboundStatus.failed, rules.MAX_ATTEMPTS,
                                                                   "HTTP 500")
    assert len(sms.requests) == rules.MAX_ATTEMPTS and sms.messages == []


def test_a_timeout_is_retried(resident, sms, use_channels, fake_clock):
    use_channels(SMS_TIMEOUT=0.2)
    opt_in(resident)
    sms.hang()
    approve(resident)
    [record] = records("sms")
    assert (record.status, record.last_error) == (OutboundStatus.queued, "timeout")
    fake_clock.advance(minutes=1)
    scheduler.run_due()
    assert records("sms")[0].status is OutboundStatus.sent and len(sms.messages) == 1


def test_no_gateway_listening_is_retried(resident, use_channels, fake_clock):
    with FakeSmsGateway() as gone:
        url = gone.url
    use_channels(NOTIFY_CHANNELS="sms", SMS_GATEWAY_URL=url, SMS_GATEWAY_SECRET=SECRET)
    opt_in(resident)
    approve(resident)
    [record] = records("sms")
    assert (record.status, record.last_error) == (OutboundStatus.queued, "connection error")


# --- quiet hours -----------------------------------------------------------------------------

def test_at_night_it_waits_for_seven_in_the_morning(resident, sms, fake_clock, outbox):
    opt_in(resident)
    fake_clock.set(local(2026, 12, 3, 23, 30))
    approve(resident)
    [record] = records("sms")
    assert record.status is OutboundStatus.queued and record.next_attempt_at == local(2026, 12, 4, 7, 0)
    assert sms.requests == [] and len(outbox) == 1  # the in-app side is not held back
    fake_clock.set(local(2026, 12, 4, 6, 59, 59))
    scheduler.run_due()
    assert sms.requests == []
    fake_clock.set(local(2026, 12, 4, 7, 0))
    scheduler.run_due()
    assert len(sms.messages) == 1 and records("sms")[0].status is OutboundStatus.sent


def test_a_retry_that_falls_at_night_waits_for_the_morning(resident, sms, fake_clock):
    opt_in(resident)
    fake_clock.set(local(2026, 12, 3, 21, 59, 30))
    sms.fail(500)
    approve(resident)
    [record] = records("sms")
    assert record.next_attempt_at == local(2026, 12, 4, 7, 0)


def test_a_record_due_before_the_night_still_waits_during_it(resident, sms, fake_clock):
    opt_in(resident)
    fake_clock.set(local(2026, 12, 3, 21, 59))
    sms.fail(500)
    approve(resident)
    record = records("sms")[0]
    record.next_attempt_at = local(2026, 12, 3, 22, 0)  # as if made by an older back-off
    db.session.commit()
    fake_clock.set(local(2026, 12, 3, 22, 30))
    scheduler.run_due()
    assert len(sms.requests) == 1


def test_turning_it_off_before_the_morning_skips_it(resident, sms, fake_clock):
    opt_in(resident)
    fake_clock.set(local(2026, 12, 3, 23, 0))
    approve(resident)
    opt_in(resident, sms=False)
    fake_clock.set(local(2026, 12, 4, 7, 0))
    scheduler.run_due()
    assert sms.requests == []
    assert (records("sms")[0].status, records("sms")[0].last_error) == (OutboundStatus.skipped, "turned off")


# --- privacy ---------------------------------------------------------------------------------

def test_the_phone_number_never_reaches_the_log(resident, sms, fake_clock, caplog):
    opt_in(resident)
    with caplog.at_level(logging.DEBUG):
        approve(resident)                        # sent
        sms.fail(500)
        approve(resident)                        # retried
        sms.fail(404)
        approve(resident)                        # refused
        sms.hang()
        approve(resident)                        # timed out
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "138****5678" in text
    assert PHONE not in text and "12345678" not in text
    assert all(PHONE not in (r.last_error or "") for r in records())


# --- claims ----------------------------------------------------------------------------------

def test_a_record_is_claimed_once(resident, sms, fake_clock):
    opt_in(resident)
    fake_clock.set(local(2026, 12, 3, 23, 0))  # queued for the morning
    approve(resident)
    fake_clock.set(local(2026, 12, 4, 7, 0))
    now = fake_clock.now()
    [first] = outbound.due_ids(now, ["sms"])
    assert outbound.due_ids(now, ["sms"]) == [first]  # a second process sees it due too …
    assert outbound.claim(first, now) is True
    assert outbound.claim(first, now) is False        # … but only one claim takes it
    assert outbound.deliver_due() == {}
    assert sms.requests == []


def test_two_processes_at_once_send_each_message_once(make, sms, fake_clock, app):
    users = [make.user(phone=f"1390000{i:04d}") for i in range(6)]
    for u in users:
        opt_in(u)
    fake_clock.set(local(2026, 12, 3, 23, 0))
    for u in users:
        approve(u)
    fake_clock.set(local(2026, 12, 4, 7, 0))
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            with app.app_context():
                start.wait()
                outbound.deliver_due()
                db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = [m["message_id"] for m in sms.messages]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == len(users)
    assert {r.status for r in records("sms")} == {OutboundStatus.sent}


def test_a_claim_left_by_a_crashed_process_is_taken_over(resident, sms, fake_clock):
    opt_in(resident)
    fake_clock.set(local(2026, 12, 3, 23, 0))
    approve(resident)
    fake_clock.set(local(2026, 12, 4, 7, 0))
    [record_id] = outbound.due_ids(fake_clock.now(), ["sms"])
    assert outbound.claim(record_id, fake_clock.now())  # … and the process dies
    fake_clock.advance(minutes=5)
    scheduler.run_due()
    assert sms.requests == []
    fake_clock.advance(seconds=(outbound.CLAIM_TIMEOUT - timedelta(minutes=5)).total_seconds() + 1)
    scheduler.run_due()
    assert len(sms.messages) == 1 and records("sms")[0].status is OutboundStatus.sent


def test_the_job_is_registered(app):
    assert "notifications.deliver_due" in scheduler.jobs()


# --- configuration ---------------------------------------------------------------------------

def test_sms_without_its_gateway_stops_start_up(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    with pytest.raises(RuntimeError, match="SMS_GATEWAY_URL and SMS_GATEWAY_SECRET are not set"):
        create_app(AppConfig(url, NOTIFY_CHANNELS="log,sms"))
    with pytest.raises(RuntimeError, match="SMS_GATEWAY_SECRET is not set"):
        create_app(AppConfig(url, NOTIFY_CHANNELS="sms", SMS_GATEWAY_URL="https://sms.example/send"))
    with pytest.raises(RuntimeError, match="SMTP_HOST and SMTP_FROM are not set"):
        create_app(AppConfig(url, NOTIFY_CHANNELS="email"))
    app = create_app(AppConfig(url, NOTIFY_CHANNELS="log,sms,email", SMS_GATEWAY_URL="https://sms.example/send",
                                SMS_GATEWAY_SECRET="s", SMTP_HOST="localhost", SMTP_FROM="noreply@example.com"))
    with app.app_context():
        assert [c.name for c in channels.configured()] == ["log", "sms", "email"]
        assert [c.name for c in channels.offered()] == ["sms", "email"]


def test_settings_come_from_the_environment():
    c = Config({"NOTIFY_CHANNELS": "log,sms", "SMS_GATEWAY_URL": "https://g/x", "SMS_GATEWAY_SECRET": "k",
                "SMS_TIMEOUT": "2.5", "SMTP_HOST": "mail", "SMTP_PORT": "587", "SMTP_STARTTLS": "true",
                "SMTP_FROM": "a@b.cn", "PUBLIC_URL": "https://courtyard.example/"})
    assert (c.SMS_GATEWAY_URL, c.SMS_GATEWAY_SECRET, c.SMS_TIMEOUT) == ("https://g/x", "k", 2.5)
    assert (c.SMTP_HOST, c.SMTP_PORT, c.SMTP_STARTTLS, c.SMTP_FROM) == ("mail", 587, True, "a@b.cn")
    assert c.PUBLIC_URL == "https://courtyard.example"
    assert Config({}).PUBLIC_URL == "http://127.0.0.1:5000" and Config({}).SMTP_STARTTLS is False
    with pytest.raises(RuntimeError, match="SMS_TIMEOUT must be a number"):
        Config({"SMS_TIMEOUT": "soon"})


def test_delivery_lets_other_green_threads_run_after_each_send(make, sms, fake_clock, monkeypatch):
    """1,000 texts for an opened ballot must not hold the server while its households vote."""
    from courtyard.extensions import socketio
    users = [make.user(phone=f"1391111{i:04d}") for i in range(3)]
    for u in users:
        opt_in(u)
    fake_clock.set(local(2026, 12, 3, 23, 0))
    for u in users:
        approve(u)
    fake_clock.set(local(2026, 12, 4, 7, 0))
    handed: list[int] = []
    monkeypatch.setattr(socketio, "sleep", lambda seconds=0: handed.append(len(sms.messages)))
    assert outbound.deliver_due() == {"sent": 3}
    assert handed == [1, 2, 3]  # once after each message, never holding the hub for the batch
