"""Response model of POST /uploads (CONTRACT §4)."""
from __future__ import annotations

from pydantic import Field

from ..api.schemas import Out


class UploadOut(Out):
    id: int
    url: str = Field(description="Where the photo is served, to those who may see it")
