"""Response models of the token routes."""
from __future__ import annotations

from ..api.schemas import Out
from ..places.schemas import UserOut


class TokenOut(Out):
    token: str
    user: UserOut
