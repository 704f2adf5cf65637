"""JSON routes: moderation, reports, stakeholders (进院解题) and blocked words.

Thin: parse, ask permissions.py before reading a body (so the wrong role hears 403
whatever it sent), call courtyard/deliberation/moderation.py, return JSON.
"""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from ..accounts.models import User
from ..api.core import Body, bp, doc, login_required, paginate, parse_body, require
from ..api.schemas import items_of
from ..dbtypes import iso
from ..extensions import db
from ..places import services as places
from . import moderation, payloads, permissions, services
from .models import BlockedWord, MessageReport, TopicInvitation
from .schemas import BlockedWordOut, InvitationOut, MessageOut, MyReportOut, ReportOut, TopicOut


class ReportBody(Body):
    reason: str | None = None


class ResolveBody(Body):
    hide: bool = False


class MergeBody(Body):
    into_topic_id: int


class InvitationBody(Body):
    organization_id: int | None = None
    community: bool = False


class BlockedWordBody(Body):
    word: str


def _user(u) -> dict | None:
    return payloads.author_json(u) if u is not None else None


def report_json(r: MessageReport) -> dict:
    m = r.message
    message = payloads.message_json(m)
    message["body"] = m.body  # moderators judge what was written, hidden or not
    return {"id": r.id, "message": message, "topic": {"id": m.topic_id, "title": m.topic.title},
            "reporter": _user(r.reporter), "reason": r.reason, "resolved": r.resolved,
            "resolved_at": iso(r.resolved_at), "created_at": iso(r.created_at)}


def my_report_json(r: MessageReport) -> dict:
    """What the reporter gets back: their report, not the moderators' view of it."""
    return {"id": r.id, "message_id": r.message_id, "reason": r.reason, "resolved": r.resolved,
            "created_at": iso(r.created_at)}


def invitation_json(inv: TopicInvitation) -> dict:
    org = inv.organization
    return {
        "id": inv.id, "topic_id": inv.topic_id,
        "organization": {"id": org.id, "name": org.name, "kind": org.kind.value} if org else None,
        "community": {"id": inv.community.id, "name": inv.community.name} if inv.community_id else None,
        "invited_by": _user(db.session.get(User, inv.invited_by_id)), "created_at": iso(inv.created_at),
    }


def blocked_word_json(w: BlockedWord) -> dict:
    return {"id": w.id, "word": w.word, "created_at": iso(w.created_at)}


# --- messages and reports ------------------------------------------------------------------

@bp.post("/messages/<int:message_id>/hide")
@doc(response=MessageOut, errors=(403,), tag="moderation")
@login_required
def hide_message(message_id):
    """Hide a message for everyone (moderators); it disappears live (message.hidden)."""
    message = moderation.get_message(current_user, message_id)
    return jsonify(payloads.message_json(moderation.hide_message(current_user, message)))


@bp.post("/messages/<int:message_id>/unhide")
@doc(response=MessageOut, errors=(403,), tag="moderation")
@login_required
def unhide_message(message_id):
    """Show a hidden message again (moderators)."""
    message = moderation.get_message(current_user, message_id)
    return jsonify(payloads.message_json(moderation.unhide_message(current_user, message)))


@bp.post("/messages/<int:message_id>/reports")
@doc(body=ReportBody, response=MyReportOut, status=201, errors=(403, 409), tag="moderation")
@login_required
def report_message(message_id):
    """Report someone else's message to the moderators, once; 409 the second time."""
    message = moderation.get_message(current_user, message_id)
    require(permissions.can_report_message(current_user, message))
    body = parse_body(ReportBody)
    return jsonify(my_report_json(moderation.report_message(current_user, message, reason=body.reason))), 201


@bp.get("/courtyards/<int:courtyard_id>/reports")
@doc(response=ReportOut, paginated=True, errors=(403,), tag="moderation")
@login_required
def list_reports(courtyard_id):
    """Open reports on a courtyard's messages, oldest first (moderators)."""
    courtyard = places.courtyard_for(current_user, courtyard_id)
    return jsonify(paginate(moderation.open_reports(current_user, courtyard), report_json))


@bp.post("/reports/<int:report_id>/resolve")
@doc(body=ResolveBody, response=ReportOut, errors=(403, 409), tag="moderation")
@login_required
def resolve_report(report_id):
    """Deal with a report (and the message's other open reports); `hide: true` also hides the message."""
    report = moderation.get_report(current_user, report_id)
    body = parse_body(ResolveBody)
    return jsonify(report_json(moderation.resolve_report(current_user, report, hide=body.hide)))


# --- topics --------------------------------------------------------------------------------

def _moderated_topic(topic_id):
    topic = services.get_topic(current_user, topic_id)
    require(permissions.can_moderate_topic(current_user, topic))
    return topic


@bp.post("/topics/<int:topic_id>/lock")
@doc(response=TopicOut, errors=(403,), tag="moderation")
@login_required
def lock_topic(topic_id):
    """Lock a topic: no new messages (moderators)."""
    return jsonify(payloads.topic_json(moderation.lock_topic(current_user, _moderated_topic(topic_id))))


@bp.post("/topics/<int:topic_id>/unlock")
@doc(response=TopicOut, errors=(403,), tag="moderation")
@login_required
def unlock_topic(topic_id):
    """Unlock a topic (moderators)."""
    return jsonify(payloads.topic_json(moderation.unlock_topic(current_user, _moderated_topic(topic_id))))


@bp.post("/topics/<int:topic_id>/pin")
@doc(response=TopicOut, errors=(403,), tag="moderation")
@login_required
def pin_topic(topic_id):
    """Pin a topic to the top of its courtyard's list (moderators)."""
    return jsonify(payloads.topic_json(moderation.pin_topic(current_user, _moderated_topic(topic_id))))


@bp.post("/topics/<int:topic_id>/unpin")
@doc(response=TopicOut, errors=(403,), tag="moderation")
@login_required
def unpin_topic(topic_id):
    """Unpin a topic (moderators)."""
    return jsonify(payloads.topic_json(moderation.unpin_topic(current_user, _moderated_topic(topic_id))))


@bp.post("/topics/<int:topic_id>/merge")
@doc(body=MergeBody, response=TopicOut, errors=(403, 409), tag="moderation")
@login_required
def merge_topic(topic_id):
    """Merge a duplicate topic into another of the same courtyard (moderators); returns the merged one."""
    topic = _moderated_topic(topic_id)
    body = parse_body(MergeBody)
    return jsonify(payloads.topic_json(moderation.merge_topic(current_user, topic,
                                                              into_topic_id=body.into_topic_id)))


# --- stakeholders (进院解题) -----------------------------------------------------------------

@bp.get("/topics/<int:topic_id>/invitations")
@doc(response=items_of(InvitationOut), tag="stakeholders")
@login_required
def list_invitations(topic_id):
    """Who was brought into the topic (every reader of it may see this)."""
    topic = services.get_topic(current_user, topic_id)
    return jsonify({"items": [invitation_json(i) for i in moderation.invitations(current_user, topic)]})


@bp.post("/topics/<int:topic_id>/invitations")
@doc(body=InvitationBody, response=InvitationOut, status=201, errors=(403, 409), tag="stakeholders")
@login_required
def create_invitation(topic_id):
    """Invite an organization (`organization_id`) or the community's staff (`community: true`) into a topic."""
    topic = services.get_topic(current_user, topic_id)
    require(permissions.can_invite(current_user, topic))
    body = parse_body(InvitationBody)
    inv = moderation.invite(current_user, topic, organization_id=body.organization_id, community=body.community)
    return jsonify(invitation_json(inv)), 201


@bp.delete("/topics/<int:topic_id>/invitations/<int:invitation_id>")
@doc(status=204, errors=(403,), tag="stakeholders")
@login_required
def delete_invitation(topic_id, invitation_id):
    """Withdraw an invitation: that organization's staff no longer see the topic."""
    topic = services.get_topic(current_user, topic_id)
    inv = moderation.get_invitation(current_user, topic, invitation_id)
    moderation.withdraw_invitation(current_user, inv)
    return "", 204


@bp.get("/invited-topics")
@doc(response=TopicOut, paginated=True, tag="stakeholders")
@login_required
def list_invited_topics():
    """我的进院议题: topics the caller's organizations were invited into."""
    return jsonify(paginate(moderation.invited_topics(current_user), payloads.topic_json))


# --- blocked words (street administrators) -------------------------------------------------

@bp.get("/admin/blocked-words")
@doc(response=items_of(BlockedWordOut), errors=(403,), tag="admin")
@login_required
def list_blocked_words():
    """Words not allowed in topics and messages (street administrators)."""
    return jsonify({"items": [blocked_word_json(w) for w in moderation.list_blocked_words(current_user)]})


@bp.post("/admin/blocked-words")
@doc(body=BlockedWordBody, response=BlockedWordOut, status=201, errors=(403,), tag="admin")
@login_required
def add_blocked_word():
    """Add a blocked word (street administrators)."""
    require(permissions.can_edit_blocked_words(current_user))
    body = parse_body(BlockedWordBody)
    return jsonify(blocked_word_json(moderation.add_blocked_word(current_user, body.word))), 201


@bp.delete("/admin/blocked-words/<int:word_id>")
@doc(status=204, errors=(403,), tag="admin")
@login_required
def remove_blocked_word(word_id):
    """Remove a blocked word (street administrators)."""
    moderation.remove_blocked_word(current_user, moderation.get_blocked_word(current_user, word_id))
    return "", 204
