"""JSON shapes of topics and messages: the same for the API and for events."""
from __future__ import annotations

from ..dbtypes import iso
from .models import CATEGORY_CLASS, CATEGORY_LABELS, CLASS_LABELS, PLACE_LABELS, Category, CategoryClass, Message, Topic


def author_json(user) -> dict:
    return {"id": user.id, "display_name": user.display_name}


def category_json(code: Category) -> dict:
    return {"code": code.value, "label": str(CATEGORY_LABELS[code])}


def class_json(klass: CategoryClass) -> dict:
    """One of the five classes with its categories (GET /category-classes)."""
    return {"code": klass.value, "label": str(CLASS_LABELS[klass]),
            "categories": [c.value for c in Category if CATEGORY_CLASS[c] == klass]}


def place_json(t: Topic) -> dict | None:
    """Where in or around the building, or None when the author did not say."""
    if t.place is None and not t.place_note:
        return None
    return {"code": t.place.value if t.place is not None else None,
            "label": str(PLACE_LABELS[t.place]) if t.place is not None else None, "note": t.place_note}


def location_json(t: Topic) -> dict | None:
    return {"lat": t.latitude, "lng": t.longitude} if t.latitude is not None else None


def topic_json(t: Topic) -> dict:
    return {
        "id": t.id, "courtyard_id": t.courtyard_id, "title": t.title, "body": t.body,
        "category": t.category.value, "status": t.status.value, "locked": t.locked, "pinned": t.pinned,
        "merged_into_id": t.merged_into_id, "author": author_json(t.author),
        "place": place_json(t), "location": location_json(t),
        "support_count": t.support_count, "message_count": t.message_count,
        "photos": [{"id": p.upload_id, "url": f"/uploads/{p.upload_id}"} for p in t.photos],
        "created_at": iso(t.created_at), "updated_at": iso(t.updated_at),
        "last_activity_at": iso(t.last_activity_at),
    }


def message_json(m: Message) -> dict:
    badge = None
    if m.organization is not None:
        badge = {"kind": m.organization.kind.value, "name": m.organization.name}
    elif m.as_community_staff:
        badge = {"kind": "community", "name": m.topic.courtyard.building.community.name}
    return {
        "id": m.id, "topic_id": m.topic_id, "author": author_json(m.author),
        "body": "" if m.hidden else m.body, "client_id": m.client_id, "badge": badge,
        "hidden": m.hidden, "created_at": iso(m.created_at),
    }
