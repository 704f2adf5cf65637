"""What pages show of ballots besides the ballot card: a courtyard's open ballots with whether
one person voted, and which topics have a ballot open — one query each, whatever the count."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..deliberation.models import Topic
from ..extensions import db
from ..places import permissions as place_permissions
from ..places.models import Membership, MembershipStatus
from .models import Proposal, ProposalStatus, RollEntry, Vote


@dataclass(frozen=True)
class OpenBallot:
    """A ballot open now, as one person sees it on the courtyard's page."""

    proposal_id: int
    title: str
    topic_id: int
    topic_title: str
    closes_at: datetime
    on_roll: bool
    voted: bool  # their own vote, or their household's under the unit rules (one voter key)


def open_ballots(actor, courtyard) -> list[OpenBallot]:
    """The ballots open now in `courtyard`, the soonest to close first, each with whether
    `actor` is on its roll and has voted. Empty for someone who may not see the courtyard."""
    if not place_permissions.can_view_courtyard(actor, courtyard):
        return []
    mine = sa.orm.aliased(RollEntry)
    voted = sa.exists().where(Vote.proposal_id == Proposal.id, Vote.voter_key == mine.voter_key)
    member = sa.exists().where(Membership.user_id == actor.id, Membership.courtyard_id == courtyard.id,
                               Membership.status == MembershipStatus.active)  # as permissions.roll_entry
    rows = db.session.execute(
        sa.select(Proposal.id, Proposal.title, Topic.id, Topic.title, Proposal.closes_at,
                  mine.id.is_not(None), sa.and_(mine.id.is_not(None), voted))
        .join(Topic, Topic.id == Proposal.topic_id)
        .outerjoin(mine, sa.and_(mine.proposal_id == Proposal.id, mine.user_id == actor.id, member))
        .where(Topic.courtyard_id == courtyard.id, Proposal.status == ProposalStatus.voting)
        .order_by(Proposal.closes_at, Proposal.id))
    return [OpenBallot(pid, title, tid, topic_title, closes_at, bool(on_roll), bool(has_voted))
            for pid, title, tid, topic_title, closes_at, on_roll, has_voted in rows]


def topics_voting(topic_ids) -> set[int]:
    """Of `topic_ids`, those with a ballot open now (the 表决中 badge)."""
    ids = list(topic_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Proposal.topic_id).where(
        Proposal.topic_id.in_(ids), Proposal.status == ProposalStatus.voting).distinct()))
