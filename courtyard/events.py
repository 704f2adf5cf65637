"""Real-time facts: queued on the database session, sent only after it commits.

A service calls `publish(event, room, payload)` while it writes; the event goes out when
the transaction commits (courtyard/aftercommit.py) and is dropped if it rolls back, so no
one is told of what was not stored. Facts that are not about stored data (presence,
typing) go out at once with `send_now`. Rooms are named by courtyard/realtime/rooms.py.

CATALOGUE is every fact the server emits (CONTRACT §5): facts are past tense,
`domain.verb`, except `typing`. Each entry says which kind of room it goes to and the
fields every payload has; under test configuration every payload sent is checked against
it (`check`), and static/js/realtime.js listens to exactly these names (a test compares).
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from .aftercommit import on_commit
from .extensions import socketio
from .realtime import rooms


@dataclass(frozen=True)
class Fact:
    rooms: tuple[str, ...]      # kinds of room (rooms.TOPIC …) it is sent to
    fields: frozenset[str]      # keys every payload has
    stored: bool = True         # about stored data: published after the commit
    about: str = ""


def _fact(room_kinds, fields: str, about: str, *, stored: bool = True) -> Fact:
    kinds = (room_kinds,) if isinstance(room_kinds, str) else tuple(room_kinds)
    return Fact(kinds, frozenset(fields.split()), stored, about)


_MESSAGE = "id topic_id author body client_id badge hidden created_at"
_TOPIC = "id courtyard_id title body category status locked pinned merged_into_id author place location support_count " \
         "message_count photos created_at updated_at last_activity_at"
_TALLY = "proposal_id status rule secret counts eligible participation quorum quorum_met passing thresholds " \
         "closes_at seq"
_PROPOSAL = "id topic_id courtyard_id title status rule secret quorum opened_at closes_at closed_at tally"
_TASK = "id topic_id courtyard_id title category status assignee_org_id due_at overdue escalation_level seq"
_NOTIFICATION = "id kind text url topic_id created_at read count"
_NOTICE = "id community_id kind title body status started_at expected_end_at resolved_at courtyard_ids updates"
_PROJECT = "id title status owner_org budget progress milestones links courtyard_ids updates seq updated_at"

_THREAD = "id district_id title body category status author community_id source_topic post_count created_at " \
          "last_activity_at resolved_at"
_POST = "id thread_id district_id author body created_at"

CATALOGUE: dict[str, Fact] = {
    "message.posted": _fact(rooms.TOPIC, _MESSAGE, "a message of the topic, as GET /topics/<id>/messages"),
    "message.hidden": _fact(rooms.TOPIC, "topic_id message_id", "a moderator hid a message"),
    "vote.tallied": _fact(rooms.TOPIC, _TALLY, "a ballot's running tally (coalesced; the last one exact)",
                          stored=False),
    "proposal.decided": _fact(rooms.TOPIC, _PROPOSAL, "a ballot closed: the proposal with its final tally"),
    "topic.created": _fact(rooms.COURTYARD, _TOPIC, "a new topic in the courtyard"),
    "topic.updated": _fact(rooms.COURTYARD, _TOPIC, "a topic's status, counts or flags changed"),
    "task.updated": _fact((rooms.TOPIC, rooms.ORG), _TASK, "a task was created or moved on"),
    "presence.changed": _fact(rooms.TOPIC, "topic_id online", "how many are on the topic's page",
                              stored=False),
    "notification.created": _fact(rooms.USER, _NOTIFICATION, "a notification for one person (new or coalesced)"),
    "notice.updated": _fact(rooms.COURTYARD, _NOTICE, "an emergency notice was posted, updated or resolved "
                            "(courtyard/emergencies): the notice with its whole timeline"),
    "visit.recorded": _fact(rooms.USER, "id notice_id unit outcome note visited_by visited_at",
                            "a flat on an emergency notice's door-to-door checklist was visited (敲门), to each "
                            "person who sees it on the checklist (emergencies.permissions.checklist_reader_ids)"),
    "district.thread_created": _fact(rooms.DISTRICT, _THREAD, "a thread was started in a district courtyard, "
                                     "or a community's topic raised to it (courtyard/districts)"),
    "district.thread_updated": _fact(rooms.DISTRICT, _THREAD, "a district thread was resolved or reopened, "
                                     "or got a post (its counts)"),
    "district.posted": _fact(rooms.DISTRICT, _POST, "a post in a district thread, as GET /district-threads/<id>/posts"),
    "project.updated": _fact((rooms.COURTYARD, rooms.ORG), _PROJECT, "a project of the pool was created, moved on "
                             "or relinked (courtyard/projects): to its linked courtyards and its owner department"),
    "typing": _fact(rooms.TOPIC, "topic_id user", "someone is typing (to the room but the typist)",
                    stored=False),
}

# Tests (and the fan-out benchmark) may listen to everything that is sent.
_listeners: list[Callable[[str, str, Any], None]] = []


def check(event: str, room: str, payload: Any) -> None:
    """ValueError unless `event` is catalogued, goes to a room of its kind and has its fields."""
    fact = CATALOGUE.get(event)
    if fact is None:
        raise ValueError(f"unknown event {event!r}")
    parsed = rooms.parse(room)
    if parsed is None or parsed[0] not in fact.rooms:
        raise ValueError(f"{event} goes to a {'/'.join(fact.rooms)} room, not {room!r}")
    if not isinstance(payload, dict) or not fact.fields <= payload.keys():
        missing = sorted(fact.fields - set(payload)) if isinstance(payload, dict) else "all"
        raise ValueError(f"{event} payload lacks {missing}")


def _checking() -> bool:
    return has_app_context() and current_app.config.get("TESTING", False)


def publish(event: str, room: str, payload: Any, session: Session | None = None) -> None:
    """Send `event` to `room` once the session commits (never if it rolls back)."""
    if event not in CATALOGUE:
        raise ValueError(f"unknown event {event!r}")
    if _checking():
        check(event, room, payload)
    on_commit(send_now, event, room, payload, session=session)


def send_now(event: str, room: str, payload: Any, *, skip_sid: str | None = None) -> None:
    """Emit at once: for facts that are not about stored data (presence, typing), and the
    queued ones once their transaction committed."""
    if _checking():
        check(event, room, payload)
    for listener in list(_listeners):
        listener(event, room, payload)
    socketio.emit(event, payload, to=room, skip_sid=skip_sid)


@contextlib.contextmanager
def capture():
    """Record every event sent inside the block: `with events.capture() as sent: ...`."""
    sent: list[tuple[str, str, Any]] = []

    def listener(event, room, payload):
        sent.append((event, room, payload))

    _listeners.append(listener)
    try:
        yield sent
    finally:
        _listeners.remove(listener)
