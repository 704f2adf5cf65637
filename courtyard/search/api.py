"""JSON routes: GET /api/v1/search and GET /api/v1/courtyards/<id>/topics/similar."""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify
from flask_login import current_user

from ..api.core import Body, bp, doc, login_required, page_args, parse_query
from ..dbtypes import iso
from ..deliberation import payloads
from ..deliberation import permissions as deliberation_permissions
from ..deliberation.models import TopicSupport
from ..extensions import db
from ..places import services as places
from . import services
from .schemas import SEARCH_PARAMS, SIMILAR_PARAMS, SearchPageOut, SimilarTopicsOut


class SearchQuery(Body):
    q: str | None = None
    courtyard_id: str | None = None
    kind: str | None = None


class SimilarQuery(Body):
    title: str | None = None


def _pieces(parts) -> list[dict]:
    return [{"text": text, "hit": hit} for text, hit in parts]


def hit_json(hit: services.Hit) -> dict:
    t, m = hit.topic, hit.message
    return {
        "kind": hit.kind,
        "topic": {"id": t.id, "title": t.title, "status": t.status.value, "merged_into_id": t.merged_into_id,
                  "courtyard_id": t.courtyard_id, "courtyard_name": t.courtyard.name,
                  "community_name": t.courtyard.building.community.name},
        "message": None if m is None else {"id": m.id, "author": payloads.author_json(m.author),
                                           "created_at": iso(m.created_at), "hidden": m.hidden},
        "title": _pieces(hit.title),
        "snippet": _pieces(hit.snippet),
    }


@bp.get("/search")
@doc(query=SearchQuery, params=SEARCH_PARAMS, response=SearchPageOut, tag="search")
@login_required
def search():
    """Topics and messages holding every word of `q` (Chinese by jieba's words), best first,
    among those the caller may read; filter by courtyard and kind (`topic`, `message`)."""
    q = parse_query(SearchQuery)
    page, per_page = page_args(max_per_page=50)
    results = services.search(current_user, q.q, courtyard_id=q.courtyard_id, kind=q.kind or None,
                              page=page, per_page=per_page)
    return jsonify({"items": [hit_json(h) for h in results.items], "page": results.page,
                    "per_page": results.per_page, "total": results.total, "terms": results.terms})


@bp.get("/courtyards/<int:courtyard_id>/topics/similar")
@doc(query=SimilarQuery, params=SIMILAR_PARAMS, response=SimilarTopicsOut, tag="search")
@login_required
def similar_topics(courtyard_id):
    """Up to 5 topics of the courtyard, still being worked on, sharing a word with `title`, best
    first: shown while a resident types a new topic's title, to say 我也遇到 instead."""
    courtyard = places.courtyard_for(current_user, courtyard_id)
    q = parse_query(SimilarQuery)
    topics = services.similar_topics(current_user, courtyard, q.title)
    mine = set(db.session.scalars(sa.select(TopicSupport.topic_id).where(
        TopicSupport.user_id == current_user.id, TopicSupport.topic_id.in_([t.id for t in topics] or [-1]))))
    return jsonify({"items": [{**payloads.topic_json(t), "supported": t.id in mine,
                               "can_support": deliberation_permissions.can_support(current_user, t)}
                              for t in topics]})
