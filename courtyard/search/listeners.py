"""The index hears what is written: a topic raised, a message posted (courtyard/signals.py).

Each receiver adds one entry in the act's own transaction, so a topic or message is findable
exactly when it is stored. Nothing else is kept here: who may read an entry, a message
hidden later, a topic merged or withdrawn — the search asks those when it runs.
`connect()` is called once by create_app.
"""
from __future__ import annotations

from .. import signals
from . import index


def _topic_created(topic, **_):
    index.add_topic(topic)


def _message_posted(topic, *, message, **_):
    index.add_message(topic, message)


def connect() -> None:
    signals.topic_created.connect(_topic_created)
    signals.message_posted.connect(_message_posted)
