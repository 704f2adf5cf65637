"""The arithmetic of Insight, as pure functions: rates, windows, changes, rankings, hot spots, seasons.

No database, no Flask: plain values in, plain values out (tests/insight/test_rules.py tests
them with Hypothesis). The definitions are written out for people in docs/insight.md; a
change here is a change there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from collections import Counter
from datetime import date, datetime, time, timedelta

from ..clock import LOCAL_TZ  # no daylight saving: a local day is always UTC+8
from ..tasks.rules import satisfied_share

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
MAX_WINDOW_DAYS = 3 * 366 + 1  # three years: a window longer than that is no one's report

SCORES = ("satisfied", "basically_satisfied", "unsatisfied")
GOOD_SCORES = ("satisfied", "basically_satisfied")


# --- rates: value with the counts behind it -------------------------------------------------

def ratio(numerator: float, denominator: int) -> float | None:
    """numerator / denominator; None when there is nothing to divide by (never 0, never a crash)."""
    if not denominator:
        return None
    return numerator / denominator


def resolution_rate(verified: int, created: int) -> float | None:
    """Tasks accepted by residents (verified) / tasks created in the window (CONTRACT §4)."""
    return ratio(verified, created)


def satisfaction_rate(satisfied: int, basically_satisfied: int, ratings: int) -> float | None:
    """(satisfied + basically satisfied) / ratings (CONTRACT §4): tasks.rules holds the formula."""
    return satisfied_share(satisfied, basically_satisfied, ratings)


def response_rate(responded: int, appeals: int) -> float | None:
    """Residents' topics with an official reply / residents' topics."""
    return ratio(responded, appeals)


def on_time_rate(on_time: int, judged: int) -> float | None:
    """Tasks finished by their due date / tasks finished or already past their due date."""
    return ratio(on_time, judged)


def reopen_rate(reopened: int, finished: int) -> float | None:
    """Tasks reopened at least once / tasks marked done at least once."""
    return ratio(reopened, finished)


def mean(total: float, count: int) -> float | None:
    return ratio(total, count)


def rounded(value: float | None, places: int = 4) -> float | None:
    """For people (exports): the API gives every rate exactly, pages round with their filters."""
    return None if value is None else round(value, places)


def figure(numerator: float, denominator: int, value: float | None, formula: str) -> dict:
    """A figure as the API returns it: the value — exactly numerator / denominator, never
    rounded (2/3 is 0.6666666666666666) — with the counts it was computed from."""
    return {"value": value, "numerator": numerator, "denominator": denominator, "formula": formula}


def change(current: int, previous: int) -> dict:
    """How `current` compares with `previous`: the difference and the relative change (None from 0)."""
    return {"previous": previous, "delta": current - previous, "ratio": ratio(current - previous, previous)}


# --- windows: inclusive local dates ---------------------------------------------------------

@dataclass(frozen=True)
class Window:
    """From `start` to `end`, both included, as dates in Beijing time."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def utc(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: local midnight of `start` to local midnight after `end`."""
        return (datetime.combine(self.start, time(), LOCAL_TZ),
                datetime.combine(self.end + timedelta(days=1), time(), LOCAL_TZ))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "days": self.days}


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clipped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def default_window(today: date) -> Window:
    """The last twelve calendar months, this one included: from the 1st, eleven months back, to today."""
    return Window(add_months(today.replace(day=1), -11), today)


def previous_window(w: Window) -> Window:
    """The window of the same length just before `w`."""
    return Window(w.start - timedelta(days=w.days), w.start - timedelta(days=1))


def last_year_window(w: Window) -> Window:
    """The same dates a year earlier (29 February becomes the 28th)."""
    return Window(add_months(w.start, -12), add_months(w.end, -12))


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_in(w: Window) -> list[str]:
    """Every month `w` touches, in order, as YYYY-MM."""
    out, day = [], w.start.replace(day=1)
    while day <= w.end:
        out.append(month_key(day))
        day = add_months(day, 1)
    return out


def shift_month(key: str, months: int) -> str:
    year, month = int(key[:4]), int(key[5:7])
    return month_key(add_months(date(year, month, 1), months))


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(raw) -> tuple[date | None, str | None]:
    """(date, None) or (None, problem code) for text YYYY-MM-DD: 'format' or 'range'."""
    if not isinstance(raw, str) or not _DATE.match(raw.strip()):
        return None, "format"
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return None, "format"
    if not EARLIEST <= day <= LATEST:
        return None, "range"
    return day, None


def parse_window(raw_from, raw_to, today: date) -> tuple[Window | None, dict[str, str]]:
    """A window from ?from=&to= (each optional, YYYY-MM-DD, local dates, both included).

    Missing `to` is today; missing `from` is the start of the default twelve months
    before `to`. Problems by field: 'format', 'range', 'order' (from after to), 'span'
    (longer than MAX_WINDOW_DAYS).
    """
    problems: dict[str, str] = {}
    end = start = None
    if raw_to in (None, ""):
        end = today
    else:
        end, why = parse_date(raw_to)
        if why:
            problems["to"] = why
    if raw_from in (None, ""):
        start = default_window(end).start if end else None
    else:
        start, why = parse_date(raw_from)
        if why:
            problems["from"] = why
    if problems or start is None or end is None:
        return None, problems
    if start > end:
        return None, {"from": "order"}
    if (end - start).days + 1 > MAX_WINDOW_DAYS:
        return None, {"from": "span"}
    return Window(start, end), {}


# --- scopes ----------------------------------------------------------------------------------

_SCOPE = re.compile(r"^(courtyard|community):([1-9][0-9]{0,17})$")


def parse_scope(raw) -> tuple[str, int | None] | None:
    """('street', None), ('community', id) or ('courtyard', id) from scope text; None if it is none of them."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if raw == "street":
        return "street", None
    m = _SCOPE.match(raw)
    if not m:
        return None
    return m.group(1), int(m.group(2))


# --- rankings ------------------------------------------------------------------------------

RANK_KEYS = ("on_time_rate", "satisfaction_rate", "reopen_rate", "avg_hours_to_resolve")
# Higher is better for the first two; lower is better for the others.
LOWER_IS_BETTER = {"reopen_rate", "avg_hours_to_resolve"}


def rank_key(row: dict, first: str = "on_time_rate") -> tuple:
    """Sort key of a ranking: `first`, then the other criteria in RANK_KEYS order, then the name.

    A figure with no data (None) sorts after every figure that has data, whichever
    direction is better, so an organization with nothing to judge is never ranked first.
    """
    order = [first] + [k for k in RANK_KEYS if k != first]
    key = []
    for name in order:
        value = row.get(name)
        if value is None:
            key.append((1, 0.0))
        else:
            key.append((0, value if name in LOWER_IS_BETTER else -value))
    key.append((0, str(row.get("name", ""))))
    key.append((0, row.get("id") or 0))
    return tuple(key)


def rank(rows: list[dict], first: str = "on_time_rate") -> list[dict]:
    """Rows sorted best first by `first` (one of RANK_KEYS), each with its place: {"rank": 1, …}."""
    if first not in RANK_KEYS:
        first = RANK_KEYS[0]
    ordered = sorted(rows, key=lambda r: rank_key(r, first))
    return [{**row, "rank": i} for i, row in enumerate(ordered, start=1)]


# --- hot spots -------------------------------------------------------------------------------

RISING_MIN = 3        # a cell with fewer topics than this is never called rising
RISING_FACTOR = 1.5   # … and it must have at least this many times the previous window's count


def is_rising(current: int, previous: int) -> bool:
    return current >= RISING_MIN and current >= RISING_FACTOR * previous


def hot_spots(cells: dict[tuple, dict[str, int]], months: list[str], previous: dict[tuple, int],
              limit: int = 20) -> list[dict]:
    """Courtyard × category cells with the most topics in the window, busiest first.

    `cells` maps (courtyard_id, category) → {month: topics}; `previous` maps the same
    keys to the count in the window just before. Each row has its months in order (zeros
    filled), its total, the change against the previous window and whether it is rising.
    Ties: more rising first, then the smaller key, so the order is stable.
    """
    rows = []
    for key, by_month in cells.items():
        total = sum(by_month.get(m, 0) for m in months)
        if total == 0:
            continue
        before = previous.get(key, 0)
        rows.append({"key": key, "total": total, "by_month": [by_month.get(m, 0) for m in months],
                     "change": change(total, before), "rising": is_rising(total, before)})
    rows.sort(key=lambda r: (-r["total"], -(r["change"]["delta"]), r["key"]))
    return rows[:limit]


def by_class(cells: dict[tuple, dict[str, int]], months: list[str], class_of: dict[str, str],
             classes: list[str], areas: int = 3) -> list[dict]:
    """The five classes of 判 over the window: each class's topics by month (the cycle) and its
    busiest courtyards (the area). `cells` as hot_spots'; `class_of` maps a category code to
    its class; every class in `classes` gets a row, in that order, empty ones included.
    Areas: the `areas` courtyards with the most topics of the class, ties by the smaller id."""
    rows = {k: {"class": k, "total": 0, "by_month": [0] * len(months), "courtyards": Counter()} for k in classes}
    index = {m: i for i, m in enumerate(months)}
    for (courtyard_id, category), per_month in cells.items():
        row = rows[class_of[category]]
        for month, n in per_month.items():
            if month in index:
                row["by_month"][index[month]] += n
                row["total"] += n
                row["courtyards"][courtyard_id] += n
    out = []
    for k in classes:
        row = rows[k]
        top = sorted(row.pop("courtyards").items(), key=lambda kv: (-kv[1], kv[0]))[:areas]
        out.append({**row, "areas": [{"courtyard_id": cy, "topics": n} for cy, n in top]})
    return out


# --- seasons -------------------------------------------------------------------------------

PEAK_FACTOR = 1.5  # a month with at least this many times the average month is a peak …
PEAK_MIN = 2       # … and at least this many topics


def seasonal_profile(counts: dict[int, int]) -> dict:
    """A month-of-year profile: counts for January … December, each month's share, the peaks.

    `counts` maps month of year (1–12) to topics. Peak months have at least PEAK_FACTOR
    times the average month and at least PEAK_MIN topics.
    """
    by_month = [int(counts.get(m, 0)) for m in range(1, 13)]
    total = sum(by_month)
    average = total / 12
    peaks = [m for m, n in enumerate(by_month, start=1) if n >= PEAK_MIN and n >= PEAK_FACTOR * average]
    return {"by_month": by_month, "total": total,
            "share": [ratio(n, total) for n in by_month], "peak_months": peaks}


# Themes that cut across categories, found by words in the title (the seasonal patterns of 未诉先办):
# a topic is of a theme when its lowercased title contains one of the theme's words. Only SQL asks
# (queries.title_has tests them in the database, in queries.window_topics), so the rule is written there once.
THEMES: dict[str, tuple[str, ...]] = {
    "heating": ("暖气", "供暖", "采暖", "不热", "供热", "heating", "radiator"),
    "rain_leak": ("漏雨", "渗水", "漏水", "雨水", "屋顶漏", "返水", "积水", "leak"),
}
