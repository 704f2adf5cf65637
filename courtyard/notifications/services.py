"""Notifications: the in-app centre, pushed live, and outbound channels.

Stub hooks called by other services; the notification centre fills them in.
"""
from __future__ import annotations


def message_posted(actor, topic, message) -> None:
    """Tell the topic's author and supporters of a reply (unless they muted the topic)."""


def topic_status_changed(actor, topic, old_status) -> None:
    """Tell the topic's author and supporters its status changed."""
