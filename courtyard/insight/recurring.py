"""未诉先办: the recurring-problem detector. Pure: titles and dates in, groups out (no database).

A recurring problem is a group of topics of one courtyard and one category whose titles
say the same thing, at least `k` of them within some `days`-day stretch.

"Say the same thing": titles are segmented with jieba (search mode, so 楼道灯 also yields
楼道), each word is mapped to a canonical form (漏雨, 渗水 → 漏水; 不亮, 坏了 → 坏; see
SYNONYMS), function words and words every complaint has (请, 物业, 维修 …) are dropped.
Two titles are similar when the Dice coefficient of their word sets — or, for words the
dictionary does not know, of their character bigrams — reaches `threshold`. Groups are
the connected components of "similar" (single linkage). With threshold 0 every pair is
similar, and the detector counts a category alone.
"""
from __future__ import annotations

import logging
import re
import threading
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

DEFAULT_K = 3
DEFAULT_DAYS = 30
DEFAULT_THRESHOLD = 0.5
MAX_K = 100
MAX_DAYS = 366

# Words jieba should keep whole (or split off) in complaints about a building.
LEXICON = ("楼道灯", "声控灯", "不亮", "漏水", "渗水", "漏雨", "返水", "暖气", "不热", "供暖", "电动车", "电瓶车",
           "充电桩", "飞线", "垃圾桶", "垃圾站", "车位", "乱停", "占道", "噪音", "扰民", "下水道", "堵了", "堵塞",
           "坏了", "电梯", "困人", "门禁", "消防通道", "楼顶", "顶层", "外墙", "脱落", "绿地", "树枝", "修剪",
           "广场舞", "高空抛物", "杂物", "自来水", "停水", "水压", "单元门")

# word → the words it stands for (the same meaning, one spelling)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "灯不亮": ("灯", "坏"), "不亮": ("坏",), "坏了": ("坏",), "损坏": ("坏",), "坏掉": ("坏",), "失灵": ("坏",),
    "楼道灯": ("楼道", "灯"), "声控灯": ("楼道", "灯"), "灯坏": ("灯", "坏"), "路灯": ("灯",), "照明": ("灯",),
    "漏雨": ("漏水",), "渗水": ("漏水",), "渗漏": ("漏水",), "返水": ("漏水",), "滴水": ("漏水",),
    "楼顶": ("顶层",), "屋顶": ("顶层",), "顶楼": ("顶层",),
    "供暖": ("暖气",), "采暖": ("暖气",), "供热": ("暖气",), "太冷": ("不热",), "冰凉": ("不热",),
    "下水道": ("下水",), "下水管": ("下水",), "堵了": ("堵塞",), "堵住": ("堵塞",), "不通": ("堵塞",),
    "电瓶车": ("电动车",), "电车": ("电动车",),
    "车位": ("停车",), "乱停": ("停车",), "乱停车": ("停车",), "停车位": ("停车",),
    "扰民": ("噪音",), "吵闹": ("噪音",),
    "垃圾桶": ("垃圾",), "垃圾站": ("垃圾",), "清运": ("垃圾",),
}

STOP = frozenset("""
的 了 里 在 有 又 还 太 很 请 吗 呢 啊 吧 被 把 给 和 与 及 也 都 就 是 我 我们 我家 你们 他们 大家 这 那 这个 那个 一个
一下 一直 总是 经常 老是 问题 情况 希望 尽快 赶紧 处理 解决 反映 麻烦 物业 来修 修 修理 维修 修一修 帮忙 帮 能 能否 可以
怎么 怎么办 为什么 什么 没有 不 没 已经 好几 几天 多次 再次 天天 每天 现在 今天 昨天 严重 非常 特别 比较
单元 号楼 楼 号 层 户 院 小区 社区 居民 业主 一 二 三 四 五 六 七 八 九 十 个 次 天
""".split())

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_DIGITS = re.compile(r"^[0-9a-zA-Z]{1,3}$")

_tokenizer = None
_lock = threading.Lock()


def _jieba():
    """One jieba tokenizer of our own, with our words added (the global one is left alone)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba
                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                for word in LEXICON:
                    tk.add_word(word, freq=50000)
                _tokenizer = tk
    return _tokenizer


@lru_cache(maxsize=65536)
def words(title: str) -> frozenset[str]:
    """The content words of a title, in canonical form."""
    out: set[str] = set()
    for raw in _jieba().lcut_for_search(title or ""):
        token = raw.strip().lower()
        if not token or _PUNCT.fullmatch(token) or _DIGITS.match(token):
            continue
        for canon in SYNONYMS.get(token, (token,)):
            if canon not in STOP:
                out.add(canon)
    return frozenset(out)


@lru_cache(maxsize=65536)
def bigrams(title: str) -> frozenset[str]:
    """Character bigrams of the title's content (punctuation, digits and stop characters removed)."""
    text = "".join(ch for ch in _PUNCT.sub("", title or "").lower() if not ch.isdigit() and ch not in STOP)
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) if len(text) > 1 else frozenset(text)


def dice(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similarity(a: str, b: str) -> float:
    """How alike two titles are, 0–1: the larger of the word and the bigram Dice coefficients."""
    if a == b:
        return 1.0 if (words(a) or bigrams(a)) else 0.0
    return _similarity(a, b) if a < b else _similarity(b, a)


@lru_cache(maxsize=262144)
def _similarity(a: str, b: str) -> float:
    return max(dice(words(a), words(b)), dice(bigrams(a), bigrams(b)))


class Item(NamedTuple):
    id: int
    courtyard_id: int
    category: str
    created_at: datetime
    title: str


def _components(cell: list[tuple], threshold: float) -> list[list[tuple]]:
    """Connected components of "similar" among a cell's (created_at, id, title) rows, in the order of
    their first row.

    Rows with the same title are alike (similarity 1) unless the title has no content (then
    it is like nothing, itself included): the pairs are compared once per distinct title, not
    once per row — a courtyard's complaints repeat a few phrasings.
    """
    if threshold <= 0:
        return [list(cell)] if cell else []
    titles: dict[str, int] = {}
    for row in cell:
        title = row[2]
        if title not in titles and (words(title) or bigrams(title)):
            titles[title] = len(titles)
    distinct = list(titles)
    parent = list(range(len(distinct)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(distinct)):
        for j in range(i + 1, len(distinct)):
            if find(i) != find(j) and similarity(distinct[i], distinct[j]) >= threshold:
                parent[find(j)] = find(i)
    roots = [find(t) for t in range(len(distinct))]
    groups: dict[object, list[tuple]] = {}
    for n, row in enumerate(cell):
        t = titles.get(row[2])
        groups.setdefault(roots[t] if t is not None else -1 - n, []).append(row)
    return list(groups.values())


def densest(items: list[Item], days: int) -> list[Item]:
    """The largest run of `items` (sorted by time) that fits in `days` days; the earliest such run."""
    best: list[Item] = []
    span = timedelta(days=days)
    lo = 0
    for hi in range(len(items)):
        while items[hi].created_at - items[lo].created_at >= span:
            lo += 1
        if hi - lo + 1 > len(best):
            best = items[lo:hi + 1]
    return best


def _densest(group: list[tuple], span) -> tuple[int, int]:
    """densest() on (created_at, id, title) rows: the run as [lo, hi) indices."""
    best_lo, best_n, lo = 0, 0, 0
    for hi, row in enumerate(group):
        at = row[0]
        while at - group[lo][0] >= span:
            lo += 1
        if hi - lo + 1 > best_n:
            best_lo, best_n = lo, hi - lo + 1
    return best_lo, best_lo + best_n


def _representative(group: list[tuple]) -> str:
    """The title most like the others (ties: the earliest)."""
    if len(group) <= 2:
        return group[0][2]
    rows: dict[str, list[float]] = {}
    for a in group:
        if a[2] not in rows:
            rows[a[2]] = [similarity(a[2], b[2]) for b in group]
    # each row's score sums the same terms in the same order as comparing it with every other row
    scores = [(sum(rows[a[2]][:i] + rows[a[2]][i + 1:]), -i) for i, a in enumerate(group)]
    return group[-max(scores)[1]][2]


def _keywords(group: list[tuple], limit: int = 5) -> list[str]:
    per_title: dict[str, int] = {}
    for row in group:
        per_title[row[2]] = per_title.get(row[2], 0) + 1
    counts: dict[str, int] = {}
    for title, n in per_title.items():
        for w in words(title):
            counts[w] = counts.get(w, 0) + n
    common = [w for w, n in counts.items() if n * 2 >= len(group)]
    return sorted(common, key=lambda w: (-counts[w], w))[:limit]


def detect(items: list[Item], *, k: int = DEFAULT_K, days: int = DEFAULT_DAYS,
           threshold: float = DEFAULT_THRESHOLD) -> list[dict]:
    """Recurring problems among `items`, most frequent first.

    Each: courtyard_id, category, ids (every topic of the group, oldest first), count,
    peak (the most topics within `days` days) with peak_ids, first and last dates,
    title (the representative one) and keywords (words at least half the titles share).
    """
    by_cell: dict[tuple[int, str], list[tuple]] = {}
    for item in items:
        by_cell.setdefault((item.courtyard_id, item.category), []).append((item.created_at, item.id, item.title))
    return detect_cells(((cy, cat, cell) for (cy, cat), cell in by_cell.items()), k=k, days=days,
                        threshold=threshold)


def detect_cells(cells, *, k: int = DEFAULT_K, days: int = DEFAULT_DAYS, threshold: float = DEFAULT_THRESHOLD,
                 day=timedelta(days=1), at=None) -> list[dict]:
    """detect() on topics already grouped by courtyard and category, with plain rows.

    `cells` yields (courtyard_id, category, rows), each row (created_at, id, title) in any
    order. created_at may be a datetime, or a number measured in units of which `day` is a
    day (epoch microseconds: day=86_400_000_000) with `at` turning it into the datetime that
    first_at and last_at report. The answer is detect()'s (ids are unique, as topics' are).
    """
    span = day * days
    found = []
    for courtyard_id, category, cell in cells:
        if len(cell) < k:
            continue
        cell = sorted(cell)  # by time, then id (ids are unique: titles are never compared)
        for group in _components(cell, threshold):  # each in the cell's order: sorted
            lo, hi = _densest(group, span)
            if hi - lo < k:
                continue
            first, last = group[0][0], group[-1][0]
            found.append({
                "courtyard_id": courtyard_id, "category": category,
                "ids": [row[1] for row in group], "count": len(group),
                "peak": hi - lo, "peak_ids": [row[1] for row in group[lo:hi]],
                "first_at": at(first) if at else first, "last_at": at(last) if at else last,
                "title": _representative(group), "keywords": _keywords(group),
            })
    found.sort(key=lambda g: (-g["peak"], -g["count"], -g["last_at"].timestamp(), g["courtyard_id"], g["category"]))
    return found


def check_parameters(k, days, threshold) -> tuple[tuple[int, int, float] | None, dict[str, str]]:
    """(k, days, threshold) from text or numbers, or problems by field ('range')."""
    problems: dict[str, str] = {}
    values = []
    for name, raw, default, cast, lo, hi in (("k", k, DEFAULT_K, int, 2, MAX_K),
                                             ("days", days, DEFAULT_DAYS, int, 1, MAX_DAYS),
                                             ("threshold", threshold, DEFAULT_THRESHOLD, float, 0.0, 1.0)):
        if raw in (None, ""):
            values.append(default)
            continue
        try:
            value = cast(str(raw).strip())
        except ValueError:
            problems[name] = "range"
            continue
        if not lo <= value <= hi or value != value:
            problems[name] = "range"
            continue
        values.append(value)
    if problems:
        return None, problems
    return (values[0], values[1], values[2]), {}
