"""How a topic follows what happens to its proposals: listeners to the other domains' signals.

- a ballot opened on a proposal of a new topic (open) puts the topic under discussion.

Receivers run in the sender's transaction (courtyard/signals.py); `connect()` is called
once by create_app.
"""
from __future__ import annotations

from .. import signals
from .models import TopicStatus
from .services import set_status


def _ballots_opened(topic, *, actor, **_):
    if topic.status == TopicStatus.open:
        set_status(actor, topic, TopicStatus.deliberating)


RECEIVERS = {
    signals.ballots_opened: _ballots_opened,
}


def connect() -> None:
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver)
