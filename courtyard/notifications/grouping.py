"""Which notifications gather into one entry, and what the entry keeps of its steps: pure rules.

One unread entry per person and group (services._notify): every task_* notification about
one task is a step of the group `task:<id>`; a topic's status changes are steps of
`topic:<id>`; its replies are counted in `reply:<id>` (“20 new replies”). Other kinds stand
alone. The entry's kind, data and sentence are the latest step's; `count` says how many
steps it gathered and `steps` keeps the latest STEPS_KEPT of them (kind, the step's own
data, when) for the centre to list. Once read, the next step starts a new entry.
"""
from __future__ import annotations

STEPS_KEPT = 10
# What every step of a group shares: kept once on the entry, not in each step.
_SHARED = ("title", "task_id", "count", "steps", "group")


def group_key(kind: str, data: dict | None, topic_id: int | None) -> str | None:
    """The group a notification belongs to, or None when it stands alone."""
    data = data or {}
    if kind.startswith("task_") and data.get("task_id") is not None:
        return f"task:{int(data['task_id'])}"
    if topic_id is None:
        return None
    if kind == "reply":
        return f"reply:{topic_id}"
    if kind == "status":
        return f"topic:{topic_id}"
    return None


def family(kind: str) -> str | None:
    """The kinds an entry of this group may hold now (for the query), by the first one's prefix."""
    if kind.startswith("task_"):
        return "task_"
    if kind in ("reply", "status"):
        return kind
    return None


def step(kind: str, data: dict, at: str) -> dict:
    return {"kind": kind, "at": at, "data": {k: v for k, v in data.items() if k not in _SHARED}}


def gathered(previous, kind: str, data: dict, at: str, group: str | None) -> dict:
    """The entry's data after this step: the step's data, its count and its kept steps.

    `previous`: the unread entry this step joins, as (kind, data, at), or None for a new
    entry. Replies are only counted."""
    if group is None or previous is None:
        out = {**data, "count": 1}
        if group is not None:
            out["group"] = group
            if kind != "reply":
                out["steps"] = [step(kind, data, at)]
        return out
    old_kind, old_data, old_at = previous
    old_data = old_data or {}
    out = {**data, "count": int(old_data.get("count", 1)) + 1, "group": group}
    if kind != "reply":
        steps = list(old_data.get("steps") or [step(old_kind, old_data, old_at)])  # older entries kept none
        out["steps"] = [*steps, step(kind, data, at)][-STEPS_KEPT:]
    return out
