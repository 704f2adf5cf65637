"""Proposals (方案), their ballots, the electoral roll and the votes."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..dbtypes import UTCDateTime, created_at_column, str_enum
from ..deliberation.models import Topic
from ..extensions import db
from ..places.models import Unit


class ProposalStatus(str, enum.Enum):
    draft = "draft"
    voting = "voting"
    adopted = "adopted"
    rejected = "rejected"


class Rule(str, enum.Enum):
    majority = "majority"
    household = "household"
    civil_code = "civil_code"
    civil_code_major = "civil_code_major"


class Choice(str, enum.Enum):
    yes = "yes"
    no = "no"
    abstain = "abstain"


CLOSED = (ProposalStatus.adopted, ProposalStatus.rejected)


class Proposal(db.Model):
    """A proposal in a topic; once the secretary opens it as a ballot it is voted on.

    `tally_seq` grows with every write that changes the count (each batch of votes, the
    close): clients keep the tally with the highest one. The vote writers and the closer
    both start with a conditional UPDATE of this row, which serialises them (see services).
    """

    __tablename__ = "proposals"
    __table_args__ = (
        sa.Index("ix_proposals_status_closes_at", "status", "closes_at"),
        sa.CheckConstraint("quorum >= 0 AND quorum <= 1", name="quorum_fraction"),
        sa.CheckConstraint("status = 'draft' OR (rule IS NOT NULL AND opened_at IS NOT NULL "
                           "AND closes_at IS NOT NULL AND closes_at > opened_at)", name="ballot_settings"),
        sa.CheckConstraint("(status IN ('adopted', 'rejected') AND closed_at IS NOT NULL AND final_tally IS NOT NULL)"
                           " OR (status NOT IN ('adopted', 'rejected') AND closed_at IS NULL AND final_tally IS NULL)",
                           name="closed_with_tally"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus, "proposal_status"),
                                                   default=ProposalStatus.draft)
    rule: Mapped[Rule | None] = mapped_column(str_enum(Rule, "ballot_rule"))
    secret: Mapped[bool] = mapped_column(default=False)
    # Only with `secret`: while voting, tallies show turnout only (no counts, no outlook).
    hide_totals: Mapped[bool] = mapped_column(default=False)
    quorum: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4), default=Decimal(0))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: closed by itself
    # The roll, counted when the ballot opened (it never changes afterwards).
    eligible_people: Mapped[int] = mapped_column(default=0)
    eligible_households: Mapped[int] = mapped_column(default=0)
    eligible_area_m2: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), default=Decimal(0))
    tally_seq: Mapped[int] = mapped_column(default=0)
    # When the scheduler told the roll the ballot closes in 24 h / 2 h (each claimed once, by a
    # conditional UPDATE: one process wins).
    reminded_24h_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_2h_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    final_tally: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()

    topic: Mapped[Topic] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED


class RollEntry(db.Model):
    """One line of a ballot's electoral roll, fixed when the ballot opens.

    A person (with their unit, ownership and the unit's area as they were then), or — under
    the Civil Code rules — a unit of the building whose owner is not on the platform
    (user_id NULL): it counts in the denominators, and no one can vote for it.
    """

    __tablename__ = "ballot_roll"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "user_id"),
        sa.Index("ix_ballot_roll_proposal_voter_key", "proposal_id", "voter_key"),
        sa.CheckConstraint("user_id IS NOT NULL OR unit_id IS NOT NULL", name="someone_or_somewhere"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    voter_key: Mapped[str] = mapped_column(sa.String(32))
    is_owner: Mapped[bool] = mapped_column(default=False)
    area_m2: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal(0))

    user: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class Vote(db.Model):
    """The vote of a person (majority) or a unit (the unit rules). One per voter key per
    proposal — a database constraint; a later vote replaces the earlier in place."""

    __tablename__ = "votes"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "voter_key"),
        sa.CheckConstraint("(assisted_by_id IS NULL) = (witness IS NULL)", name="assisted_with_witness"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(sa.String(32))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)  # whose vote it is
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    area_m2: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal(0))  # from the roll
    choice: Mapped[Choice] = mapped_column(str_enum(Choice, "vote_choice"))
    # 楼门长代投: the building lead who recorded it for the person, before a witness.
    assisted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    witness: Mapped[str | None] = mapped_column(sa.String(50))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assisted_by: Mapped[User | None] = relationship(foreign_keys=[assisted_by_id])


class BallotReminder(db.Model):
    """The last reminder (提醒) a moderator sent to one household of a ballot's roll.

    One row per proposal and household: a new reminder is a conditional UPDATE of
    `last_sent_at` (or the INSERT of the row, guarded by the unique constraint), so the rate
    limit holds across processes. `household` is "h:<unit id>" or, for someone on the roll
    without a unit, "u:<user id>".
    """

    __tablename__ = "ballot_reminders"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "household"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    household: Mapped[str] = mapped_column(sa.String(32))
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_sent_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    times: Mapped[int] = mapped_column(default=1)
