"""A street, a topic raised by A1's resident, and the configured channels' logging channel."""
from __future__ import annotations

import pytest

from courtyard.deliberation import services
from courtyard.notifications import channels

from ..api.conftest import as_role, world  # noqa: F401  (fixtures)


@pytest.fixture
def topic(world):
    return services.create_topic(world.user("resident"), world.courtyards["A1"], title="电动车棚漏雨",
                                 body="车棚顶漏雨", category="facilities")


@pytest.fixture
def outbox(app):
    """What the logging channel sent during the test."""
    channel = next(c for c in channels.configured() if isinstance(c, channels.LoggingChannel))
    channel.sent.clear()
    yield channel.sent
    channel.sent.clear()


def pushes(sent, user=None):
    """The notification.created payloads among captured events (to one user if given)."""
    return [p for e, r, p in sent if e == "notification.created" and (user is None or r == f"user:{user.id}")]
