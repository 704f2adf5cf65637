"""Who may see and do what with proposals and ballots. Pages, the API and sockets ask here.

Proposals are as visible as their topic. Voting itself is decided by the electoral roll
(services): being on it, and still an active member of the courtyard.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..deliberation import permissions as topics
from ..deliberation.models import Topic, TopicStatus
from ..extensions import db
from ..places import permissions as places
from ..places.models import Membership, MembershipStatus
from .models import Proposal, ProposalStatus, RollEntry

# A topic still being discussed takes proposals and ballots; a decided or closed one does not.
ACTIVE_TOPIC = (TopicStatus.open, TopicStatus.deliberating)


def can_view_proposal(user, proposal: Proposal) -> bool:
    return topics.can_view_topic(user, proposal.topic)


def can_propose(user, topic: Topic) -> bool:
    """Members of the courtyard and its moderators, while the topic is open or being deliberated."""
    if topic.status not in ACTIVE_TOPIC or topic.locked:
        return False
    return places.active_membership(user, topic.courtyard) is not None or topics.can_moderate_topic(user, topic)


def can_manage_ballot(user, proposal: Proposal) -> bool:
    """Open a proposal as a ballot, or close it early: the topic's moderators (the secretary)."""
    return topics.can_moderate_topic(user, proposal.topic)


def can_open_ballot(user, proposal: Proposal) -> bool:
    return can_manage_ballot(user, proposal) and proposal.topic.status in ACTIVE_TOPIC


def can_close_ballot(user, proposal: Proposal) -> bool:
    return can_manage_ballot(user, proposal)


def can_assist(user, proposal: Proposal) -> bool:
    """楼门长代投: the courtyard's building leads and secretary record votes for neighbours without a phone."""
    m = places.active_membership(user, proposal.topic.courtyard)
    return m is not None and m.role in places.MODERATOR_ROLES


def can_follow_up(user, proposal: Proposal) -> bool:
    """The not-yet-voted list of a ballot and its reminders (提醒): the building leads and the
    secretary (the topic's moderators), once it is open."""
    return proposal.status != ProposalStatus.draft and can_manage_ballot(user, proposal)


def can_see_turnout(user, proposal: Proposal) -> bool:
    """Who took part: the moderators always; everyone who sees the topic when the ballot is open (记名)."""
    if proposal.status == ProposalStatus.draft:
        return False
    return can_manage_ballot(user, proposal) or (not proposal.secret and can_view_proposal(user, proposal))


def can_see_choices(user, proposal: Proposal) -> bool:
    """Who voted what: never for a secret ballot; for an open one, whoever sees the topic."""
    return not proposal.secret and proposal.status != ProposalStatus.draft and can_view_proposal(user, proposal)


def roll_entry(user, proposal: Proposal) -> RollEntry | None:
    """The user's line on the roll, if they may vote: on the roll and still an active member."""
    if not places._authenticated(user) or proposal.status == ProposalStatus.draft:
        return None
    return db.session.scalar(roll_entries(user, [proposal]))


def roll_entries(user, proposals: list[Proposal]) -> sa.Select:
    """roll_entry for several proposals of one topic at once: the user's lines on their rolls
    (drafts have none), as long as the user is still an active member of the courtyard."""
    ids = [p.id for p in proposals if p.status != ProposalStatus.draft]
    if not places._authenticated(user) or not ids:
        return sa.select(RollEntry).where(sa.false())
    return sa.select(RollEntry).join(Membership, sa.and_(
        Membership.user_id == RollEntry.user_id, Membership.status == MembershipStatus.active,
        Membership.courtyard_id == proposals[0].topic.courtyard_id)).where(
        RollEntry.proposal_id.in_(ids), RollEntry.user_id == user.id)


def can_vote(user, proposal: Proposal) -> bool:
    return proposal.status == ProposalStatus.voting and roll_entry(user, proposal) is not None
