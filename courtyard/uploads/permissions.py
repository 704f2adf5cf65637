"""Who may see an uploaded photo: its owner, and whoever may see what it is attached to.

Uploads sit below the domains that attach photos (topics, task updates …), so each of
those says, with `@attachment`, how to find the things a photo is attached to that a
person may see; this module asks them all and knows none of them.
"""
from __future__ import annotations

from typing import Callable

from ..places import permissions as places
from .models import Upload

# (user, upload id) -> True if the photo is attached to something the user may see
AttachmentCheck = Callable[[object, int], bool]
_attachments: dict[str, AttachmentCheck] = {}


def attachment(kind: str):
    """Register how a domain's attachments make a photo visible: `@attachment("topic")`."""
    def register(check: AttachmentCheck) -> AttachmentCheck:
        _attachments[kind] = check
        return check
    return register


def attachment_kinds() -> list[str]:
    return sorted(_attachments)


def can_view_upload(user, upload: Upload) -> bool:
    """The owner, anyone who may read a topic the photo is attached to, anyone who may see a task it shows."""
    if not places._authenticated(user):
        return False
    if upload.owner_id == user.id:
        return True
    return any(check(user, upload.id) for check in _attachments.values())
