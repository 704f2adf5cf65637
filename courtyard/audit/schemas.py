"""The response model of GET /api/v1/audit and its typed query parameters."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field

from ..api.schemas import Out

# Query parameters the query model reads as text for the service to check (doc(params=...)).
AUDIT_PARAMS = {"actor_id": int, "subject_id": int, "courtyard_id": int,
                "since": Annotated[date, Field(description="YYYY-MM-DD, Beijing time, included")],
                "until": Annotated[date, Field(description="YYYY-MM-DD, Beijing time, included")]}


class AuditEntryOut(Out):
    id: int
    created_at: datetime
    actor_id: int | None
    action: str
    subject_type: str
    subject_id: int
    courtyard_id: int | None
    data: dict[str, Any] | None
