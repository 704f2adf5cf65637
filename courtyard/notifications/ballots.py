"""Ballots reach their roll: who is told when voting opens, closes soon, is decided, and when a
moderator reminds a household (提醒). Called by listeners.py; sentences in payloads.py.

Who hears of what (only people on the ballot's roll — RollEntry rows with a person — who may
still read the topic and did not mute it; services._audience):
- voting opened: everyone on the roll but the one who opened it (one notification per
  person for the proposals opened together);
- closing in 24 h / 2 h: those on the roll with no vote counted for them yet — under the
  household and Civil Code rules, the people of the flats that have not voted;
- decided: everyone on the roll but the one who closed it, with the outcome and the decision
  record (协商纪要, /proposals/<id>/record);
- a reminder: the household's people who have no vote counted yet.

Outbound (text messages …) goes once per household under the rules that count households
(one person per flat, an owner if there is one); under the majority rule everyone votes,
so everyone is told.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..dbtypes import iso
from ..extensions import db
from ..voting.models import Proposal, RollEntry, Rule, Vote
from ..voting.services import household_key
from . import channels, preferences
from .services import _audience, _notify

BALLOT_OPENED, BALLOT_CLOSING, BALLOT_DECIDED, BALLOT_REMINDER = (
    "ballot_opened", "ballot_closing", "ballot_decided", "ballot_reminder")


def proposal_url(proposal_id: int) -> str:
    return f"/proposals/{proposal_id}"


def record_url(proposal_id: int) -> str:
    return f"/proposals/{proposal_id}/record"


def _roll(proposal: Proposal, session=None, *, waiting_only: bool = False) -> list[tuple[int, int | None, bool]]:
    """(person, unit, is_owner) of the roll's lines with a person; only those with no vote
    counted for them when `waiting_only`."""
    session = session or db.session
    q = sa.select(RollEntry.user_id, RollEntry.unit_id, RollEntry.is_owner).where(
        RollEntry.proposal_id == proposal.id, RollEntry.user_id.is_not(None))
    if waiting_only:
        voted = sa.select(Vote.voter_key).where(Vote.proposal_id == proposal.id)
        q = q.where(RollEntry.voter_key.not_in(voted))
    return [tuple(row) for row in session.execute(q.order_by(RollEntry.id))]


def _one_per_household(rule, lines, audience: list[int]) -> set[int] | None:
    """Who gets the outbound message: one person per flat under the rules that count households —
    one who turned a text-message or e-mail channel on, an owner first — ; None (everyone) under
    the majority rule."""
    if rule is None or Rule(rule) == Rule.majority:
        return None
    told = set(audience)
    # Someone of the flat who asked for text messages (or e-mail) comes before an owner who did not.
    opted = preferences.enabled_for(told, [c.name for c in channels.configured() if channels.is_opt_in(c)])
    chosen: dict[object, tuple[int, bool, int]] = {}
    for user_id, unit_id, is_owner in lines:
        if user_id not in told:
            continue
        key = household_key(unit_id, user_id)  # as the not-yet-voted list counts households
        rank = (len(opted.get(user_id, ())), bool(is_owner))
        best = chosen.get(key)
        if best is None or rank > best[:2]:
            chosen[key] = (*rank, user_id)
    return {user_id for *_rank, user_id in chosen.values()}


def _tell(proposal: Proposal, lines, *, kind: str, actor=None, url: str, data: dict) -> None:
    audience = _audience(proposal.topic, {line[0] for line in lines}, actor)
    rule = proposal.rule.value if proposal.rule is not None else None
    _notify(audience, kind=kind, actor=actor, topic=proposal.topic, url=url,
            outbound=_one_per_household(rule, lines, audience),
            data={"title": proposal.topic.title, "proposal": proposal.title, "proposal_id": proposal.id, **data})


def ballots_opened(actor, topic, proposals: list[Proposal]) -> None:
    """Voting opened: everyone on the roll hears of it once, whatever the number of proposals."""
    if not proposals:
        return
    first = proposals[0]
    lines: dict[int, tuple] = {}
    for p in proposals:  # the same roll for proposals opened together; merged all the same
        for line in _roll(p):
            lines.setdefault(line[0], line)
    url = proposal_url(first.id) if len(proposals) == 1 else f"/topics/{topic.id}#proposals"
    _tell(first, list(lines.values()), kind=BALLOT_OPENED, actor=actor, url=url,
          data={"proposals": len(proposals), "closes_at": iso(first.closes_at)})


def ballot_closing_soon(proposal: Proposal, hours: int) -> None:
    """The scheduler: the ballot closes within `hours`; those who have not voted hear of it."""
    _tell(proposal, _roll(proposal, waiting_only=True), kind=BALLOT_CLOSING, url=proposal_url(proposal.id),
          data={"hours": hours, "closes_at": iso(proposal.closes_at)})


def proposal_decided(proposal: Proposal) -> None:
    """The ballot closed: the roll hears the outcome (通过/未通过), with the decision record."""
    closer = None
    if proposal.closed_by_id is not None:
        from ..accounts.models import User
        closer = db.session.get(User, proposal.closed_by_id)
    _tell(proposal, _roll(proposal), kind=BALLOT_DECIDED, actor=closer, url=record_url(proposal.id),
          data={"outcome": proposal.status.value})


def household_reminded(actor, proposal: Proposal, user_ids: list[int]) -> None:
    """A moderator's 提醒: the household's people who have not voted hear of it."""
    wanted = set(user_ids)
    lines = [line for line in _roll(proposal, waiting_only=True) if line[0] in wanted]
    _tell(proposal, lines, kind=BALLOT_REMINDER, actor=actor, url=proposal_url(proposal.id),
          data={"name": actor.display_name, "closes_at": iso(proposal.closes_at)})
