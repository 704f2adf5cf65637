"""Server-drawn charts: the geometry of small SVG bar charts, as plain numbers for the templates.

The page draws them with <rect> and <text> (presentation attributes only, so the strict
CSP holds), scales with the viewBox, and puts a table of the same numbers beside each.
"""
from __future__ import annotations

import math

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 16, 24


def nice_max(value: float) -> float:
    """A round upper bound for an axis: 1, 2, 5 × 10ⁿ at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def month_bars(by_month: list[dict], key: str = "topics", compare: str = "topics_last_year") -> dict:
    """Vertical bars of `key` per month, with a tick for `compare` (the same month a year earlier)."""
    values = [m.get(key) or 0 for m in by_month]
    marks = [m.get(compare) for m in by_month]
    top = nice_max(max(values + [v for v in marks if v is not None] + [0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(values), 1)
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.62)
    bars = []
    for i, (m, v, mark) in enumerate(zip(by_month, values, marks)):
        h = plot_h * v / top
        x = LEFT + i * slot + (slot - bar_w) / 2
        bars.append({
            "x": round(x, 1), "y": round(TOP + plot_h - h, 1), "w": round(bar_w, 1), "h": round(h, 1),
            "cx": round(x + bar_w / 2, 1), "value": v, "month": m["month"], "label": str(int(m["month"][5:7])),
            "mark_y": round(TOP + plot_h - plot_h * mark / top, 1) if mark is not None else None, "mark": mark,
        })
    grid = [{"y": round(TOP + plot_h - plot_h * f, 1), "value": _fmt(top * f)} for f in (0, 0.5, 1)]
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "grid": grid, "left": LEFT, "right": WIDTH - RIGHT,
            "base": TOP + plot_h, "label_y": HEIGHT - 8, "show_values": n <= 13}


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def share_bars(items: list[dict], key: str) -> list[dict]:
    """Horizontal bars: each item's `key` as a percentage of the largest (for a width="…%")."""
    top = max([i.get(key) or 0 for i in items] + [0])
    return [{**i, "bar_pct": round(100 * (i.get(key) or 0) / top, 1) if top else 0.0} for i in items]


def pct(rate: float | None) -> float:
    """A rate 0–1 as a bar width in percent (0 for no data)."""
    return round(100 * rate, 1) if rate is not None else 0.0
