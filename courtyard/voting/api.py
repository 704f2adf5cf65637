"""JSON routes: proposals and ballots (CONTRACT §4, Proposals and ballots)."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..api.core import Body, bp, doc, login_required, paginate, parse_body, parse_query, require
from ..errors import Invalid
from ..deliberation import services as deliberation
from . import payloads, permissions, services
from .models import Proposal
from .schemas import HouseholdOut, ProposalOut, RollOut, TallyOut, TurnoutOut, VoteOut


class ProposalBody(Body):
    title: str
    body: str


class BallotBody(Body):
    rule: str
    closes_at: str
    secret: bool = False
    hide_totals: bool = False  # secret ballots only: the tally shows turnout only until the close
    quorum: Any = None  # a number (or numeric text) from 0 to 1; the service checks it


class VoteBody(Body):
    choice: str
    # 楼门长代投: a building lead records the vote of the resident `on_behalf_of`, before a witness.
    on_behalf_of: int | None = None
    witness: str | None = None


def _participant_json(p: services.Participant) -> dict:
    return {"user": payloads.author_json(p.user) if p.user else None,
            "unit": {"id": p.unit.id, "label": p.unit.label, "area_m2": float(p.unit.area_m2)} if p.unit else None,
            "is_owner": p.is_owner, "took_part": p.took_part, "assisted": p.assisted, "choice": p.choice}


@bp.get("/topics/<int:topic_id>/proposals")
@doc(response=ProposalOut, paginated=True, tag="voting")
@login_required
def list_proposals(topic_id):
    """A topic's proposals, oldest first, each with its live or final tally."""
    topic = deliberation.get_topic(current_user, topic_id)
    select = services.proposals_in(current_user, topic).options(
        selectinload(Proposal.author), selectinload(Proposal.opened_by), selectinload(Proposal.closed_by))
    return jsonify(paginate(select, lambda p: services.proposal_for(current_user, p)))


@bp.post("/topics/<int:topic_id>/proposals")
@doc(body=ProposalBody, response=ProposalOut, status=201, errors=(403,), tag="voting")
@login_required
def create_proposal(topic_id):
    """Put a proposal (方案) into a topic: status `draft` until the secretary opens a ballot."""
    topic = deliberation.get_topic(current_user, topic_id)
    require(permissions.can_propose(current_user, topic))
    body = parse_body(ProposalBody)
    proposal = services.create_proposal(current_user, topic, title=body.title, body=body.body)
    return jsonify(services.proposal_for(current_user, proposal)), 201


@bp.get("/proposals/<int:proposal_id>")
@doc(response=ProposalOut, tag="voting")
@login_required
def get_proposal(proposal_id):
    """A proposal with its tally, the caller's own vote (`my_vote`) and what the caller may do."""
    proposal = services.get_proposal(current_user, proposal_id)
    return jsonify(services.proposal_for(current_user, proposal))


@bp.post("/proposals/<int:proposal_id>/ballot")
@doc(body=BallotBody, response=ProposalOut, errors=(403, 409), tag="voting")
@login_required
def open_ballot(proposal_id):
    """Open a proposal as a ballot (moderators): rule, deadline, secrecy, quorum; `hide_totals` (secret
    ballots only): the tally shows turnout only until the close. The roll is fixed now."""
    proposal = services.get_proposal(current_user, proposal_id)
    require(permissions.can_manage_ballot(current_user, proposal))
    body = parse_body(BallotBody)
    services.open_ballot(current_user, proposal, rule=body.rule, closes_at=body.closes_at, secret=body.secret,
                         quorum=body.quorum, hide_totals=body.hide_totals)
    return jsonify(services.proposal_for(current_user, proposal))


@bp.post("/proposals/<int:proposal_id>/votes")
@doc(body=VoteBody, response=VoteOut, status=201, also=(200,), errors=(403, 409), tag="voting")
@login_required
def cast_vote(proposal_id):
    """Vote yes, no or abstain: 201, or 200 when it replaces an earlier vote. The answer carries the tally."""
    proposal = services.get_proposal(current_user, proposal_id)
    body = parse_body(VoteBody)
    outcome = services.cast_vote(current_user, proposal, body.choice, on_behalf_of=body.on_behalf_of,
                                 witness=body.witness)
    return jsonify(outcome.vote_json()), 200 if outcome.replaced else 201


@bp.get("/proposals/<int:proposal_id>/tally")
@doc(response=TallyOut, errors=(409,), tag="voting")
@login_required
def get_tally(proposal_id):
    """The tally: counts, eligible, participation, quorum_met, passing (and the thresholds behind them)."""
    proposal = services.get_proposal(current_user, proposal_id)
    return jsonify(services.tally_of(current_user, proposal))


@bp.post("/proposals/<int:proposal_id>/close")
@doc(response=TallyOut, errors=(403, 409), tag="voting")
@login_required
def close_ballot(proposal_id):
    """Close a ballot early (moderators); the answer is the final tally. Closing at `closes_at` is automatic."""
    proposal = services.get_proposal(current_user, proposal_id)
    require(permissions.can_close_ballot(current_user, proposal))
    proposal = services.close_ballot(current_user, proposal)
    return jsonify(proposal.final_tally)


@bp.get("/proposals/<int:proposal_id>/turnout")
@doc(response=TurnoutOut, errors=(403,), tag="voting")
@login_required
def get_turnout(proposal_id):
    """The roll and who took part (moderators; everyone for an open ballot). Never a secret ballot's choices."""
    proposal = services.get_proposal(current_user, proposal_id)
    return jsonify({"proposal_id": proposal.id, "secret": proposal.secret,
                    "items": [_participant_json(p) for p in services.turnout(current_user, proposal)]})


class RollQuery(Body):
    voted: str | None = None


class ReminderBody(Body):
    unit_id: int | None = None  # the household's flat
    user_id: int | None = None  # or a person on the roll without a flat


def household_json(h: services.Household) -> dict:
    waiting = {u.id for u in h.waiting}
    return {"household": h.key,
            "unit": {"id": h.unit.id, "label": h.unit.label, "area_m2": float(h.unit.area_m2)} if h.unit else None,
            "people": [{"user": payloads.author_json(u), "is_owner": owner, "waiting": u.id in waiting}
                       for u, owner in h.people],
            "voted": h.voted, "can_remind": h.can_remind,
            "reminded_at": h.reminded_at.isoformat() if h.reminded_at else None,
            "next_reminder_at": h.next_reminder_at.isoformat() if h.next_reminder_at else None}


@bp.get("/proposals/<int:proposal_id>/roll")
@doc(query=RollQuery, params={"voted": bool}, response=RollOut, errors=(403,), tag="voting")
@login_required
def get_roll(proposal_id):
    """The roll by household, for the building leads and the secretary: `voted=false` is the
    not-yet-voted list. Never anyone's choice."""
    proposal = services.get_proposal(current_user, proposal_id)
    require(permissions.can_follow_up(current_user, proposal))
    query = parse_query(RollQuery)
    voted = {None: None, "true": True, "false": False}.get(query.voted, "bad")
    if voted == "bad":
        raise Invalid(fields={"voted": _l("Must be true or false.")})
    every = services.roll_households(current_user, proposal)
    return jsonify({"proposal_id": proposal.id, "status": proposal.status.value, "rule": proposal.rule.value,
                    "secret": proposal.secret, "households": len(every),
                    "waiting": sum(1 for h in every if not h.voted),
                    "items": [household_json(h) for h in every if voted is None or h.voted == voted]})


@bp.post("/proposals/<int:proposal_id>/reminders")
@doc(body=ReminderBody, response=HouseholdOut, status=201, errors=(403, 409, 429), tag="voting")
@login_required
def remind_household(proposal_id):
    """提醒: remind one household of the roll that has not voted (building leads, the secretary), by
    `unit_id` (or `user_id` for a person without a flat). At most once per household in 12 hours:
    429 says when again."""
    proposal = services.get_proposal(current_user, proposal_id)
    require(permissions.can_follow_up(current_user, proposal))
    body = parse_body(ReminderBody)
    household = services.remind_household(current_user, proposal, unit_id=body.unit_id, user_id=body.user_id)
    return jsonify(household_json(household)), 201
