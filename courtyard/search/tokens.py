"""The index's tokens and the query's terms: pure functions, no database.

Why characters. jieba segments a stored text and a typed query each on its own, and the
two can disagree: 电动车棚漏水 is cut 电动车/棚/漏水, so an index of jieba words would hold
电动车 and 棚 and never answer the query 车棚. The index therefore holds characters:
`chars` writes every CJK character as a token of its own (and every run of ASCII letters
and digits as one lowercased token). A query is cut by jieba into words (precise mode),
and each word is looked for as a *phrase* of its characters (车棚 → "车 棚": 车 directly
followed by 棚), so every occurrence is found wherever the text's own words fall, while
the query's words keep it from matching characters scattered over a text (车 here, 棚
there). Both SQLite FTS5 (unicode61) and PostgreSQL (`to_tsvector('simple', …)`) split
`chars`' output at its spaces only: one tokenizer for both databases, ours.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata

# CJK ideographs (with extensions and compatibility forms), kana and hangul: one token each.
_CJK = ("\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af"
        "\U00020000-\U0003134f")
_TOKEN = re.compile(f"[{_CJK}]|[a-z0-9]+")
SEPARATOR = f"[^{_CJK}a-z0-9]*"  # what may stand between two tokens of a phrase, in folded text

# Words too common to narrow a search; a query made only of them is searched as typed.
STOPWORDS = frozenset("""
的 了 吗 呢 吧 啊 呀 哦 嘛 是 在 和 与 及 或 也 都 就 还 又 很 太 我 你 他 她 它 我们 你们 他们 她们
大家 咱们 这 那 这个 那个 这里 那里 什么 怎么 怎么办 为什么 如何 哪 哪里 有 没 没有 不 被 把 给
对 让 从 到 向 an a the of to in on and or is are
""".split())

MAX_TERMS = 12  # more words than this in one query add nothing but cost


def fold(text: str) -> str:
    """Text as the tokenizer reads it: NFKC (full-width Ａ１ → a1) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """The tokens of `text`: each CJK character, each run of [a-z0-9], in order."""
    return _TOKEN.findall(fold(text))


def chars(text: str) -> str:
    """The index form of `text`: its tokens joined by single spaces."""
    return " ".join(tokens(text))


_jieba = None
_jieba_lock = threading.Lock()


def _segmenter():
    """jieba, its dictionary loaded once per process (~1 s); wsgi.py warms it before serving."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def warm() -> None:
    """Load jieba's dictionary now, so that the first search does not stall the server."""
    _segmenter().lcut("预热")


def words(q: str) -> list[str]:
    """jieba's precise-mode words of `q` that hold at least one token. Without HMM's guesses at
    words its dictionary lacks: on a short query it glues characters into "words" (灯坏 of
    灯坏了) that a text saying 灯又坏了 would not contain; unknown runs stay single characters."""
    text = unicodedata.normalize("NFKC", q or "")  # ＷｉＦｉ is one word to jieba only as WiFi
    return [w for w in _segmenter().lcut(text, cut_all=False, HMM=False) if tokens(w)]


def query_terms(q: str) -> list[str]:
    """The phrases to look for: each jieba word of `q` but the stopwords, as the phrase of its
    chars, deduplicated, in the query's order (at most MAX_TERMS). A query made of stopwords
    only is searched with them. Empty when `q` holds no token at all."""
    found = words(q)
    kept = [w for w in found if fold(w) not in STOPWORDS] or found
    terms: list[str] = []
    for w in kept:
        phrase = chars(w)
        if phrase not in terms:
            terms.append(phrase)
    return terms[:MAX_TERMS]


def term_pattern(term: str) -> str:
    """A regular expression finding `term` (a phrase of tokens) in folded text, as the index
    matches it: its tokens in order with only separators between them, whole ASCII runs."""
    parts = [re.escape(t) for t in term.split()]
    body = SEPARATOR.join(parts)
    return f"(?<![a-z0-9]){body}(?![a-z0-9])" if parts else "(?!)"


def first_hits(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the terms occur in `text`: (start, end) offsets into the text as given (not
    folded), in order and not overlapping."""
    if not text or not terms:
        return []
    folded, where = [], []
    for i, ch in enumerate(text):
        f = fold(ch)
        folded.append(f)
        where.extend([i] * len(f))
    flat = "".join(folded)
    pattern = re.compile("|".join(f"(?:{term_pattern(t)})" for t in sorted(terms, key=len, reverse=True)))
    hits = []
    for m in pattern.finditer(flat):
        if m.end() > m.start():
            hits.append((where[m.start()], where[m.end() - 1] + 1))
    return hits


def snippet(text: str, terms: list[str], *, width: int = 60) -> list[tuple[str, bool]]:
    """A piece of `text` around its first hit, as (text, is_hit) parts: at most about `width`
    characters, with "…" where it was cut. Without a hit, the text's beginning."""
    text = " ".join((text or "").split())
    hits = first_hits(text, terms)
    if not hits:
        cut = text[:width]
        return [(cut + ("…" if len(text) > width else ""), False)] if cut else []
    first = hits[0][0]
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    parts: list[tuple[str, bool]] = []
    if start > 0:
        parts.append(("…", False))
    at = start
    for s, e in hits:
        if s < at or s >= end:
            continue
        if s > at:
            parts.append((text[at:s], False))
        e = min(e, end)
        parts.append((text[s:e], True))
        at = e
    if at < end:
        parts.append((text[at:end], False))
    if end < len(text):
        parts.append(("…", False))
    return parts
