"""JSON shapes of projects: the same for the API and `project.updated`.

Codes, not words (status, budget source, update kinds): `project.updated` goes to the rooms
of the linked courtyards, where each reader has a language of their own. Links carry ids
only — a topic's title is shown by the pages to those who may read the topic.
"""
from __future__ import annotations

from ..dbtypes import iso
from ..deliberation.payloads import author_json
from . import rules
from .models import Project, ProjectLink, ProjectMilestone, ProjectUpdate


def milestone_json(m: ProjectMilestone) -> dict:
    return {"id": m.id, "title": m.title, "due_on": m.due_on.isoformat() if m.due_on else None,
            "done": m.done_at is not None, "done_at": iso(m.done_at), "note": m.note, "position": m.position}


def update_json(u: ProjectUpdate) -> dict:
    return {"id": u.id, "kind": u.kind.value, "from_status": u.from_status.value if u.from_status else None,
            "to_status": u.to_status.value if u.to_status else None, "text": u.text, "at": iso(u.created_at),
            "author": author_json(u.author)}


def link_json(link: ProjectLink) -> dict:
    return {"id": link.id, "project_id": link.project_id, "topic_id": link.topic_id, "task_id": link.task_id,
            "courtyard_id": link.courtyard_id, "confirmed": link.confirmed_at is not None,
            "created_at": iso(link.created_at)}


def progress_json(project: Project) -> dict:
    total = len(project.milestones)
    done = sum(1 for m in project.milestones if m.done_at is not None)
    return {"done": done, "total": total, "percent": rules.progress_percent(done, total)}


def project_json(p: Project) -> dict:
    return {
        "id": p.id, "title": p.title, "summary": p.summary, "status": p.status.value,
        "owner_org": {"id": p.owner_org.id, "name": p.owner_org.name},
        "budget": {"amount": str(p.budget_amount), "currency": "CNY", "source": p.budget_source.value,
                   "note": p.budget_note},
        "progress": progress_json(p),
        "milestones": [milestone_json(m) for m in p.milestones],
        "links": [link_json(link) for link in p.links],
        "courtyard_ids": sorted({link.courtyard_id for link in p.links if link.confirmed_at is not None}),
        "updates": [update_json(u) for u in p.updates],
        "created_by": author_json(p.created_by), "created_at": iso(p.created_at), "updated_at": iso(p.updated_at),
        "completed_at": iso(p.completed_at), "seq": p.seq,
    }
