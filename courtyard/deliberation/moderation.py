"""Moderation and stakeholders: one function per act, shared by pages and the API.

Hiding messages, locking, pinning and merging topics, reports, invitations of
organizations into a topic (进院解题), and the street's blocked words. Every function
takes the acting user first, checks permissions.py, writes, commits, and publishes its
facts after the commit. A caller who may not read the thing hears NotFound; a reader
without the right hears Forbidden.
"""
from __future__ import annotations

import time
import unicodedata

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock, events, signals
from ..aftercommit import on_commit
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..places import permissions as place_permissions
from ..places.models import Courtyard, Organization
from ..places.services import find
from ..realtime import rooms
from ..validation import Fields
from . import permissions
from .models import BlockedWord, Message, MessageReport, Topic, TopicInvitation, TopicStatus, TopicSupport
from .ordering import topic_lock

REASON_MAX = 200
WORD_MAX = 50
# A topic cannot take in a duplicate, nor be one, in these states.
UNMERGEABLE = (TopicStatus.merged, TopicStatus.withdrawn)


def _find(model, ident):
    return find(model, ident)


def _touch(topic: Topic) -> None:
    from .services import _touch
    _touch(topic)


# --- messages ------------------------------------------------------------------------------

def get_message(actor, message_id) -> Message:
    """A message the actor may read; hidden ones only for moderators. NotFound otherwise."""
    message = _find(Message, message_id)
    if message is None or not permissions.can_view_topic(actor, message.topic):
        raise NotFound()
    if message.hidden and not permissions.can_moderate_topic(actor, message.topic):
        raise NotFound()
    return message


def hide_message(actor, message: Message) -> Message:
    """Hide a message for everyone but moderators; its open reports are resolved with it.

    Moderators of the courtyard only (secretary, building lead, community staff). Raises
    NotFound, Forbidden. Publishes message.hidden to the topic's room (not when it already was).
    """
    if not permissions.can_view_topic(actor, message.topic):
        raise NotFound()
    if not permissions.can_hide_message(actor, message):
        raise Forbidden()
    if message.hidden:
        return message
    now = clock.now()
    _hide(actor, message, now)
    _resolve_open_reports(actor, message, now)
    db.session.commit()
    return message


def _hide(actor, message: Message, now) -> None:
    message.hidden, message.hidden_by_id, message.hidden_at = True, actor.id, now
    events.publish("message.hidden", rooms.topic(message.topic_id),
                   {"topic_id": message.topic_id, "message_id": message.id})


def unhide_message(actor, message: Message) -> Message:
    """Show a hidden message again. Raises NotFound, Forbidden.

    No event: CONTRACT §5 has none for it, and a reappearing message must not be delivered
    as new (it would break id order); readers see it on their next load.
    """
    if not permissions.can_view_topic(actor, message.topic):
        raise NotFound()
    if not permissions.can_hide_message(actor, message):
        raise Forbidden()
    if message.hidden:
        message.hidden, message.hidden_by_id, message.hidden_at = False, None, None
        db.session.commit()
    return message


# --- reports -------------------------------------------------------------------------------

def report_message(actor, message: Message, *, reason=None) -> MessageReport:
    """A reader reports someone else's message, once. Raises NotFound, Forbidden, Invalid, Conflict."""
    if not permissions.can_view_topic(actor, message.topic) or message.hidden:
        raise NotFound()
    if not permissions.can_report_message(actor, message):
        raise Forbidden(_l("You cannot report your own message."))
    f = Fields()
    reason = f.text("reason", reason, max_len=REASON_MAX, required=False)
    f.check()
    if _reported_by(actor, message):
        raise Conflict(_l("You have already reported this message."))
    report = MessageReport(message=message, reporter_id=actor.id, reason=reason or None, created_at=clock.now())
    db.session.add(report)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("You have already reported this message."))
    return report


def _reported_by(actor, message: Message) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(
        MessageReport.message_id == message.id, MessageReport.reporter_id == actor.id))))


def reported_message_ids(actor, message_ids) -> set[int]:
    """Which of these messages the actor has reported (to show 'reported' instead of the button)."""
    ids = list(message_ids)
    if not ids or not place_permissions._authenticated(actor):
        return set()
    return set(db.session.scalars(sa.select(MessageReport.message_id).where(
        MessageReport.reporter_id == actor.id, MessageReport.message_id.in_(ids))))


def open_reports(actor, courtyard: Courtyard) -> sa.Select:
    """Unresolved reports on the courtyard's messages, oldest first. Raises NotFound, Forbidden."""
    if not place_permissions.can_view_courtyard(actor, courtyard):
        raise NotFound()
    if not permissions.can_view_reports(actor, courtyard):
        raise Forbidden()
    return (sa.select(MessageReport).join(Message, Message.id == MessageReport.message_id)
            .join(Topic, Topic.id == Message.topic_id)
            .where(Topic.courtyard_id == courtyard.id, MessageReport.resolved.is_(False))
            .order_by(MessageReport.id))


def get_report(actor, report_id) -> MessageReport:
    """A report, for the moderators of its courtyard. Raises NotFound, Forbidden."""
    report = _find(MessageReport, report_id)
    if report is None or not permissions.can_view_topic(actor, report.message.topic):
        raise NotFound()
    if not permissions.can_view_reports(actor, report.message.topic.courtyard):
        raise Forbidden()
    return report


def resolve_report(actor, report: MessageReport, *, hide: bool = False) -> MessageReport:
    """Close a report, and every other open report on the same message; optionally hide the message.

    Raises NotFound, Forbidden, Conflict (already resolved). Publishes message.hidden when hiding.
    """
    message = report.message
    if not permissions.can_view_topic(actor, message.topic):
        raise NotFound()
    if not permissions.can_view_reports(actor, message.topic.courtyard):
        raise Forbidden()
    if report.resolved:
        raise Conflict(_l("This report has already been dealt with."))
    now = clock.now()
    if hide and not message.hidden:
        _hide(actor, message, now)
    _resolve_open_reports(actor, message, now)
    db.session.commit()
    return report


def _resolve_open_reports(actor, message: Message, now) -> None:
    db.session.execute(sa.update(MessageReport).where(
        MessageReport.message_id == message.id, MessageReport.resolved.is_(False)).values(
        resolved=True, resolved_at=now, resolved_by_id=actor.id).execution_options(synchronize_session="fetch"))


# --- topics --------------------------------------------------------------------------------

def _moderate(actor, topic: Topic) -> None:
    if not permissions.can_view_topic(actor, topic):
        raise NotFound()
    if not permissions.can_moderate_topic(actor, topic):
        raise Forbidden()


def _set_flag(actor, topic: Topic, name: str, value: bool) -> Topic:
    _moderate(actor, topic)
    if getattr(topic, name) != value:
        setattr(topic, name, value)
        _touch(topic)
        signals.topic_flag_changed.send(topic, actor=actor, flag=name, value=value)
        db.session.commit()
    return topic


def lock_topic(actor, topic: Topic) -> Topic:
    """No new messages until unlocked. Moderators. Raises NotFound, Forbidden; publishes topic.updated."""
    return _set_flag(actor, topic, "locked", True)


def unlock_topic(actor, topic: Topic) -> Topic:
    """Open a locked topic to messages again. Raises NotFound, Forbidden; publishes topic.updated."""
    return _set_flag(actor, topic, "locked", False)


def pin_topic(actor, topic: Topic) -> Topic:
    """Keep a topic at the top of its courtyard's list. Raises NotFound, Forbidden; publishes topic.updated."""
    return _set_flag(actor, topic, "pinned", True)


def unpin_topic(actor, topic: Topic) -> Topic:
    """Raises NotFound, Forbidden; publishes topic.updated."""
    return _set_flag(actor, topic, "pinned", False)


def merge_candidates(actor, topic: Topic, *, limit: int = 50) -> list[Topic]:
    """Topics of the same courtyard that `topic` could be merged into, newest activity first."""
    return list(db.session.scalars(sa.select(Topic).where(
        Topic.courtyard_id == topic.courtyard_id, Topic.id != topic.id, Topic.status.not_in(UNMERGEABLE))
        .order_by(Topic.last_activity_at.desc(), Topic.id.desc()).limit(limit)))


def merge_topic(actor, topic: Topic, *, into_topic_id) -> Topic:
    """Merge a duplicate `topic` into another topic of the same courtyard.

    The duplicate becomes `merged` with `merged_into_id` (topics merged into it earlier now
    point at the target too); its supporters and its author, if a member, support the
    target, each counted once. Moderators. Raises NotFound, Forbidden, Invalid (into_topic_id),
    Conflict (either side merged or withdrawn). Publishes topic.updated for both; the
    duplicate's author and supporters are notified of the status change.
    """
    _moderate(actor, topic)
    into = _find(Topic, into_topic_id)
    if into is None or into.courtyard_id != topic.courtyard_id:
        raise Invalid(fields={"into_topic_id": _l("Choose another topic of the same courtyard.")})
    if into.id == topic.id:
        raise Invalid(fields={"into_topic_id": _l("A topic cannot be merged into itself.")})
    if topic.status in UNMERGEABLE:
        raise Conflict(_l("This topic has already been merged or withdrawn."))
    if into.status in UNMERGEABLE:
        raise Conflict(_l("The topic to merge into has itself been merged or withdrawn."))
    with topic_lock(topic.id):
        # Read both again under the lock: another moderator may have merged or withdrawn either
        # while this one waited (the lock's wait keeps what the session loaded before it).
        db.session.refresh(topic)
        db.session.refresh(into)
        if topic.status in UNMERGEABLE:
            raise Conflict(_l("This topic has already been merged or withdrawn."))
        if into.status in UNMERGEABLE:
            raise Conflict(_l("The topic to merge into has itself been merged or withdrawn."))
        old = topic.status
        topic.status, topic.merged_into_id = TopicStatus.merged, into.id
        db.session.execute(sa.update(Topic).where(Topic.merged_into_id == topic.id, Topic.id != topic.id)
                           .values(merged_into_id=into.id).execution_options(synchronize_session="fetch"))
        _carry_supporters(topic, into)
        _touch(topic)
        _touch(into)
        signals.topic_status_changed.send(topic, actor=actor, old_status=old)  # the log: topic.merged
        db.session.commit()
    return topic


def _carry_supporters(source: Topic, target: Topic) -> None:
    carried = set(db.session.scalars(sa.select(TopicSupport.user_id).where(TopicSupport.topic_id == source.id)))
    if place_permissions.active_membership(source.author, source.courtyard) is not None:
        carried.add(source.author_id)
    already = set(db.session.scalars(sa.select(TopicSupport.user_id).where(TopicSupport.topic_id == target.id)))
    for user_id in sorted(carried - already):
        db.session.add(TopicSupport(topic_id=target.id, user_id=user_id, created_at=clock.now()))
    db.session.flush()
    target.support_count = db.session.scalar(sa.select(sa.func.count()).select_from(TopicSupport).where(
        TopicSupport.topic_id == target.id))


# --- stakeholders (进院解题) -----------------------------------------------------------------

def invite(actor, topic: Topic, *, organization_id=None, community: bool = False) -> TopicInvitation:
    """Bring an organization, or the community's staff, into one topic.

    Their staff may then read and post in that topic only, badged with the organization's
    name. The secretary and community staff. Raises NotFound, Forbidden, Invalid
    (organization_id), Conflict (already invited; topic closed). Notifies the invited staff.
    """
    if not permissions.can_view_topic(actor, topic):
        raise NotFound()
    if not permissions.can_invite(actor, topic):
        raise Forbidden()
    f = Fields()
    org = None
    if (organization_id is None) == (not community):
        f.add("organization_id", _l("Invite either an organization or the community's staff."))
    elif organization_id is not None:
        org = _find(Organization, organization_id)
        if org is None:
            f.add("organization_id", _l("No such organization."))
    f.check()
    if topic.status in permissions.CLOSED_STATES:
        raise Conflict(_l("This topic is closed."))
    invitation = TopicInvitation(topic_id=topic.id, invited_by_id=actor.id, created_at=clock.now(),
                                 organization_id=org.id if org else None,
                                 community_id=None if org else topic.courtyard.building.community_id)
    if _already_invited(invitation):
        raise Conflict(_l("Already invited into this topic."))
    db.session.add(invitation)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("Already invited into this topic."))
    signals.stakeholder_invited.send(invitation, actor=actor)
    db.session.commit()
    return invitation


def _already_invited(inv: TopicInvitation) -> bool:
    clause = (TopicInvitation.organization_id == inv.organization_id if inv.organization_id is not None
              else TopicInvitation.community_id == inv.community_id)
    return bool(db.session.scalar(sa.select(sa.exists().where(TopicInvitation.topic_id == inv.topic_id, clause))))


def invitations(actor, topic: Topic) -> list[TopicInvitation]:
    """Who was brought into the topic; every reader may see it. Raises NotFound."""
    if not permissions.can_view_topic(actor, topic):
        raise NotFound()
    return list(permissions.topic_invitations(topic))


def get_invitation(actor, topic: Topic, invitation_id) -> TopicInvitation:
    inv = _find(TopicInvitation, invitation_id)
    if inv is None or inv.topic_id != topic.id or not permissions.can_view_topic(actor, topic):
        raise NotFound()
    return inv


def withdraw_invitation(actor, invitation: TopicInvitation) -> None:
    """End an invitation: that organization's staff no longer see the topic. Raises NotFound, Forbidden."""
    topic = invitation.topic
    if not permissions.can_view_topic(actor, topic):
        raise NotFound()
    if not permissions.can_invite(actor, topic):
        raise Forbidden()
    db.session.delete(invitation)
    db.session.commit()


def invited_topics(actor) -> sa.Select:
    """我的进院议题: topics the actor's organizations were invited into, latest activity first."""
    return permissions.invited_topics(actor).order_by(Topic.last_activity_at.desc(), Topic.id.desc())


# --- blocked words -------------------------------------------------------------------------
#
# Checked on every topic and message, so the list is kept in the process for a few
# seconds (BLOCKED_WORDS_CACHE_SECONDS, default 10; 0 when testing, unless set) and
# dropped at once whenever this process commits a change to it. Other processes see an
# edit within that many seconds.

_cache: dict = {"words": None, "at": 0.0}


def _fold(text: str) -> str:
    """Full-width and case variants match alike (ＡＢＣ, abc and ABC are one word)."""
    return unicodedata.normalize("NFKC", text).casefold()


def _ttl() -> float:
    default = 0 if current_app.testing else 10
    return float(current_app.config.get("BLOCKED_WORDS_CACHE_SECONDS", default))


def forget_blocked_words() -> None:
    _cache["words"] = None


def blocked_words() -> tuple[tuple[str, str], ...]:
    """(word, folded word) pairs, from the cache while it is fresh."""
    ttl = _ttl()
    words = _cache["words"]
    if words is not None and ttl > 0 and time.monotonic() - _cache["at"] < ttl:
        return words
    words = tuple((w, _fold(w)) for w in db.session.scalars(sa.select(BlockedWord.word).order_by(BlockedWord.id)))
    _cache["words"], _cache["at"] = words, time.monotonic()
    return words


def find_blocked_word(text: str | None) -> str | None:
    """The first blocked word `text` contains, or None."""
    if not text:
        return None
    words = blocked_words()
    if not words:
        return None
    folded = _fold(text)
    return next((word for word, f in words if f in folded), None)


@sa.event.listens_for(Session, "after_flush")
def _note_word_changes(session: Session, _ctx) -> None:
    if any(isinstance(o, BlockedWord) for o in (*session.new, *session.dirty, *session.deleted)):
        on_commit(forget_blocked_words, key="blocked_words", session=session)


def list_blocked_words(actor) -> list[BlockedWord]:
    if not permissions.can_edit_blocked_words(actor):
        raise Forbidden()
    return list(db.session.scalars(sa.select(BlockedWord).order_by(BlockedWord.word)))


def add_blocked_word(actor, word) -> BlockedWord:
    """Street administrators add a word; topics and messages containing it are refused.

    Raises Forbidden, Invalid (empty, too long, already listed).
    """
    if not permissions.can_edit_blocked_words(actor):
        raise Forbidden()
    f = Fields()
    word = f.text("word", word, max_len=WORD_MAX)
    f.check()
    folded = _fold(word)
    if any(_fold(w) == folded for w in db.session.scalars(sa.select(BlockedWord.word))):
        raise Invalid(fields={"word": _l("“%(word)s” is already on the list.", word=word)})
    row = BlockedWord(word=word, created_at=clock.now())
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(fields={"word": _l("“%(word)s” is already on the list.", word=word)})
    return row


def get_blocked_word(actor, word_id) -> BlockedWord:
    if not permissions.can_edit_blocked_words(actor):
        raise Forbidden()
    row = _find(BlockedWord, word_id)
    if row is None:
        raise NotFound()
    return row


def remove_blocked_word(actor, row: BlockedWord) -> None:
    """Raises Forbidden."""
    if not permissions.can_edit_blocked_words(actor):
        raise Forbidden()
    db.session.delete(row)
    db.session.commit()
