"""Who may read the audit log."""
from __future__ import annotations

from ..places import permissions as places


def can_read_audit(user) -> bool:
    """Street administrators."""
    return places.is_street_admin(user)
