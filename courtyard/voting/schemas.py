"""Response models of proposals, tallies and votes: what courtyard/voting/payloads.py builds."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Out, sometimes
from ..deliberation.schemas import AuthorOut
from .models import Choice, ProposalStatus, Rule

Fraction = str  # "2/3", "1/2", "0": exact, as text


class ChoiceCounts(Out):
    yes: int
    no: int
    abstain: int


class ChoiceAreas(Out):
    yes: float
    no: float
    abstain: float


class MeasureOut(Out):
    people: int
    households: int
    area_m2: float


class ThresholdOut(Out):
    kind: Literal["participation", "approval"]
    measure: Literal["people", "households", "area"]
    need: Fraction = Field(description="The fraction to reach, e.g. 2/3")
    strict: bool = Field(description="More than `need`, not just as much")
    have: float
    of: float
    met: bool
    short: float = sometimes("Participation only: how much more `have` needs (0 when met)")
    target: float = sometimes("Participation only: the least `have` that meets it")


class TallyOut(Out):
    proposal_id: int
    status: ProposalStatus
    rule: Rule
    secret: bool
    totals_hidden: bool = Field(description="A secret ballot hiding its totals until the close: while voting, "
                                            "counts, area_m2 and passing are null and only the participation "
                                            "thresholds are listed")
    counts: ChoiceCounts | None = Field(description="Null while the totals are hidden")
    area_m2: ChoiceAreas | None = Field(description="The area behind each choice; null while the totals are hidden")
    eligible: MeasureOut
    participation: MeasureOut
    quorum: Fraction
    quorum_met: bool
    passing: bool | None = Field(description="Null while the totals are hidden")
    thresholds: list[ThresholdOut]
    closes_at: datetime | None
    seq: int = Field(description="Higher in newer tallies")


class MyVoteOut(Out):
    proposal_id: int
    choice: Choice | None = Field(description="Null for a household member's vote in a secret ballot")
    by_me: bool
    cast_for: AuthorOut
    assisted: bool
    assisted_by: AuthorOut | None
    witness: str | None
    created_at: datetime
    updated_at: datetime


class ProposalOut(Out):
    id: int
    topic_id: int
    courtyard_id: int
    title: str
    body: str
    author: AuthorOut
    status: ProposalStatus
    rule: Rule | None
    secret: bool
    hide_totals: bool = Field(description="Secret ballots only: the tally shows turnout only until the close")
    quorum: Fraction | None
    opened_at: datetime | None
    opened_by: AuthorOut | None
    closes_at: datetime | None
    closed_at: datetime | None
    closed_by: AuthorOut | None
    closed_automatically: bool
    created_at: datetime
    updated_at: datetime
    tally: TallyOut | None = Field(description="Live, or final once closed; null for a draft")
    my_vote: MyVoteOut | None = Field(description="The vote that counts for the caller")
    on_roll: bool
    can_vote: bool
    can_manage: bool
    can_assist: bool


class VoteOut(Out):
    proposal_id: int
    choice: Choice
    replaced: bool = Field(description="It replaced the caller's (or their household's) earlier vote")
    assisted: bool
    witness: str | None
    updated_at: datetime
    tally: TallyOut


class TurnoutUnit(Out):
    id: int
    label: str
    area_m2: float


class ParticipantOut(Out):
    user: AuthorOut | None = Field(description="Null for a flat no one on the roll can vote for")
    unit: TurnoutUnit | None
    is_owner: bool
    took_part: bool
    assisted: bool
    choice: Choice | None = Field(description="Only in an open ballot")


class TurnoutOut(Out):
    proposal_id: int
    secret: bool
    items: list[ParticipantOut]


class RollPersonOut(Out):
    user: AuthorOut
    is_owner: bool
    waiting: bool = Field(description="No vote counts for them yet (under the unit rules: their flat has not voted)")


class HouseholdOut(Out):
    household: str = Field(description="h:<unit id>, or u:<user id> for a person on the roll without a unit")
    unit: TurnoutUnit | None
    people: list[RollPersonOut] = Field(description="The household's people on the roll (empty: a flat no one "
                                                    "on the platform can vote for)")
    voted: bool = Field(description="No one of the household is left waiting")
    can_remind: bool = Field(description="A reminder may be sent now (voting, someone waiting, not reminded "
                                         "in the last 12 hours)")
    reminded_at: datetime | None = Field(description="The last reminder sent to it")
    next_reminder_at: datetime | None = Field(description="When it may be reminded again; null: now")


class RollOut(Out):
    proposal_id: int
    status: ProposalStatus
    rule: Rule
    secret: bool
    households: int = Field(description="Households (lines) on the roll, before the `voted` filter")
    waiting: int = Field(description="Of them, those with someone who has not voted")
    items: list[HouseholdOut]
