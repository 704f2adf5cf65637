"""Searching topics and messages, and the similar open topics shown while a title is typed.

The query's jieba words are each matched as a phrase of characters (tokens.py says why);
SQLite asks its FTS5 table (`bm25`), PostgreSQL the generated tsvector (`ts_rank`, phrases
with `<->` through phraseto_tsquery). Who may read a result is asked at query time
(permissions.py); the index holds text only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from ..deliberation import permissions as deliberation_permissions
from ..deliberation.models import Message, Topic, TopicStatus
from ..deliberation.services import clean_text
from ..errors import NotFound
from ..extensions import db
from ..pagination import MAX_PAGE
from ..places import permissions as place_permissions
from ..places.models import Building, Courtyard
from ..validation import Fields, parse_id_filter
from . import permissions, tokens
from .models import EntryKind, SearchEntry
from .schema import FTS_TABLE, TSV_COLUMN

QUERY_MAX = 100
TITLE_MAX = 100
SIMILAR_LIMIT = 5
# Still to be done, so a neighbour can say 我也遇到 instead of raising it again.
SIMILAR_STATUSES = (TopicStatus.open, TopicStatus.deliberating, TopicStatus.decided)


@dataclass
class Hit:
    """One result: a topic, or a message with its topic; parts are (text, is_hit) pieces."""
    kind: str
    topic: Topic
    message: Message | None
    title: list[tuple[str, bool]]
    snippet: list[tuple[str, bool]]


@dataclass
class Results:
    q: str
    terms: list[str]
    items: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20

    # what the `pager` macro of templates/_macros/ui.html reads
    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


@dataclass(frozen=True)
class _Match:
    """How one database finds the entries holding the terms: FROM, WHERE, the score (lower is
    better), and the expression to filter on the entry's courtyard."""
    source: sa.FromClause
    condition: sa.ColumnElement
    score: sa.ColumnElement
    courtyard_id: sa.ColumnElement
    counted_in_window: bool


def _match(dialect: str, terms: list[str], *, any_term: bool) -> _Match:
    """Entries holding all the terms, or with `any_term` at least one of them."""
    if dialect == "sqlite":
        fts = sa.table(FTS_TABLE, sa.column("rowid"))
        expression = (" OR " if any_term else " AND ").join(f'"{t}"' for t in terms)  # tokens hold no quote
        return _Match(
            source=fts.join(SearchEntry.__table__, SearchEntry.id == fts.c.rowid),
            condition=sa.literal_column(FTS_TABLE).op("MATCH")(sa.literal(expression, sa.String)),
            score=sa.func.bm25(sa.literal_column(FTS_TABLE)),
            # `+ 0`: no index on the courtyard for SQLite's planner, which would otherwise start from
            # one courtyard's entries and run the full-text query once for each (seconds, not ms);
            # started from the matches, the filter runs before bm25 scores them.
            courtyard_id=SearchEntry.courtyard_id + sa.literal_column("0"),
            counted_in_window=False)  # bm25() cannot be called where a window is computed
    queries = [sa.func.phraseto_tsquery(sa.literal_column("'simple'::regconfig"), sa.literal(t, sa.String))
               for t in terms]
    tsq = reduce(lambda a, b: a.op("||" if any_term else "&&")(b), queries)
    tsv = sa.literal_column(f"search_entries.{TSV_COLUMN}")
    return _Match(source=SearchEntry.__table__, condition=tsv.op("@@")(tsq), score=-sa.func.ts_rank(tsv, tsq, 1),
                  courtyard_id=SearchEntry.courtyard_id, counted_in_window=True)


def _query_text(f: Fields, field_name: str, value, max_len: int) -> tuple[str | None, list[str]]:
    text = f.text(field_name, clean_text(value), max_len=max_len)
    if text is None or field_name in f.errors:
        return None, []
    terms = tokens.query_terms(text)
    if not terms:
        f.add(field_name, _l("Type words or numbers to search for."))
    return text, terms


def search(actor, q, *, courtyard_id=None, kind=None, page: int = 1, per_page: int = 20) -> Results:
    """Topics and messages the actor may read that hold every word of `q`, best first (then
    newest), a page at a time, each with a snippet around its first hit. Hidden messages are
    found only by those who moderate them. Raises Invalid (q empty, too long or without a
    word; courtyard_id or kind malformed)."""
    f = Fields()
    text, terms = _query_text(f, "q", q, QUERY_MAX)
    cid = parse_id_filter(f, "courtyard_id", courtyard_id)
    if kind not in (None, "") and kind not in {k.value for k in EntryKind}:
        f.add("kind", _l("Not one of the allowed values."))
    if not (isinstance(page, int) and 1 <= page <= MAX_PAGE):
        f.add("page", _l("Must be between 1 and %(n)s.", n=MAX_PAGE))
    if not (isinstance(per_page, int) and 1 <= per_page <= 100):
        f.add("per_page", _l("Must be between 1 and %(n)s.", n=100))
    f.check()
    results = Results(q=text, terms=terms, page=page, per_page=per_page)
    if not permissions.can_search(actor):
        return results
    m = _match(db.engine.dialect.name, terms, any_term=False)
    where = [m.condition, permissions.readable_entries(actor, m.courtyard_id), permissions.shown_entries(actor)]
    if cid is not None:
        where.append(m.courtyard_id == cid)
    if kind:
        where.append(SearchEntry.kind == EntryKind(kind))
    page_of = sa.select(SearchEntry.kind, SearchEntry.topic_id, SearchEntry.message_id).select_from(m.source) \
        .where(*where).order_by(m.score, SearchEntry.id.desc()).limit(per_page).offset((page - 1) * per_page)
    if m.counted_in_window:
        # one pass over the matches: the page's rows carry the count of them all
        rows = db.session.execute(page_of.add_columns(sa.func.count().over().label("total"))).all()
        total = rows[0].total if rows else None
    else:
        rows, total = db.session.execute(page_of).all(), None
    if total is None and (rows or page > 1):
        total = db.session.scalar(sa.select(sa.func.count()).select_from(m.source).where(*where))
    results.total = total or 0
    results.items = _hits(rows, terms)
    return results


def _hits(rows, terms: list[str]) -> list[Hit]:
    topic_ids = {r.topic_id for r in rows}
    message_ids = {r.message_id for r in rows if r.message_id is not None}
    topics = {t.id: t for t in db.session.scalars(sa.select(Topic).where(Topic.id.in_(topic_ids)).options(
        joinedload(Topic.courtyard).joinedload(Courtyard.building).joinedload(Building.community),
        joinedload(Topic.merged_into)))} if topic_ids else {}
    messages = {m.id: m for m in db.session.scalars(sa.select(Message).where(Message.id.in_(message_ids)).options(
        joinedload(Message.author)))} if message_ids else {}
    hits = []
    for r in rows:
        topic = topics[r.topic_id]
        message = messages.get(r.message_id) if r.message_id is not None else None
        body = message.body if message is not None else topic.body
        hits.append(Hit(kind=EntryKind(r.kind).value, topic=topic, message=message,
                        title=_parts(topic.title, terms), snippet=tokens.snippet(body, terms)))
    return hits


def _parts(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """The whole of `text` as (text, is_hit) pieces."""
    parts, at = [], 0
    for s, e in tokens.first_hits(text, terms):
        if s > at:
            parts.append((text[at:s], False))
        parts.append((text[s:e], True))
        at = e
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def similar_topics(actor, courtyard: Courtyard, title, *, limit: int = SIMILAR_LIMIT) -> list[Topic]:
    """Up to `limit` topics of the courtyard still being worked on (new, under discussion or
    decided) that share any word with `title`, best first: what a resident raising it may
    support instead (我也遇到). Raises NotFound (courtyard not visible), Invalid (title empty or
    too long). A title without a word finds nothing."""
    if not place_permissions.can_view_courtyard(actor, courtyard):
        raise NotFound()
    f = Fields()
    text = f.text("title", clean_text(title), max_len=TITLE_MAX)
    f.check()
    terms = tokens.query_terms(text)
    if not terms:
        return []
    m = _match(db.engine.dialect.name, terms, any_term=True)
    ids = list(db.session.scalars(
        sa.select(SearchEntry.topic_id).select_from(m.source.join(Topic, Topic.id == SearchEntry.topic_id))
        .where(m.condition, SearchEntry.kind == EntryKind.topic, m.courtyard_id == courtyard.id,
               Topic.status.in_(SIMILAR_STATUSES))
        .order_by(m.score, SearchEntry.id.desc()).limit(limit)))
    if not ids:
        return []
    found = db.session.scalars(sa.select(Topic).where(Topic.id.in_(ids)).options(
        joinedload(Topic.author), selectinload(Topic.photos)))
    by_id = {t.id: t for t in found if deliberation_permissions.can_view_topic(actor, t)}
    return [by_id[i] for i in ids if i in by_id]
