"""JSON shapes of notices, their timeline, households and visits: the same for the API and `notice.updated`.

Codes, not words (kind, status, flags, outcome): a `notice.updated` goes to a courtyard's
room, where each reader has a language of their own; the pages carry the labels.
"""
from __future__ import annotations

from ..dbtypes import iso
from ..deliberation.payloads import author_json
from .models import HouseholdFlag, Notice, NoticeUpdate, Visit


def update_json(u: NoticeUpdate) -> dict:
    return {"id": u.id, "kind": u.kind.value, "text": u.text, "at": iso(u.created_at), "author": author_json(u.author)}


def notice_json(n: Notice) -> dict:
    return {
        "id": n.id, "community_id": n.community_id, "kind": n.kind.value, "title": n.title, "body": n.body,
        "status": n.status.value, "started_at": iso(n.started_at), "expected_end_at": iso(n.expected_end_at),
        "resolved_at": iso(n.resolved_at), "courtyard_ids": n.courtyard_ids,
        "courtyards": [{"id": t.courtyard_id, "name": t.courtyard.name} for t in n.targets],
        "created_by": author_json(n.created_by),
        "updates": [update_json(u) for u in n.updates],
    }


def flag_json(f: HouseholdFlag) -> dict:
    return {"kind": f.kind.value, "note": f.note, "set_by": author_json(f.set_by), "set_at": iso(f.set_at)}


def unit_json(unit) -> dict:
    return {"id": unit.id, "label": unit.label}


def household_json(unit, flags: list[HouseholdFlag]) -> dict:
    return {"unit": unit_json(unit), "courtyard_id": unit.building.courtyard.id,
            "flags": [flag_json(f) for f in flags]}


def visit_json(v: Visit) -> dict:
    return {"id": v.id, "notice_id": v.notice_id, "unit": unit_json(v.unit), "outcome": v.outcome.value,
            "note": v.note, "visited_by": author_json(v.visited_by), "visited_at": iso(v.visited_at)}
