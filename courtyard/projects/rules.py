"""The project pool's arithmetic and status rules: plain values in, plain values out.

proposed ─► approved ─► in_progress ─► completed
    │           │            │
    └───────────┴────────────┴──► cancelled

A completed or cancelled project is final. The owner department may start an approved
project and complete one in progress; the street administrators may make every move.
"""
from __future__ import annotations

from decimal import Decimal

PROPOSED, APPROVED, IN_PROGRESS, COMPLETED, CANCELLED = "proposed", "approved", "in_progress", "completed", "cancelled"
STATUSES = (PROPOSED, APPROVED, IN_PROGRESS, COMPLETED, CANCELLED)
FINAL = frozenset({COMPLETED, CANCELLED})

TRANSITIONS: dict[str, frozenset[str]] = {
    PROPOSED: frozenset({APPROVED, CANCELLED}),
    APPROVED: frozenset({IN_PROGRESS, CANCELLED}),
    IN_PROGRESS: frozenset({COMPLETED, CANCELLED}),
    COMPLETED: frozenset(),
    CANCELLED: frozenset(),
}

# The moves the owner department's staff may make themselves (the street makes every move).
OWNER_MOVES = frozenset({(APPROVED, IN_PROGRESS), (IN_PROGRESS, COMPLETED)})

BUDGET_MAX = Decimal("1000000000.00")  # ¥1 billion: more than a street's project ever is


def can_move(from_status: str, to_status: str) -> bool:
    """Whether the status may go from `from_status` to `to_status` (never to itself)."""
    return to_status in TRANSITIONS.get(from_status, frozenset())


def owner_may_move(from_status: str, to_status: str) -> bool:
    return can_move(from_status, to_status) and (from_status, to_status) in OWNER_MOVES


def next_statuses(status: str, *, street: bool, owner: bool) -> list[str]:
    """The moves offered to someone from `status`, in the order of STATUSES."""
    return [s for s in STATUSES if can_move(status, s) and (street or (owner and (status, s) in OWNER_MOVES))]


def progress_percent(done: int, total: int) -> int | None:
    """Milestones reached as a whole percentage, rounded down (2 of 3 is 66); None without milestones."""
    if total <= 0:
        return None
    done = max(0, min(done, total))
    return done * 100 // total


def wan(amount: Decimal) -> Decimal:
    """An amount in 万元 (ten thousand yuan), two places, for the pages: 480000 → 48.00."""
    return (Decimal(amount) / Decimal(10000)).quantize(Decimal("0.01"))
