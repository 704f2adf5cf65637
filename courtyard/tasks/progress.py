"""Where the work of a topic stands, for the topic's card and page: one query for a page of topics."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..places.models import Organization
from . import permissions
from .models import Task, TaskStatus
from .payloads import STATUS_LABELS


@dataclass(frozen=True)
class TaskProgress:
    task_id: int
    status: TaskStatus
    org_name: str

    @property
    def label(self) -> str:
        """The task pages' words for its status (tasks/payloads.STATUS_LABELS)."""
        return str(STATUS_LABELS[self.status])


def progress_of(actor, topic_ids) -> dict[int, list[TaskProgress]]:
    """The tasks `actor` may see (permissions.visible_tasks) of each of `topic_ids`, oldest
    first, with their status and organization. Topics without such a task are absent."""
    ids = list(topic_ids)
    if not ids:
        return {}
    visible = permissions.visible_tasks(actor).with_only_columns(Task.id).where(Task.topic_id.in_(ids))
    out: dict[int, list[TaskProgress]] = {}
    for topic_id, task_id, status, org_name in db.session.execute(
            sa.select(Task.topic_id, Task.id, Task.status, Organization.name)
            .join(Organization, Organization.id == Task.assignee_org_id)
            .where(Task.id.in_(visible)).order_by(Task.topic_id, Task.id)):
        out.setdefault(topic_id, []).append(TaskProgress(task_id, status, org_name))
    return out
