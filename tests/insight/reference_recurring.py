"""The recurring-problem detector as first written (every pair of items compared): the reference that
courtyard.insight.recurring's faster detector must agree with (test_recurring_reference.py)."""
from __future__ import annotations

from courtyard.insight.recurring import DEFAULT_DAYS, DEFAULT_K, DEFAULT_THRESHOLD, Item, densest, similarity, words


def _components(items: list[Item], threshold: float) -> list[list[Item]]:
    parent = list(range(len(items)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if find(i) != find(j) and (threshold <= 0 or similarity(items[i].title, items[j].title) >= threshold):
                parent[find(j)] = find(i)
    groups: dict[int, list[Item]] = {}
    for i, item in enumerate(items):
        groups.setdefault(find(i), []).append(item)
    return list(groups.values())


def _representative(group: list[Item]) -> Item:
    """The title most like the others (ties: the earliest)."""
    if len(group) <= 2:
        return group[0]
    scores = [(sum(similarity(a.title, b.title) for b in group if b is not a), -i) for i, a in enumerate(group)]
    return group[-max(scores)[1]]


def _keywords(group: list[Item], limit: int = 5) -> list[str]:
    counts: dict[str, int] = {}
    for item in group:
        for w in words(item.title):
            counts[w] = counts.get(w, 0) + 1
    common = [w for w, n in counts.items() if n * 2 >= len(group)]
    return sorted(common, key=lambda w: (-counts[w], w))[:limit]


def detect(items: list[Item], *, k: int = DEFAULT_K, days: int = DEFAULT_DAYS,
           threshold: float = DEFAULT_THRESHOLD) -> list[dict]:
    """Recurring problems among `items`, most frequent first.

    Each: courtyard_id, category, ids (every topic of the group, oldest first), count,
    peak (the most topics within `days` days) with peak_ids, first and last dates,
    title (the representative one) and keywords (words at least half the titles share).
    """
    by_cell: dict[tuple[int, str], list[Item]] = {}
    for item in sorted(items, key=lambda i: (i.created_at, i.id)):
        by_cell.setdefault((item.courtyard_id, item.category), []).append(item)
    found = []
    for (courtyard_id, category), cell in by_cell.items():
        if len(cell) < k:
            continue
        for group in _components(cell, threshold):
            group.sort(key=lambda i: (i.created_at, i.id))
            peak = densest(group, days)
            if len(peak) < k:
                continue
            found.append({
                "courtyard_id": courtyard_id, "category": category,
                "ids": [i.id for i in group], "count": len(group),
                "peak": len(peak), "peak_ids": [i.id for i in peak],
                "first_at": group[0].created_at, "last_at": group[-1].created_at,
                "title": _representative(group).title, "keywords": _keywords(group),
            })
    found.sort(key=lambda g: (-g["peak"], -g["count"], -g["last_at"].timestamp(), g["courtyard_id"], g["category"]))
    return found
