"""The names of Socket.IO rooms, in one place (CONTRACT §5).

- `topic:<id>`: everyone who joined a topic's page (join_topic): its discussion, votes, tasks;
- `courtyard:<id>`: every socket of a person who sees the courtyard: its topic list;
- `org:<id>`: the staff of an organization: the tasks assigned to it;
- `user:<id>`: every socket of one person: their notifications;
- `district:<id>`: the members of a district courtyard (片区) who joined its pages (join_district).

This module imports nothing of the application, so services may name rooms without
depending on the transport.
"""
from __future__ import annotations

TOPIC, COURTYARD, ORG, USER, DISTRICT = "topic", "courtyard", "org", "user", "district"


def topic(topic_id: int) -> str:
    return f"{TOPIC}:{int(topic_id)}"


def courtyard(courtyard_id: int) -> str:
    return f"{COURTYARD}:{int(courtyard_id)}"


def org(org_id: int) -> str:
    return f"{ORG}:{int(org_id)}"


def user(user_id: int) -> str:
    return f"{USER}:{int(user_id)}"


def district(district_id: int) -> str:
    return f"{DISTRICT}:{int(district_id)}"


def parse(room: str) -> tuple[str, int] | None:
    """("topic", 7) for "topic:7"; None for anything that is not one of our rooms."""
    kind, _, ident = room.partition(":")
    if kind in (TOPIC, COURTYARD, ORG, USER, DISTRICT) and ident.isascii() and ident.isdigit():
        return kind, int(ident)
    return None
