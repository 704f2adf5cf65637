"""Who may see and do what with topics and messages. List queries and object checks share clauses."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import memo
from ..accounts.models import User
from ..extensions import db
from ..places import permissions as places
from ..places.models import CommunityStaff, Courtyard, Membership, MembershipStatus, OrganizationMember, Role
from ..uploads.permissions import attachment
from .models import Message, Topic, TopicInvitation, TopicPhoto, TopicStatus

CLOSED_STATES = (TopicStatus.closed, TopicStatus.withdrawn, TopicStatus.merged)


def _invited_clause(user):
    """Topics whose invitation names one of the user's organizations."""
    orgs = places.organization_ids(user)
    if not orgs:
        return sa.false()
    return Topic.id.in_(sa.select(TopicInvitation.topic_id).where(TopicInvitation.organization_id.in_(orgs)))


def visible_topics(user) -> sa.Select:
    """Every topic `user` may read: in courtyards they see, or invited into (进院解题)."""
    if not places._authenticated(user):
        return sa.select(Topic).where(sa.false())
    in_courtyards = Topic.courtyard_id.in_(places.visible_courtyards(user).with_only_columns(Courtyard.id))
    return sa.select(Topic).where(sa.or_(in_courtyards, _invited_clause(user)))


def can_view_topic(user, topic: Topic) -> bool:
    """visible_topics for one topic, from what the rules know already: its courtyard is visible
    to the user, or one of their organizations was invited into it."""
    if not places._authenticated(user):
        return False
    if places.can_view_courtyard(user, topic.courtyard):
        return True
    return invited_organization_id(user, topic) is not None


def topic_invitations(topic: Topic) -> list[TopicInvitation]:
    """Who was brought into the topic, oldest first, with the organization or community: once a
    request (asked by the rules and shown by the page)."""
    return memo.remembered(("topic_invitations", topic.id), lambda: list(db.session.scalars(
        sa.select(TopicInvitation).where(TopicInvitation.topic_id == topic.id).order_by(TopicInvitation.id)
        .options(joinedload(TopicInvitation.organization), joinedload(TopicInvitation.community)))))


def know_invitations(topic: Topic, invitations) -> None:
    """topic_invitations, loaded with the topic already (services.get_topic)."""
    memo.remembered(("topic_invitations", topic.id), lambda: list(invitations))


def invited_organization_id(user, topic: Topic) -> int | None:
    """The organization the user speaks for in this topic, if it was invited."""
    orgs = places.organization_ids(user)
    if not orgs:
        return None
    return next((i.organization_id for i in topic_invitations(topic) if i.organization_id in orgs), None)


def speaks_as_community_staff(user, topic: Topic) -> bool:
    if places.active_membership(user, topic.courtyard) is not None:
        return False
    community_id = topic.courtyard.building.community_id
    return community_id in places.staff_community_ids(user)


def can_create_topic(user, courtyard: Courtyard) -> bool:
    return places.active_membership(user, courtyard) is not None or places.is_community_staff(
        user, courtyard.building.community_id)


def can_moderate_topic(user, topic: Topic) -> bool:
    return places.can_moderate_courtyard(user, topic.courtyard)


def can_post(user, topic: Topic) -> bool:
    """Readers may post while the topic is open for discussion and not locked."""
    return can_view_topic(user, topic) and not topic.locked and topic.status not in CLOSED_STATES


def can_support(user, topic: Topic) -> bool:
    """我也遇到 is for neighbours: members of the courtyard other than the topic's author."""
    return places.active_membership(user, topic.courtyard) is not None and topic.author_id != user.id


def can_withdraw(user, topic: Topic) -> bool:
    return places._authenticated(user) and topic.author_id == user.id


def can_invite(user, topic: Topic) -> bool:
    """The secretary and community staff bring organizations into a topic (进院解题)."""
    if places.is_community_staff(user, topic.courtyard.building.community_id):
        return True
    m = places.active_membership(user, topic.courtyard)
    return m is not None and m.role == Role.secretary


def can_report(user, topic: Topic) -> bool:
    return can_view_topic(user, topic)


def can_report_message(user, message: Message) -> bool:
    """Any reader of the topic may report someone else's message."""
    return places._authenticated(user) and message.author_id != user.id and can_report(user, message.topic)


def can_hide_message(user, message: Message) -> bool:
    return can_moderate_topic(user, message.topic)


def can_view_reports(user, courtyard: Courtyard) -> bool:
    return places.can_moderate_courtyard(user, courtyard)


def can_mute(user, topic: Topic) -> bool:
    return can_view_topic(user, topic)


def can_edit_blocked_words(user) -> bool:
    return places.is_street_admin(user)


def invited_topics(user) -> sa.Select:
    """Topics an organization of the user was invited into (我的进院议题)."""
    if not places._authenticated(user):
        return sa.select(Topic).where(sa.false())
    return sa.select(Topic).where(_invited_clause(user))


def topic_readers(topic: Topic) -> sa.Select:
    """Ids of everyone who may read `topic`: the inverse of visible_topics, for fan-out.

    Active members of its courtyard, staff of its community, street administrators, and
    staff of organizations invited into it. tests/notifications checks it agrees with
    can_view_topic.
    """
    community_id = topic.courtyard.building.community_id
    return sa.union(
        sa.select(Membership.user_id).where(Membership.courtyard_id == topic.courtyard_id,
                                            Membership.status == MembershipStatus.active),
        sa.select(CommunityStaff.user_id).where(CommunityStaff.community_id == community_id),
        sa.select(User.id).where(User.is_street_admin.is_(True)),
        sa.select(OrganizationMember.user_id).join(
            TopicInvitation, TopicInvitation.organization_id == OrganizationMember.organization_id).where(
            TopicInvitation.topic_id == topic.id),
    )


@attachment("topic")
def photo_on_visible_topic(user, upload_id: int) -> bool:
    """A topic's photos: whoever may read the topic."""
    attached = visible_topics(user).where(
        Topic.id.in_(sa.select(TopicPhoto.topic_id).where(TopicPhoto.upload_id == upload_id)))
    return bool(db.session.scalar(sa.select(sa.exists(attached.with_only_columns(Topic.id)))))
