"""A live room per topic: join (with catch-up), leave, post, typing. Transport only.

Joining takes the topic's lock (deliberation.ordering) while it reads what was missed and
enters the room. Posting holds the same lock from insert to publish, so every message is
either in `missed` or delivered to the room afterwards: never both, never neither.
"""
from __future__ import annotations

from flask import current_app, request
from flask_socketio import join_room, leave_room
from limits import parse

from .. import events
from ..deliberation import payloads, services
from ..deliberation.ordering import topic_lock
from ..errors import NotFound
from ..extensions import limiter, socketio
from ..validation import parse_id
from . import presence, rooms
from .commands import command

MISSED_MAX = 500  # more than this: "more": true, and the client pages through REST
TYPING_PER_SOCKET = "10/10 seconds"


def room_of(topic_id: int) -> str:
    return rooms.topic(topic_id)


def _topic_id(value) -> int:
    """A topic id as sent by a client; anything else cannot name a topic."""
    topic_id = parse_id(value)
    if topic_id is None:
        raise NotFound()
    return topic_id


@command("join_topic")
def join_topic(actor, data):
    """Enter a topic's room; ack the messages after `after` and the number of people online."""
    topic = services.get_topic(actor, data.get("topic_id"), alone=True)
    room = room_of(topic.id)
    with topic_lock(topic.id):
        missed = services.messages_after(actor, topic, after=data.get("after"), limit=MISSED_MAX)
        join_room(room)
    online, changed = presence.enter(room, actor.id, request.sid)
    if changed:
        presence.changed(topic.id)  # the room hears it coalesced; the ack is exact now
    return {"topic_id": topic.id, "missed": [payloads.message_json(m) for m in missed],
            "more": len(missed) == MISSED_MAX, "online": online}


@command("leave_topic")
def leave_topic(actor, data):
    """Leave a topic's room. Leaving a room one is not in (or may no longer see) is not an error."""
    topic_id = _topic_id(data.get("topic_id"))
    room = room_of(topic_id)
    leave_room(room)
    _online, changed = presence.leave(room, actor.id, request.sid)
    if changed:
        presence.changed(topic_id)
    return {}


@command("post_message")
def post_message(actor, data):
    """Post through deliberation.services.post_message; the ack carries the stored message."""
    topic = services.get_topic(actor, data.get("topic_id"))
    message, _created = services.post_message(actor, topic, body=data.get("body"),
                                              client_id=data.get("client_id"), sid=request.sid)
    return {"message": payloads.message_json(message)}


@command("typing", ack=False)
def typing(actor, data):
    """Tell the rest of the room that someone is typing (not stored; not sent back to the typist)."""
    topic = services.get_topic(actor, data.get("topic_id"), alone=True)
    room = room_of(topic.id)
    sid = request.sid
    if room not in socketio.server.rooms(sid):
        return
    rate = parse(current_app.config.get("TYPING_RATE_PER_SOCKET", TYPING_PER_SOCKET))
    if not limiter.limiter.hit(rate, "socket-typing", sid):
        return
    events.send_now("typing", room, {"topic_id": topic.id, "user": payloads.author_json(actor)}, skip_sid=sid)
