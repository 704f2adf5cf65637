"""Who may see an uploaded photo. Later domains (task updates, …) add their clauses here."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..places import permissions as places
from .models import Upload


def can_view_upload(user, upload: Upload) -> bool:
    """The owner, anyone who may read a topic the photo is attached to, anyone who may see a task it shows."""
    if not places._authenticated(user):
        return False
    if upload.owner_id == user.id:
        return True
    from ..deliberation import permissions as deliberation
    from ..deliberation.models import Topic, TopicPhoto
    attached = deliberation.visible_topics(user).where(
        Topic.id.in_(sa.select(TopicPhoto.topic_id).where(TopicPhoto.upload_id == upload.id)))
    if db.session.scalar(sa.select(sa.exists(attached.with_only_columns(Topic.id)))):
        return True
    return _on_a_visible_task(user, upload)


def _on_a_visible_task(user, upload: Upload) -> bool:
    """Photos of a task's timeline (the finished work): whoever may see the task."""
    from ..tasks import permissions as tasks
    from ..tasks.models import Task, TaskPhoto, TaskUpdate
    task_ids = sa.select(TaskUpdate.task_id).join(TaskPhoto, TaskPhoto.update_id == TaskUpdate.id).where(
        TaskPhoto.upload_id == upload.id)
    attached = tasks.visible_tasks(user).where(Task.id.in_(task_ids))
    return bool(db.session.scalar(sa.select(sa.exists(attached.with_only_columns(Task.id)))))
