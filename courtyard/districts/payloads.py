"""JSON shapes of districts, their threads, posts and experience cases: the same for the API and
the `district.*` facts (codes, not words: a district room's readers each have their language)."""
from __future__ import annotations

from ..dbtypes import iso
from ..deliberation.payloads import author_json
from ..places.models import District
from .models import DistrictPost, DistrictThread, ExperienceCase


def district_json(d: District, *, staff=None) -> dict:
    out = {"id": d.id, "name": d.name, "station_name": d.station_name, "station_address": d.station_address,
           "communities": [{"id": c.id, "name": c.name} for c in d.communities]}
    if staff is not None:
        out["staff"] = [author_json(u) for u in staff]
    return out


def thread_json(t: DistrictThread) -> dict:
    source = t.source_topic
    return {
        "id": t.id, "district_id": t.district_id, "title": t.title, "body": t.body, "category": t.category.value,
        "status": t.status.value, "author": author_json(t.author), "community_id": t.community_id,
        "source_topic": {"id": source.id, "title": source.title, "courtyard_id": source.courtyard_id}
        if source is not None else None,
        "post_count": t.post_count, "created_at": iso(t.created_at), "last_activity_at": iso(t.last_activity_at),
        "resolved_at": iso(t.resolved_at),
    }


def post_json(p: DistrictPost, thread: DistrictThread) -> dict:
    return {"id": p.id, "thread_id": p.thread_id, "district_id": thread.district_id, "author": author_json(p.author),
            "body": p.body, "created_at": iso(p.created_at)}


def case_json(c: ExperienceCase, *, topic_visible: bool = False) -> dict:
    """`topic_id` only for readers who may read the topic; the title and summary for everyone."""
    return {"id": c.id, "district_id": c.district_id, "district": c.district.name, "title": c.title,
            "category": c.category.value, "summary": c.summary,
            "community": {"id": c.community.id, "name": c.community.name} if c.community else None,
            "topic_id": c.topic_id if topic_visible else None, "thread_id": c.thread_id,
            "marked_by": author_json(c.marked_by), "created_at": iso(c.created_at)}
