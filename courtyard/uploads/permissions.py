"""Who may see an uploaded photo. Later domains (task updates, …) add their clauses here."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..places import permissions as places
from .models import Upload


def can_view_upload(user, upload: Upload) -> bool:
    """The owner, and anyone who may read a topic the photo is attached to."""
    if not places._authenticated(user):
        return False
    if upload.owner_id == user.id:
        return True
    from ..deliberation import permissions as deliberation
    from ..deliberation.models import Topic, TopicPhoto
    attached = deliberation.visible_topics(user).where(
        Topic.id.in_(sa.select(TopicPhoto.topic_id).where(TopicPhoto.upload_id == upload.id)))
    return bool(db.session.scalar(sa.select(sa.exists(attached.with_only_columns(Topic.id)))))
