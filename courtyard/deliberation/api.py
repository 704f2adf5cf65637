"""JSON routes: topics, support and messages (CONTRACT §4, Topics and messages)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..api.core import Body, bp, doc, login_required, paginate, parse_body, parse_query, require
from ..api.schemas import items_of
from ..extensions import db
from ..places import services as places
from . import payloads, permissions, services
from .models import CATEGORY_LABELS, CategoryClass, Topic, TopicSupport
from .schemas import MESSAGE_PARAMS, TOPIC_PARAMS, CategoriesOut, ClassesOut, MessageOut, MyTopicOut


class LocationBody(Body):
    lat: float | str | None = None
    lng: float | str | None = None


class TopicBody(Body):
    title: str
    body: str
    category: str
    photo_ids: list[int] | None = None
    place: str | None = None
    place_note: str | None = None
    location: LocationBody | None = None


class StatusBody(Body):
    status: str


class MessageBody(Body):
    body: str
    client_id: str


class TopicQuery(Body):
    status: str | None = None
    category: str | None = None


class MessagesQuery(Body):
    after: str | None = None
    limit: str | None = None


def topic_for_me(topic: Topic, supported: bool | None = None) -> dict:
    """The topic as everyone sees it, plus whether the caller said 我也遇到."""
    if supported is None:
        supported = services.has_supported(current_user, topic)
    return {**payloads.topic_json(topic), "supported": supported}


@bp.get("/categories")
@doc(response=CategoriesOut, tag="topics", auth=False)
def list_categories():
    """The topic categories, labelled in the caller's language."""
    return jsonify([payloads.category_json(code) for code in CATEGORY_LABELS])


@bp.get("/category-classes")
@doc(response=ClassesOut, tag="topics", auth=False)
def list_category_classes():
    """The five classes of 判 (城市管理, 平安建设, 民生保障, 便民服务, 投诉举报), each with its categories."""
    return jsonify([payloads.class_json(k) for k in CategoryClass])


@bp.get("/courtyards/<int:courtyard_id>/topics")
@doc(query=TopicQuery, params=TOPIC_PARAMS, response=MyTopicOut, paginated=True, tag="topics")
@login_required
def list_topics(courtyard_id):
    """A courtyard's topics, pinned first, then by latest activity; filter by status and category."""
    courtyard = places.courtyard_for(current_user, courtyard_id)
    q = parse_query(TopicQuery)
    select = services.topics_in(current_user, courtyard, status=q.status, category=q.category).options(
        selectinload(Topic.author), selectinload(Topic.photos))
    mine = set(db.session.scalars(sa.select(TopicSupport.topic_id).join(Topic).where(
        TopicSupport.user_id == current_user.id, Topic.courtyard_id == courtyard.id)))
    return jsonify(paginate(select, lambda t: topic_for_me(t, t.id in mine)))


@bp.post("/courtyards/<int:courtyard_id>/topics")
@doc(body=TopicBody, response=MyTopicOut, status=201, errors=(403,), tag="topics")
@login_required
def create_topic(courtyard_id):
    """Raise a topic (议题) in a courtyard, optionally with photos from POST /uploads."""
    courtyard = places.courtyard_for(current_user, courtyard_id)
    require(permissions.can_create_topic(current_user, courtyard))
    body = parse_body(TopicBody)
    point = body.location or LocationBody()
    topic = services.create_topic(current_user, courtyard, title=body.title, body=body.body,
                                  category=body.category, photo_ids=body.photo_ids, place=body.place,
                                  place_note=body.place_note, latitude=point.lat, longitude=point.lng)
    return jsonify(topic_for_me(topic, False)), 201


@bp.get("/topics/<int:topic_id>")
@doc(response=MyTopicOut, tag="topics")
@login_required
def get_topic(topic_id):
    """One topic, with its support count and whether the caller supports it."""
    return jsonify(topic_for_me(services.get_topic(current_user, topic_id)))


@bp.patch("/topics/<int:topic_id>")
@doc(body=StatusBody, response=MyTopicOut, errors=(403, 409), tag="topics")
@login_required
def update_topic(topic_id):
    """Move a topic along (moderators); its author may withdraw it."""
    topic = services.get_topic(current_user, topic_id)
    require(permissions.can_moderate_topic(current_user, topic) or permissions.can_withdraw(current_user, topic))
    body = parse_body(StatusBody)
    return jsonify(topic_for_me(services.change_status(current_user, topic, body.status)))


@bp.post("/topics/<int:topic_id>/support")
@doc(response=MyTopicOut, errors=(403, 409), tag="topics")
@login_required
def support_topic(topic_id):
    """我也遇到: count me among those who have this problem too (idempotent)."""
    topic = services.get_topic(current_user, topic_id)
    topic = services.support(current_user, topic)
    return jsonify(topic_for_me(topic, True))


@bp.get("/topics/<int:topic_id>/messages")
@doc(query=MessagesQuery, params=MESSAGE_PARAMS, response=items_of(MessageOut), tag="messages")
@login_required
def list_messages(topic_id):
    """Messages with id > `after` in ascending id order, at most `limit` (default 100, max 500)."""
    topic = services.get_topic(current_user, topic_id)
    q = parse_query(MessagesQuery)
    messages = services.messages_after(current_user, topic, after=q.after, limit=q.limit)
    return jsonify({"items": [payloads.message_json(m) for m in messages]})


@bp.post("/topics/<int:topic_id>/messages")
@doc(body=MessageBody, response=MessageOut, status=201, also=(200,), errors=(403, 409, 429), tag="messages")
@login_required
def post_message(topic_id):
    """Post to a topic's discussion; a repeated client_id returns the first message (200)."""
    topic = services.get_topic(current_user, topic_id)
    body = parse_body(MessageBody)
    message, created = services.post_message(current_user, topic, body=body.body, client_id=body.client_id)
    return jsonify(payloads.message_json(message)), 201 if created else 200
