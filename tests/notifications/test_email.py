"""The e-mail channel against a local SMTP server (aiosmtpd) the test starts."""
from __future__ import annotations

import socket
from email import message_from_bytes
from email.policy import default as email_policy

import pytest
from aiosmtpd.controller import Controller

from courtyard import scheduler
from courtyard.extensions import db
from courtyard.notifications.models import OutboundStatus

from .outbound_support import approve, fake_clock, local, opt_in, records, use_channels  # noqa: F401


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses recipients with `refuse`."""

    def __init__(self):
        self.received = []
        self.refuse: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              message_from_bytes(envelope.content, policy=email_policy)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def mail(use_channels, smtp, fake_clock):
    use_channels(NOTIFY_CHANNELS="log,email", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False,
                 SMTP_FROM="掌上四合院 <noreply@courtyard.example>", SMTP_TIMEOUT=5,
                 PUBLIC_URL="https://courtyard.example")
    return smtp


def test_an_opted_in_resident_gets_a_plain_text_mail_in_chinese(make, mail):
    user = make.user(display_name="王阿姨")
    opt_in(user, email=True, email_address="wang@example.com")
    approve(user, "芳草园")
    [(sender, rcpts, msg)] = mail.received
    assert rcpts == ["wang@example.com"] and sender == "noreply@courtyard.example"
    assert msg["Subject"].startswith("【掌上四合院】") and "芳草园" in msg["Subject"]
    assert msg.get_content_type() == "text/plain"
    body = msg.get_content()
    assert "王阿姨，您好：" in body and "https://courtyard.example/courtyards/1" in body
    assert "https://courtyard.example/notifications/settings" in body
    assert records("email")[0].status is OutboundStatus.sent


def test_in_english_for_an_english_reader(make, mail):
    user = make.user(display_name="Ann")
    user.locale = "en"
    db.session.commit()
    opt_in(user, email=True, email_address="ann@example.com")
    approve(user, "Garden Court")
    [(_, _, msg)] = mail.received
    assert msg["Subject"].startswith("[Courtyard] ")
    assert "Hello Ann," in msg.get_content() and "turned on e-mail notifications" in msg.get_content()


def test_no_mail_without_opting_in(make, mail):
    user = make.user()
    user.email = "x@example.com"
    db.session.commit()
    approve(user)
    assert mail.received == [] and records("email") == []


def test_a_refused_recipient_fails_and_a_busy_one_is_retried(make, mail, fake_clock):
    user = make.user()
    opt_in(user, email=True, email_address="gone@example.com")
    mail.refuse = "550 5.1.1 No such user"
    approve(user)
    assert (records("email")[0].status, records("email")[0].last_error) == (OutboundStatus.failed, "SMTP 550")
    mail.refuse = "451 4.3.0 Try again later"
    approve(user)
    second = records("email")[1]
    assert (second.status, second.last_error) == (OutboundStatus.queued, "SMTP 451")
    mail.refuse = None
    fake_clock.advance(minutes=1)
    scheduler.run_due()
    assert records("email")[1].status is OutboundStatus.sent and len(mail.received) == 1


def test_no_smtp_server_is_retried_later(make, use_channels, fake_clock):
    use_channels(NOTIFY_CHANNELS="email", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_FROM="a@b.cn")
    user = make.user()
    opt_in(user, email=True, email_address="u@example.com")
    approve(user)
    [record] = records("email")
    assert (record.status, record.last_error) == (OutboundStatus.queued, "connection error")


def test_at_night_the_mail_waits_for_the_morning(make, mail, fake_clock):
    user = make.user()
    opt_in(user, email=True, email_address="u@example.com")
    fake_clock.set(local(2026, 12, 3, 22, 0))
    approve(user)
    assert mail.received == []
    fake_clock.set(local(2026, 12, 4, 7, 0))
    scheduler.run_due()
    assert len(mail.received) == 1
