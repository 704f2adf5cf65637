"""Fixtures for the outbound channels: a controllable clock, channels configured for one test, a gateway."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from courtyard import clock
from courtyard.clock import LOCAL_TZ
from courtyard.extensions import db
from courtyard.notifications import channels, preferences, services
from courtyard.notifications.models import OutboundMessage

from ..clocks import FakeClock
from .gateway import FakeSmsGateway

SECRET = "test-gateway-secret"
SETTINGS = ("NOTIFY_CHANNELS", "SMS_GATEWAY_URL", "SMS_GATEWAY_SECRET", "SMS_TIMEOUT", "SMTP_HOST", "SMTP_PORT",
            "SMTP_FROM", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS", "SMTP_TIMEOUT", "PUBLIC_URL")


def local(*args) -> datetime:
    """A Beijing wall-clock time, as aware UTC."""
    return datetime(*args, tzinfo=LOCAL_TZ).astimezone(timezone.utc)



@pytest.fixture
def fake_clock(app):
    """10:00 on a weekday morning, Beijing time (the app fixture puts the real clock back)."""
    c = FakeClock(local(2026, 12, 3, 10, 0))
    clock.use(c)
    return c


@pytest.fixture
def use_channels(app):
    """use_channels(NOTIFY_CHANNELS="log,sms", SMS_GATEWAY_URL=…): this test's channels; put back after."""
    saved_config = {k: app.config.get(k) for k in SETTINGS}
    saved = app.extensions[channels._EXT]

    def use(**settings):
        app.config.update(settings)
        app.extensions[channels._EXT] = channels.build(app.config)
        return channels.configured()
    yield use
    app.config.update(saved_config)
    app.extensions[channels._EXT] = saved


@pytest.fixture
def gateway():
    with FakeSmsGateway(secret=SECRET) as g:
        yield g


@pytest.fixture
def sms(use_channels, gateway, fake_clock):
    """The log and sms channels, sending to the local gateway."""
    use_channels(NOTIFY_CHANNELS="log,sms", SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_SECRET=SECRET, SMS_TIMEOUT=0.5)
    return gateway


def opt_in(user, **choices):
    choices = choices or {"sms": True}
    email = choices.pop("email_address", None)
    kwargs = {"email": email} if email is not None else {}
    return preferences.set_channels(user, choices=choices, **kwargs)


def approve(user, courtyard_name="芳草园", outbound=None):
    """An outbound kind (membership_approved) for `user`, committed."""
    rows = services._notify([user.id], kind=services.MEMBERSHIP_APPROVED, courtyard_id=None, url="/courtyards/1",
                            data={"courtyard": courtyard_name}, outbound=outbound)
    db.session.commit()
    return rows


def records(channel=None) -> list[OutboundMessage]:
    db.session.expire_all()
    q = db.session.query(OutboundMessage).order_by(OutboundMessage.id)
    if channel:
        q = q.filter_by(channel=channel)
    return q.all()
