"""A live room per district courtyard (片区): join, leave, post. Transport only.

`join_district` lets a member into `district:<id>`, where `district.thread_created`,
`district.thread_updated` and `district.posted` arrive; anyone else is refused with
not_found (a district's courtyard is private to its members). The page loads its state over
HTTP; the room carries what happens afterwards.
"""
from __future__ import annotations

from flask_socketio import join_room, leave_room

from ..districts import payloads, services
from ..errors import NotFound
from ..validation import parse_id
from . import rooms
from .commands import command


@command("join_district")
def join_district(actor, data):
    """Enter a district courtyard's room (members only)."""
    district = services.get_district(actor, data.get("district_id"))
    join_room(rooms.district(district.id))
    return {"district_id": district.id}


@command("leave_district")
def leave_district(actor, data):
    """Leave a district's room; leaving one is never an error for a valid id."""
    district_id = parse_id(data.get("district_id"))
    if district_id is None:
        raise NotFound()
    leave_room(rooms.district(district_id))
    return {}


@command("post_district")
def post_district(actor, data):
    """Post in a district thread through districts.services.post; the ack carries the stored post."""
    thread = services.get_thread(actor, data.get("thread_id"))
    item = services.post(actor, thread, body=data.get("body"))
    return {"post": payloads.post_json(item, thread)}
