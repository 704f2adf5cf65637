"""The append-only audit log: who did what to which thing, and when.

- models.py: the table, `record` (one entry in the acting service's transaction), the seal;
- services.py: `search` and `actions`, for the page and the API;
- permissions.py: who may read it (street administrators);
- listeners.py: the entries, one per act the domains announce (courtyard/signals.py);
- views.py: the /audit page; api.py: GET /api/v1/audit; schemas.py: its response model.

A leaf like the notifications: no domain imports it (.importlinter); it hears their signals.
`record` stays public for a receiver or a test that needs to write an entry itself.
"""
from __future__ import annotations

from flask import Flask

from .models import AuditEntry, actor_id_of, record, unsealed  # noqa: F401
from .services import actions, entry_json, search  # noqa: F401


def init_app(app: Flask) -> None:
    """The page and the JSON route; called by create_app before the API blueprint is registered."""
    from . import api as _api  # noqa: F401  (adds GET /api/v1/audit)
    from . import views

    app.register_blueprint(views.bp)
