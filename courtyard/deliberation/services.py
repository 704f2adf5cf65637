"""Topics and their discussion: one function per act, shared by pages, the API and sockets.

Each checks permission, validates, writes, says what happened (courtyard/signals.py: the
audit log and notifications listen), commits, and publishes its facts after the commit
(courtyard/events.py).
"""
from __future__ import annotations

import functools
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import clock, events, memo, signals
from ..realtime import rooms
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..places import permissions as place_permissions
from ..places import services as place_services
from ..places.models import Building, Community, Courtyard
from ..uploads import services as uploads
from ..validation import MAX_ID, Fields, parse_id, parse_whole
from . import payloads, permissions, rates
from .models import (Category, Message, MessageReport, Place, Topic, TopicInvitation, TopicPhoto, TopicStatus,
                     TopicSupport)
from .ordering import topic_lock

MESSAGE_MAX = 2000
TITLE_MAX = 100
BODY_MAX = 5000
MAX_PHOTOS = uploads.MAX_PHOTOS
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Moderator transitions of CONTRACT §4: open → deliberating → decided → closed.
MODERATOR_TRANSITIONS = {
    TopicStatus.open: {TopicStatus.deliberating, TopicStatus.closed},
    TopicStatus.deliberating: {TopicStatus.decided, TopicStatus.open, TopicStatus.closed},
    TopicStatus.decided: {TopicStatus.closed, TopicStatus.deliberating},
    TopicStatus.closed: {TopicStatus.open},
}


def clean_text(value: str | None) -> str | None:
    """Text as typed, minus control characters (newlines and tabs stay)."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def check_blocked_words(f: Fields, field: str, text: str | None) -> None:
    from .moderation import find_blocked_word  # the street's list, cached briefly
    if word := find_blocked_word(text):
        f.add(field, _l("Please rephrase: “%(word)s” is not allowed here.", word=word))


@functools.cache
def _topic_alone() -> sa.Select:
    """A topic with only what the rules ask of it (its courtyard, building and community), built
    once: a live room's join asks for nothing else, and loading the page's author, photos and
    merged-into (and building that statement anew) was most of a join's cost (docs/performance.md)."""
    return sa.select(Topic).where(Topic.id == sa.bindparam("id")).options(
        joinedload(Topic.courtyard).joinedload(Courtyard.building).joinedload(Building.community))


def get_topic(actor, topic_id, *, alone: bool = False) -> Topic:
    """A topic the actor may read; NotFound otherwise (existence is private). Loaded with what
    its page shows around it: courtyard, building and community, author, photos, merged-into;
    `alone`: with its courtyard, building and community only (what the rules read)."""
    ident = parse_id(topic_id)
    if ident is None:
        topic = None
    elif alone:
        topic = db.session.scalar(_topic_alone(), {"id": ident})
    else:
        topic = db.session.get(Topic, ident, options=(
            joinedload(Topic.courtyard).joinedload(Courtyard.building).joinedload(Building.community)
            .joinedload(Community.district),
            joinedload(Topic.author), joinedload(Topic.merged_into), joinedload(Topic.photos),
            joinedload(Topic.invitations).joinedload(TopicInvitation.organization),
            joinedload(Topic.invitations).joinedload(TopicInvitation.community),
        ))
        if topic is not None:  # the rules and the page ask for them: no second query
            permissions.know_invitations(topic, topic.invitations)
    if topic is None or not permissions.can_view_topic(actor, topic):
        raise NotFound()
    return topic


def topics_in(actor, courtyard: Courtyard, *, status=None, category=None) -> sa.Select:
    """The courtyard's topics, pinned first, then by latest activity. Raises Invalid on a bad filter."""
    if not place_permissions.can_view_courtyard(actor, courtyard):
        raise NotFound()
    f = Fields()
    q = sa.select(Topic).where(Topic.courtyard_id == courtyard.id)
    if status:
        try:
            q = q.where(Topic.status == TopicStatus(status))
        except ValueError:
            f.add("status", _l("Not one of the allowed values."))
    if category:
        try:
            q = q.where(Topic.category == Category(category))
        except ValueError:
            f.add("category", _l("Not one of the allowed values."))
    f.check()
    return q.order_by(Topic.pinned.desc(), Topic.last_activity_at.desc(), Topic.id.desc())


def check_topic_fields(f: Fields, *, title, body, category) -> tuple:
    """A topic's title, body and category checked into `f` (all of them, so that a form names
    every mistake at once); returns them cleaned."""
    title = f.text("title", clean_text(title), max_len=TITLE_MAX)
    body = f.text("body", clean_text(body), max_len=BODY_MAX)
    try:
        category = Category(category)
    except ValueError:
        f.add("category", _l("Choose a category."))
    check_blocked_words(f, "title", title)
    check_blocked_words(f, "body", body)
    return title, body, category


PLACE_NOTE_MAX = 100


def check_where(f: Fields, *, place=None, place_note=None, latitude=None, longitude=None) -> tuple:
    """Where the matter is, all optional: a Place code, a short note (三单元北侧) and a map point
    (WGS-84 degrees, both or neither). Returns them cleaned; blanks are None."""
    if place in (None, ""):
        place = None
    else:
        try:
            place = Place(place)
        except ValueError:
            f.add("place", _l("Not one of the allowed values."))
            place = None
    place_note = f.text("place_note", clean_text(place_note), max_len=PLACE_NOTE_MAX, required=False)
    point = []
    for field, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if value in (None, ""):
            point.append(None)
            continue
        try:
            number = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or number != number or not -limit <= number <= limit:
            f.add(field, _l("Must be a number between %(lo)s and %(hi)s.", lo=-limit, hi=limit))
            number = None
        point.append(number)
    latitude, longitude = point
    if (latitude is None) != (longitude is None) and not ({"latitude", "longitude"} & f.errors.keys()):
        f.add("latitude" if latitude is None else "longitude", _l("Give both latitude and longitude, or neither."))
        latitude = longitude = None
    return place, place_note, latitude, longitude


def create_topic(actor, courtyard: Courtyard, *, title, body, category, photo_ids=(), place=None,
                 place_note=None, latitude=None, longitude=None) -> Topic:
    """Raise a topic (议题), optionally saying where it is (check_where). Raises NotFound,
    Forbidden, Invalid; publishes topic.created."""
    if not place_permissions.can_view_courtyard(actor, courtyard):
        raise NotFound()
    if not permissions.can_create_topic(actor, courtyard):
        raise Forbidden()
    f = Fields()
    title, body, category = check_topic_fields(f, title=title, body=body, category=category)
    place, place_note, latitude, longitude = check_where(f, place=place, place_note=place_note,
                                                         latitude=latitude, longitude=longitude)
    photos = uploads.own_uploads(f, actor, photo_ids)
    f.check()
    now = clock.now()
    topic = Topic(courtyard=courtyard, author=actor, title=title, body=body, category=category,
                  place=place, place_note=place_note, latitude=latitude, longitude=longitude,
                  status=TopicStatus.open, created_at=now, updated_at=now, last_activity_at=now)
    topic.photos = [TopicPhoto(upload_id=u.id, position=i) for i, u in enumerate(photos)]
    db.session.add(topic)
    db.session.flush()
    events.publish("topic.created", rooms.courtyard(courtyard.id), payloads.topic_json(topic))
    signals.topic_created.send(topic, actor=actor)
    db.session.commit()
    return topic


def _touch(topic: Topic) -> None:
    topic.updated_at = clock.now()
    events.publish("topic.updated", rooms.courtyard(topic.courtyard_id), payloads.topic_json(topic))


def change_status(actor, topic: Topic, status) -> Topic:
    """Moderators move a topic along; its author may withdraw it. Raises Forbidden, Invalid, Conflict."""
    try:
        status = TopicStatus(status)
    except ValueError:
        raise Invalid(fields={"status": _l("Not one of the allowed values.")})
    if status == TopicStatus.withdrawn:
        if not (permissions.can_withdraw(actor, topic) or permissions.can_moderate_topic(actor, topic)):
            raise Forbidden()
        if topic.status in (TopicStatus.decided, TopicStatus.closed, TopicStatus.merged, TopicStatus.withdrawn):
            raise Conflict()
    elif status == TopicStatus.merged:
        raise Invalid(fields={"status": _l("Merge a topic into another one instead.")})
    else:
        if not permissions.can_moderate_topic(actor, topic):
            raise Forbidden()
        if status not in MODERATOR_TRANSITIONS.get(topic.status, ()):
            raise Conflict(_l("A topic cannot go from “%(a)s” to “%(b)s”.", a=topic.status.value, b=status.value))
    set_status(actor, topic, status)
    db.session.commit()
    return topic


def set_status(actor, topic: Topic, status: TopicStatus) -> None:
    """Move the topic to `status` in the current transaction (no checks, no commit): for
    change_status and for listeners whose act implies a new status. Sends topic_status_changed."""
    old = topic.status
    if old == status:
        return
    topic.status = status
    _touch(topic)
    signals.topic_status_changed.send(topic, actor=actor, old_status=old)


def support(actor, topic: Topic) -> Topic:
    """我也遇到: idempotent per person. Raises NotFound (cannot see it), Forbidden (its author, or
    not a member of the courtyard)."""
    if not permissions.can_view_topic(actor, topic):
        raise NotFound()
    if topic.author_id == actor.id:
        raise Forbidden(_l("You raised this topic yourself: “Me too” is for neighbours with the same problem."))
    if not permissions.can_support(actor, topic):
        raise Forbidden()
    exists = db.session.scalar(sa.select(sa.exists().where(
        TopicSupport.topic_id == topic.id, TopicSupport.user_id == actor.id)))
    if exists:
        return topic
    db.session.add(TopicSupport(topic_id=topic.id, user_id=actor.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return topic
    db.session.execute(sa.update(Topic).where(Topic.id == topic.id)
                       .values(support_count=Topic.support_count + 1))
    db.session.refresh(topic)
    _touch(topic)
    db.session.commit()
    return topic


def _marks(actor, topic: Topic) -> tuple[bool, frozenset[int]]:
    """What the reader has done on the topic, in one query, once a request: whether they said
    我也遇到, and which of its messages they reported (the page shows both)."""
    def load():
        support = sa.select(sa.null().label("message_id")).where(
            TopicSupport.topic_id == topic.id, TopicSupport.user_id == actor.id)
        reports = sa.select(MessageReport.message_id).join(Message, Message.id == MessageReport.message_id).where(
            Message.topic_id == topic.id, MessageReport.reporter_id == actor.id)
        rows = list(db.session.scalars(support.union_all(reports)))
        return None in rows, frozenset(r for r in rows if r is not None)
    if not place_permissions._authenticated(actor):
        return False, frozenset()
    return memo.remembered(("topic_marks", topic.id, actor.id), load)


def has_supported(actor, topic: Topic) -> bool:
    return _marks(actor, topic)[0]


def reported_in_topic(actor, topic: Topic) -> frozenset[int]:
    """The ids of the topic's messages the reader has reported."""
    return _marks(actor, topic)[1]


# --- messages ------------------------------------------------------------------------------

def _check_message(body, client_id) -> tuple[str, str]:
    f = Fields()
    body = f.text("body", clean_text(body), max_len=MESSAGE_MAX)
    client_id = f.text("client_id", client_id, max_len=64)
    check_blocked_words(f, "body", body)
    f.check()
    return body, client_id


def post_message(actor, topic: Topic, *, body, client_id, sid=None) -> tuple[Message, bool]:
    """Post to a topic's discussion. Returns (message, created).

    A repeated client_id from the same author returns the first message and stores
    nothing. The message is committed before anyone is told (message.posted), and
    messages of a topic are published in id order. New posts count against the
    person's budget (and socket `sid`'s, rates.py). Raises NotFound, Forbidden,
    Invalid, RateLimited.
    """
    if not permissions.can_view_topic(actor, topic):
        raise NotFound()
    body, client_id = _check_message(body, client_id)
    earlier = _by_client_id(actor, client_id)
    if earlier is not None:
        return earlier, False
    if not permissions.can_post(actor, topic):
        raise Forbidden(_l("This topic is closed for discussion."))
    rates.check_post_rate(actor, sid)
    org_id = permissions.invited_organization_id(actor, topic)
    as_staff = org_id is None and permissions.speaks_as_community_staff(actor, topic)
    with topic_lock(topic.id):
        earlier = _by_client_id(actor, client_id)
        if earlier is not None:
            return earlier, False
        now = clock.now()
        message = Message(topic_id=topic.id, author_id=actor.id, body=body, client_id=client_id,
                          organization_id=org_id, as_community_staff=as_staff, created_at=now)
        db.session.add(message)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            earlier = _by_client_id(actor, client_id)
            if earlier is None:
                raise
            return earlier, False
        db.session.execute(sa.update(Topic).where(Topic.id == topic.id).values(
            message_count=Topic.message_count + 1, last_activity_at=now))
        events.publish("message.posted", rooms.topic(topic.id), payloads.message_json(message))
        signals.message_posted.send(topic, actor=actor, message=message)
        db.session.commit()
    return message, True


def _by_client_id(actor, client_id: str) -> Message | None:
    return db.session.scalar(sa.select(Message).where(Message.author_id == actor.id,
                                                      Message.client_id == client_id))


def messages_after(actor, topic: Topic, *, after=None, limit=None) -> list[Message]:
    """Messages with id > after, ascending. Hidden ones only for moderators."""
    if not permissions.can_view_topic(actor, topic):
        raise NotFound()
    f = Fields()
    after = parse_whole(after) if after not in (None, "") else 0
    if after is None or after < 0:
        f.add("after", _l("Must be a message id."))
    else:
        after = min(after, MAX_ID)  # past every id: nothing after it
    limit = parse_whole(limit) if limit not in (None, "") else 100
    if limit is None or not 1 <= limit <= 500:
        f.add("limit", _l("Must be between 1 and %(n)s.", n=500))
    f.check()
    q = _messages_after(with_hidden=permissions.can_moderate_topic(actor, topic))
    return list(db.session.scalars(q, {"topic_id": topic.id, "after": after, "limit": limit}))


@functools.cache
def _messages_after(*, with_hidden: bool) -> sa.Select:
    """messages_after's two statements, built once (a join of a live room runs one), with the
    authors and organizations their payloads name (not one query per author)."""
    q = sa.select(Message).where(Message.topic_id == sa.bindparam("topic_id"), Message.id > sa.bindparam("after"))
    q = q.options(joinedload(Message.author), joinedload(Message.organization))
    if not with_hidden:
        q = q.where(Message.hidden.is_(False))
    return q.order_by(Message.id).limit(sa.bindparam("limit", type_=sa.Integer))


def latest_messages(actor, topic: Topic, *, limit: int = 50) -> list[Message]:
    """The newest `limit` messages in ascending order, for a page's first render."""
    if not permissions.can_view_topic(actor, topic):
        raise NotFound()
    q = sa.select(Message).where(Message.topic_id == topic.id).options(
        joinedload(Message.author), joinedload(Message.organization))
    if not permissions.can_moderate_topic(actor, topic):
        q = q.where(Message.hidden.is_(False))
    return list(reversed(db.session.scalars(q.order_by(Message.id.desc()).limit(limit)).all()))
