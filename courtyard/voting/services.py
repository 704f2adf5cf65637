"""Proposals and ballots: one function per act, shared by pages, the API and sockets.

Each function checks permission, validates, writes, says what happened (courtyard/signals.py:
the audit log listens, in the session the act is written in), commits and publishes its
facts after the commit. The integrity of a ballot rests on one row lock:

* every write that changes a count — a batch of votes, or the close — begins with a
  conditional ``UPDATE proposals SET tally_seq = tally_seq + 1 WHERE id = … AND status =
  'voting'`` (votes add ``AND closes_at > now``). On PostgreSQL that locks the row until
  the commit; on SQLite it takes the database's write lock. Either way the check and the
  writes that follow are one atomic step: no stale read can let a vote past the close.
* the close counts the votes after taking the lock, so it sees every vote committed before
  it, and every vote that comes later finds the status changed and is refused. A vote
  racing the close therefore lands before it or is refused — never both.
* several closers (the scheduler in each process, the secretary) race on the same
  conditional UPDATE: exactly one finds the ballot still open.
* one vote per person, or per unit, is ``UNIQUE(proposal_id, voter_key)``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from .. import clock, events, memo, signals
from ..accounts.models import User
from ..deliberation import services as deliberation
from ..deliberation.models import Topic
from ..errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from ..extensions import db
from ..places.models import Membership, MembershipStatus, Role, Unit
from ..realtime import rooms
from ..validation import Fields, parse_datetime, parse_id
from . import live, payloads, permissions, rules
from .ballot_box import Batcher, Job
from .models import BallotReminder, Choice, Proposal, ProposalStatus, RollEntry, Rule, Vote

log = logging.getLogger(__name__)

TITLE_MAX = 100
BODY_MAX = 5000
WITNESS_MAX = 50
MIN_BALLOT = timedelta(minutes=5)
MAX_BALLOT = timedelta(days=90)


# --- reading -------------------------------------------------------------------------------

def get_proposal(actor, proposal_id) -> Proposal:
    """A proposal the actor may see (as its topic); NotFound otherwise (existence is private)."""
    ident = parse_id(proposal_id)
    proposal = db.session.get(Proposal, ident) if ident else None
    if proposal is None or not permissions.can_view_proposal(actor, proposal):
        raise NotFound()
    return proposal


def proposals_in(actor, topic: Topic) -> sa.Select:
    """The topic's proposals, oldest first. NotFound if the actor may not see the topic."""
    if not deliberation.permissions.can_view_topic(actor, topic):
        raise NotFound()
    return sa.select(Proposal).where(Proposal.topic_id == topic.id).order_by(Proposal.id)


def topic_proposals(actor, topic: Topic) -> list[Proposal]:
    """The topic's proposals, oldest first, with their authors: one query a request, shared by
    the topic page's progress line, ballot cards and task buttons. NotFound as proposals_in."""
    query = proposals_in(actor, topic).options(joinedload(Proposal.author), joinedload(Proposal.opened_by),
                                               joinedload(Proposal.closed_by))
    return memo.remembered(("topic_proposals", topic.id), lambda: list(db.session.scalars(query)))


def proposals_for(actor, proposals: list[Proposal]) -> list[dict]:
    """proposal_for for the proposals of one topic, in a fixed number of queries: the open
    ballots' tallies counted together, the actor's roll lines and votes fetched together."""
    counting = [p for p in proposals if p.status != ProposalStatus.draft and p.final_tally is None]
    tallies = _live_tallies(db.session, counting)
    extras = _viewer_extras_many(actor, proposals)
    out = []
    for p in proposals:
        if p.status == ProposalStatus.draft:
            tally = None
        elif p.final_tally is not None:
            tally = live_tally(p)
        else:
            tally = tallies[p.id]
        out.append(payloads.proposal_json(p, tally=tally, viewer_extras=extras[p.id]))
    return out


def _live_tallies(session, proposals: list[Proposal]) -> dict[int, dict]:
    """live_tally of several ballots being voted on, in one query (_totals for each, as a UNION)."""
    if not proposals:
        return {}
    ids = [p.id for p in proposals]
    by_choice = sa.select(sa.literal_column("'c'").label("kind"), Vote.proposal_id, Vote.choice,
                          sa.func.count().label("n"), _cents(Vote.area_m2).label("cents")).where(
        Vote.proposal_id.in_(ids)).group_by(Vote.proposal_id, Vote.choice)
    units = sa.select(Vote.proposal_id, Vote.unit_id, sa.func.max(Vote.area_m2).label("area")).where(
        Vote.proposal_id.in_(ids), Vote.unit_id.is_not(None)).group_by(Vote.proposal_id, Vote.unit_id).subquery()
    by_unit = sa.select(sa.literal_column("'h'"), units.c.proposal_id, sa.null(), sa.func.count(),
                        _cents(units.c.area)).group_by(units.c.proposal_id)
    counts = {i: {} for i in ids}
    area = {i: {} for i in ids}
    households = {i: (0, 0) for i in ids}
    for kind, proposal_id, choice, n, cents in session.execute(sa.union_all(by_choice, by_unit)):
        if kind == "c":
            choice = Choice(getattr(choice, "value", choice)).value
            counts[proposal_id][choice] = int(n)
            area[proposal_id][choice] = Decimal(int(cents)).scaleb(-2)
        else:
            households[proposal_id] = (int(n), int(cents))
    out = {}
    for p in proposals:
        people = sum(counts[p.id].values())
        if p.rule.value in rules.BY_UNIT:
            measure = rules.Measure(people, people, sum(area[p.id].values(), rules.ZERO_AREA))
        else:
            n, cents = households[p.id]
            measure = rules.Measure(people, n, Decimal(cents).scaleb(-2))
        eligible = rules.Measure(p.eligible_people, p.eligible_households, Decimal(p.eligible_area_m2))
        tally = rules.decide(p.rule.value, eligible, counts[p.id], area[p.id], measure, Fraction(p.quorum))
        out[p.id] = _tally_json(p, tally, p.tally_seq)
    return out


def _viewer_extras_many(actor, proposals: list[Proposal]) -> dict[int, dict]:
    """viewer_extras for several proposals of one topic: their roll lines and votes in one query."""
    found = {}
    if proposals:
        entries = permissions.roll_entries(actor, proposals).subquery()
        line = aliased(RollEntry, entries)
        for entry, vote in db.session.execute(
                sa.select(line, Vote).outerjoin(Vote, sa.and_(Vote.proposal_id == line.proposal_id,
                                                              Vote.voter_key == line.voter_key))
                .options(joinedload(Vote.user), joinedload(Vote.assisted_by))):
            found[entry.proposal_id] = (entry, vote)
    out = {}
    for p in proposals:
        entry, vote = found.get(p.id, (None, None))
        out[p.id] = {
            "my_vote": payloads.vote_json(vote, actor.id, secret=p.secret) if vote else None,
            "on_roll": entry is not None,
            "can_vote": entry is not None and p.status == ProposalStatus.voting,
            "can_manage": permissions.can_manage_ballot(actor, p),
            "can_assist": p.status == ProposalStatus.voting and permissions.can_assist(actor, p),
        }
    return out


def live_tally(proposal: Proposal, session=None) -> dict | None:
    """The tally as it stands: stored at the close, counted afresh while voting; None for a draft."""
    if proposal.status == ProposalStatus.draft:
        return None
    if proposal.final_tally is not None:
        return {"totals_hidden": False, **proposal.final_tally}  # stored before hidden totals existed
    session = session or db.session
    seq = session.scalar(sa.select(Proposal.tally_seq).where(Proposal.id == proposal.id))
    return _tally_json(proposal, _count(session, proposal), seq)


def tally_of(actor, proposal: Proposal) -> dict:
    """GET /proposals/<id>/tally. Conflict for a draft (no ballot yet)."""
    if not permissions.can_view_proposal(actor, proposal):
        raise NotFound()
    tally = live_tally(proposal)
    if tally is None:
        raise Conflict(_l("This proposal has not been put to a vote yet."))
    return tally


def vote_of(actor, proposal: Proposal) -> Vote | None:
    """The vote that counts for the actor: their own, or their household's under the unit rules."""
    entry = permissions.roll_entry(actor, proposal)
    if entry is None:
        return None
    return db.session.scalar(sa.select(Vote).where(Vote.proposal_id == proposal.id,
                                                   Vote.voter_key == entry.voter_key))


def viewer_extras(actor, proposal: Proposal) -> dict:
    """What one person sees of a proposal besides the public part: their vote and what they may do."""
    entry = permissions.roll_entry(actor, proposal)
    vote = None
    if entry is not None:
        vote = db.session.scalar(sa.select(Vote).where(Vote.proposal_id == proposal.id,
                                                       Vote.voter_key == entry.voter_key))
    return {
        "my_vote": payloads.vote_json(vote, actor.id, secret=proposal.secret) if vote else None,
        "on_roll": entry is not None,
        "can_vote": entry is not None and proposal.status == ProposalStatus.voting,
        "can_manage": permissions.can_manage_ballot(actor, proposal),
        "can_assist": proposal.status == ProposalStatus.voting and permissions.can_assist(actor, proposal),
    }


def proposal_for(actor, proposal: Proposal) -> dict:
    """The proposal as `actor` sees it: with its tally, their vote and what they may do."""
    return payloads.proposal_json(proposal, tally=live_tally(proposal), viewer_extras=viewer_extras(actor, proposal))


@dataclass(frozen=True)
class Participant:
    user: User | None
    unit: Unit | None
    is_owner: bool
    took_part: bool
    assisted: bool
    choice: str | None  # only for open ballots


def turnout(actor, proposal: Proposal) -> list[Participant]:
    """The roll, one line per voter — a person, or a unit under the unit rules — with whether
    they took part (and, for an open ballot, how), by flat.

    The moderators see it for every ballot; others only for open ones. A secret ballot's
    choices are never in it. Under the unit rules a unit's line names the member who cast its
    vote (or its first member on the roll). Raises NotFound, Forbidden.
    """
    if not permissions.can_view_proposal(actor, proposal):
        raise NotFound()
    if not permissions.can_see_turnout(actor, proposal):
        raise Forbidden()
    show_choice = permissions.can_see_choices(actor, proposal)
    votes = {v.voter_key: v for v in db.session.scalars(sa.select(Vote).where(Vote.proposal_id == proposal.id))}
    lines: dict[str, list[RollEntry]] = {}
    for e in db.session.scalars(sa.select(RollEntry).where(RollEntry.proposal_id == proposal.id)
                                .order_by(RollEntry.id)):
        lines.setdefault(e.voter_key, []).append(e)
    out = []
    for key, entries in lines.items():
        v = votes.get(key)
        people = [e for e in entries if e.user is not None]
        user = v.user if v is not None else (people[0].user if people else None)
        out.append(Participant(user=user, unit=entries[0].unit, is_owner=any(e.is_owner for e in entries),
                               took_part=v is not None, assisted=v is not None and v.assisted_by_id is not None,
                               choice=v.choice.value if v is not None and show_choice else None))
    out.sort(key=lambda p: (p.unit.label if p.unit else "~", p.user.display_name if p.user else ""))
    return out


# --- proposing and opening -----------------------------------------------------------------

def create_proposal(actor, topic: Topic, *, title, body) -> Proposal:
    """A resident or the secretary puts a proposal (方案) into a topic. Raises NotFound, Forbidden, Invalid."""
    if not deliberation.permissions.can_view_topic(actor, topic):
        raise NotFound()
    if not permissions.can_propose(actor, topic):
        raise Forbidden(_l("Proposals can be made by the courtyard's members while the topic is under discussion."))
    f = Fields()
    title = f.text("title", deliberation.clean_text(title), max_len=TITLE_MAX)
    body = f.text("body", deliberation.clean_text(body), max_len=BODY_MAX)
    deliberation.check_blocked_words(f, "title", title)
    deliberation.check_blocked_words(f, "body", body)
    f.check()
    now = clock.now()
    proposal = Proposal(topic=topic, author=actor, title=title, body=body, status=ProposalStatus.draft,
                        created_at=now, updated_at=now)
    db.session.add(proposal)
    db.session.flush()
    signals.proposal_created.send(proposal, actor=actor)
    db.session.commit()
    return proposal


def parse_quorum(f: Fields, value) -> Decimal:
    """A fraction of the roll between 0 and 1 (0.5), with at most 4 decimals; default 0."""
    if value in (None, ""):
        return Decimal(0)
    if isinstance(value, bool):
        f.add("quorum", _l("Must be a fraction between 0 and 1, e.g. 0.5."))
        return Decimal(0)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not 0 <= number <= 1 or number != number.quantize(
            Decimal("0.0001")):
        f.add("quorum", _l("Must be a fraction between 0 and 1, e.g. 0.5."))
        return Decimal(0)
    return number.quantize(Decimal("0.0001"))


def open_ballot(actor, proposal: Proposal, *, rule, closes_at, secret=False, quorum=None,
                local_time: bool = False, hide_totals=False) -> Proposal:
    """Put one proposal to the vote. See open_ballots."""
    return open_ballots(actor, [proposal], rule=rule, closes_at=closes_at, secret=secret, quorum=quorum,
                        local_time=local_time, hide_totals=hide_totals)[0]


def open_ballots(actor, proposals: list[Proposal], *, rule, closes_at, secret=False, quorum=None,
                 local_time: bool = False, hide_totals=False) -> list[Proposal]:
    """The secretary opens one or several draft proposals of a topic as ballots, with one rule,
    deadline, secrecy and quorum; a secret ballot may hide its totals until the close
    (`hide_totals`: the tallies show turnout only, payloads.tally_json). The electoral roll of
    each is fixed now. If the topic was `open` it moves to `deliberating`. Raises NotFound,
    Forbidden, Conflict, Invalid.
    """
    if not proposals:
        raise Invalid(fields={"proposals": _l("Choose at least one proposal.")})
    topic = proposals[0].topic
    for p in proposals:
        if not permissions.can_view_proposal(actor, p):
            raise NotFound()
        if p.topic_id != topic.id:
            raise Invalid(fields={"proposals": _l("The proposals must belong to one topic.")})
        if not permissions.can_manage_ballot(actor, p):
            raise Forbidden(_l("Only the secretary opens ballots."))
    if topic.status not in permissions.ACTIVE_TOPIC:
        raise Conflict(_l("The topic is no longer under discussion."))
    for p in proposals:
        if p.status != ProposalStatus.draft:
            raise Conflict(_l("“%(title)s” has already been put to a vote.", title=p.title))
    f = Fields()
    try:
        rule = Rule(rule)
    except ValueError:
        f.add("rule", _l("Choose one of the rules."))
    # ISO 8601 with a zone; from the page's `datetime-local` field (local_time), Beijing time
    closes_at = parse_datetime(f, "closes_at", closes_at, local=local_time)
    now = clock.now()
    if closes_at is not None and not now + MIN_BALLOT <= closes_at <= now + MAX_BALLOT:
        f.add("closes_at", _l("The vote must last between 5 minutes and 90 days."))
    if not isinstance(secret, bool):
        f.add("secret", _l("Must be true or false."))
    if hide_totals is None:
        hide_totals = False
    if not isinstance(hide_totals, bool):
        f.add("hide_totals", _l("Must be true or false."))
    elif hide_totals and secret is not True:
        f.add("hide_totals", _l("Only a secret ballot can hide its totals until the close."))
    quorum = parse_quorum(f, quorum)
    f.check()

    members, units = _courtyard_roll_inputs(topic)
    roll = rules.roll_for(rule.value, members, units)
    owners = {m.person: m.is_owner for m in members}
    eligible = rules.electorate(roll)
    for p in proposals:
        # Conditional, so that two secretaries opening the same draft at once open it once.
        opened = db.session.execute(sa.update(Proposal).where(
            Proposal.id == p.id, Proposal.status == ProposalStatus.draft).values(
            status=ProposalStatus.voting, rule=rule, secret=secret, hide_totals=hide_totals, quorum=quorum,
            opened_at=now,
            opened_by_id=actor.id, closes_at=closes_at, updated_at=now, tally_seq=Proposal.tally_seq + 1,
            eligible_people=eligible.people, eligible_households=eligible.households,
            eligible_area_m2=eligible.area).execution_options(synchronize_session=False))
        if opened.rowcount != 1:
            db.session.rollback()
            raise Conflict(_l("“%(title)s” has already been put to a vote.", title=p.title))
        if roll:
            db.session.execute(sa.insert(RollEntry), [
                {"proposal_id": p.id, "user_id": line.person, "unit_id": line.unit,
                 "voter_key": rules.voter_key(rule.value, line.person or 0, line.unit),
                 "is_owner": owners.get(line.person, False) if line.person else False, "area_m2": line.area}
                for line in roll])
    for p in proposals:
        db.session.refresh(p)
    signals.ballots_opened.send(topic, actor=actor, proposals=list(proposals), rule=rule, secret=secret,
                                quorum=quorum, closes_at=closes_at, hide_totals=hide_totals)
    db.session.commit()
    return proposals


def _courtyard_roll_inputs(topic: Topic) -> tuple[list[rules.Member], dict[int, Decimal]]:
    """The courtyard's active members and its building's units, as plain values for rules.roll_for."""
    courtyard = topic.courtyard
    members = [rules.Member(person=user_id, unit=unit_id, is_owner=bool(owner))
               for user_id, unit_id, owner in db.session.execute(
                   sa.select(Membership.user_id, Membership.unit_id, Membership.is_owner).where(
                       Membership.courtyard_id == courtyard.id, Membership.status == MembershipStatus.active))]
    units = dict(db.session.execute(sa.select(Unit.id, Unit.area_m2).where(
        Unit.building_id == courtyard.building_id)).tuples().all())
    return members, {k: Decimal(v).quantize(rules.CENT) for k, v in units.items()}


# --- voting --------------------------------------------------------------------------------

@dataclass(frozen=True)
class VoteRequest:
    proposal_id: int
    user_id: int
    choice: str
    assisted_by_id: int | None = None
    witness: str | None = None


@dataclass(frozen=True)
class VoteOutcome:
    """What a voter hears back: their vote as stored, whether it replaced an earlier one, the tally."""

    proposal_id: int
    topic_id: int
    choice: str
    replaced: bool
    assisted_by_id: int | None
    witness: str | None
    at: datetime
    tally: dict

    def vote_json(self) -> dict:
        return {"proposal_id": self.proposal_id, "choice": self.choice, "replaced": self.replaced,
                "assisted": self.assisted_by_id is not None, "witness": self.witness,
                "updated_at": self.at.isoformat(), "tally": self.tally}


class _Refused(Exception):
    """A vote the batch writer refused; cast_vote turns it into the right DomainError."""

    def __init__(self, reason: str):
        self.reason = reason


def cast_vote(actor, proposal, choice, *, on_behalf_of=None, witness=None) -> VoteOutcome:
    """Vote on a ballot — the one function behind the form, the JSON route and `cast_vote`.

    `proposal` is a Proposal or its id. The voter must be on the roll and still an active
    member; a later vote replaces their earlier one (their household's under the unit
    rules). With `on_behalf_of` (a user id) a building lead records the vote of a resident
    on the roll who cannot use a phone, naming a `witness` (楼门长代投); it is marked as
    assisted and audit-logged, and the resident may replace it with their own vote, while
    an assisted vote never replaces one the resident cast themselves.
    Raises NotFound, Forbidden, Conflict (not open, closed), Invalid. After the commit a
    coalesced `vote.tallied` goes to the topic's room.
    """
    if not getattr(actor, "is_authenticated", False):
        raise NotFound()
    proposal_id = proposal.id if isinstance(proposal, Proposal) else parse_id(proposal)
    if proposal_id is None:
        raise NotFound()
    f = Fields()
    if not isinstance(choice, str) or choice not in rules.CHOICES:
        f.add("choice", _l("Choose yes, no or abstain."))
    voter_id, assisted_by_id = actor.id, None
    if on_behalf_of is not None:
        loaded = get_proposal(actor, proposal_id)
        if not permissions.can_assist(actor, loaded):
            raise Forbidden(_l("Only the building lead or the secretary records votes for neighbours."))
        voter_id = parse_id(on_behalf_of)
        if voter_id is None or voter_id == actor.id:
            f.add("on_behalf_of", _l("Choose a neighbour on the roll."))
        witness = f.text("witness", deliberation.clean_text(witness), max_len=WITNESS_MAX)
        assisted_by_id = actor.id
    else:
        witness = None
    f.check()
    request = VoteRequest(proposal_id, voter_id, choice, assisted_by_id, witness)
    # End the caller's transaction before waiting for the batch: its connection goes back to
    # the pool for the batch's writer (a thousand waiting voters must not hold them all).
    db.session.commit()
    try:
        outcome = _box().submit(request)
    except _Refused as refused:
        raise _refusal(actor, proposal_id, refused.reason, assisted=assisted_by_id is not None) from None
    live.changed(proposal_id, outcome.topic_id)
    return outcome


def _refusal(actor, proposal_id: int, reason: str, *, assisted: bool):
    """The DomainError for a refused vote; existence stays private from those who may not see it."""
    proposal = get_proposal(actor, proposal_id)  # NotFound for those who may not see it
    if reason == "closed":
        if proposal.status == ProposalStatus.draft:
            return Conflict(_l("This proposal has not been put to a vote yet."))
        return Conflict(_l("Voting on this proposal has closed."))
    if reason == "voted_themself":
        return Conflict(_l("This neighbour has voted themselves; their own vote stands."))
    if assisted:
        return Invalid(fields={"on_behalf_of": _l("Choose a neighbour on the roll.")})
    return Forbidden(_l("You are not on this ballot's roll."))


_batchers: dict[int, Batcher] = {}


def _box() -> Batcher:
    """This process's ballot box (one per database engine: the tests run two backends).

    Before writing, the writer lets the other (green) threads run once, so that the votes
    that have already arrived join its batch (socketio.sleep(0) yields to them).
    """
    engine = db.engine
    box = _batchers.get(id(engine))
    if box is None:
        from ..extensions import socketio
        box = _batchers.setdefault(id(engine), Batcher(_write_votes, pause=lambda: socketio.sleep(0)))
    return box


def _write_votes(jobs: list[Job]) -> None:
    """Write a batch of votes, one transaction per proposal, and give each job its outcome."""
    by_proposal: dict[int, list[Job]] = {}
    for job in jobs:
        by_proposal.setdefault(job.request.proposal_id, []).append(job)
    for proposal_id, batch in by_proposal.items():
        for attempt in range(3):
            session = db.session.session_factory()
            try:
                _write_proposal_votes(session, proposal_id, batch)
                break
            except IntegrityError:
                # Cannot happen while every writer takes the row lock first; retry rather than lose votes.
                session.rollback()
                log.warning("vote batch for proposal %s hit a unique constraint; retrying", proposal_id)
                if attempt == 2:
                    raise
            finally:
                session.close()


def _lock(session, proposal_id: int, *, for_votes: bool, now: datetime) -> bool:
    """Take the proposal's row (write) lock if it is still voting; the caller commits or rolls back."""
    where = [Proposal.id == proposal_id, Proposal.status == ProposalStatus.voting]
    if for_votes:
        where.append(Proposal.closes_at > now)
    result = session.execute(sa.update(Proposal).where(*where).values(tally_seq=Proposal.tally_seq + 1)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _write_proposal_votes(session, proposal_id: int, batch: list[Job]) -> None:
    if not _lock(session, proposal_id, for_votes=True, now=clock.now()):
        session.rollback()
        for job in batch:
            job.error = _Refused("closed")
        return
    now = clock.now()  # read under the lock: a later close is stamped later than these votes
    p = session.execute(sa.select(
        Proposal.rule, Proposal.secret, Proposal.hide_totals, Proposal.quorum, Proposal.closes_at, Proposal.tally_seq, Proposal.topic_id,
        Proposal.eligible_people, Proposal.eligible_households, Proposal.eligible_area_m2, Topic.courtyard_id)
        .join(Topic, Topic.id == Proposal.topic_id).where(Proposal.id == proposal_id)).one()
    user_ids = {job.request.user_id for job in batch}
    roll = {row.user_id: row for row in session.execute(
        sa.select(RollEntry.user_id, RollEntry.voter_key, RollEntry.unit_id, RollEntry.area_m2)
        .join(Membership, sa.and_(Membership.user_id == RollEntry.user_id,
                                  Membership.courtyard_id == p.courtyard_id,
                                  Membership.status == MembershipStatus.active))
        .where(RollEntry.proposal_id == proposal_id, RollEntry.user_id.in_(user_ids)))}
    keys = {roll[u].voter_key for u in user_ids if u in roll}
    existing = {row.voter_key: row for row in session.execute(
        sa.select(Vote.id, Vote.voter_key, Vote.user_id, Vote.assisted_by_id)
        .where(Vote.proposal_id == proposal_id, Vote.voter_key.in_(keys)))} if keys else {}

    inserts: dict[str, dict] = {}
    updates: dict[str, dict] = {}
    written: list[tuple[Job, bool, dict]] = []
    for job in batch:
        r: VoteRequest = job.request
        line = roll.get(r.user_id)
        if line is None:
            job.error = _Refused("not_on_roll")
            continue
        key = line.voter_key
        previous = inserts.get(key) or updates.get(key)
        if previous is None and key in existing:
            row = existing[key]
            previous = {"id": row.id, "user_id": row.user_id, "assisted_by_id": row.assisted_by_id}
        if r.assisted_by_id is not None and previous is not None and previous["user_id"] == r.user_id \
                and previous["assisted_by_id"] is None:
            job.error = _Refused("voted_themself")
            continue
        values = {"user_id": r.user_id, "unit_id": line.unit_id, "area_m2": line.area_m2, "choice": Choice(r.choice),
                  "assisted_by_id": r.assisted_by_id, "witness": r.witness, "updated_at": now}
        if previous is None or key in inserts:
            target = inserts.setdefault(key, {"proposal_id": proposal_id, "voter_key": key, "created_at": now})
        else:
            target = updates.setdefault(key, {"id": previous["id"]})
        target.update(values)
        written.append((job, previous is not None, dict(values)))
        if r.assisted_by_id is not None:
            signals.vote_assisted.send(proposal_id, session=session, actor_id=r.assisted_by_id, voter_id=r.user_id,
                                       witness=r.witness, courtyard_id=p.courtyard_id)  # never the choice
    if inserts:
        session.execute(sa.insert(Vote), list(inserts.values()))
    if updates:
        session.execute(sa.update(Vote), list(updates.values()))
    if not written:
        session.rollback()
        return
    eligible = rules.Measure(p.eligible_people, p.eligible_households, Decimal(p.eligible_area_m2))
    tally = rules.decide(p.rule.value, eligible, *_totals(session, proposal_id, p.rule.value), Fraction(p.quorum))
    body = payloads.tally_json(proposal_id=proposal_id, status=ProposalStatus.voting.value, rule=p.rule.value,
                               secret=p.secret, closes_at=p.closes_at, seq=p.tally_seq, tally=tally,
                               hide_totals=p.hide_totals)
    session.commit()
    for job, replaced, values in written:
        job.outcome = VoteOutcome(proposal_id=proposal_id, topic_id=p.topic_id, choice=values["choice"].value,
                                  replaced=replaced, assisted_by_id=values["assisted_by_id"],
                                  witness=values["witness"], at=now, tally=body)


def _ballots(session, proposal_id: int) -> list[rules.Ballot]:
    return [rules.Ballot(choice.value, unit_id, Decimal(area))
            for choice, unit_id, area in session.execute(
                sa.select(Vote.choice, Vote.unit_id, Vote.area_m2).where(Vote.proposal_id == proposal_id))]


def _cents(column):
    """An area column summed exactly: as whole cents (SQLite keeps NUMERIC as floating point)."""
    return sa.func.coalesce(sa.func.sum(sa.cast(sa.func.round(column * 100), sa.Integer)), 0)


def _totals(session, proposal_id: int, rule: str) -> tuple[dict, dict, rules.Measure]:
    """The votes summed by the database: (votes per choice, area per choice, who took part)."""
    counts, area = {}, {}
    for choice, n, cents in session.execute(
            sa.select(Vote.choice, sa.func.count(), _cents(Vote.area_m2))
            .where(Vote.proposal_id == proposal_id).group_by(Vote.choice)):
        counts[choice.value] = n
        area[choice.value] = Decimal(int(cents)).scaleb(-2)
    people = sum(counts.values())
    if rule in rules.BY_UNIT:  # every vote is a unit's
        return counts, area, rules.Measure(people, people, sum(area.values(), rules.ZERO_AREA))
    units = sa.select(Vote.unit_id, sa.func.max(Vote.area_m2).label("area")).where(
        Vote.proposal_id == proposal_id, Vote.unit_id.is_not(None)).group_by(Vote.unit_id).subquery()
    households, cents = session.execute(sa.select(sa.func.count(), _cents(units.c.area))).one()
    return counts, area, rules.Measure(people, households, Decimal(int(cents)).scaleb(-2))


def _count(session, proposal: Proposal) -> rules.Tally:
    eligible = rules.Measure(proposal.eligible_people, proposal.eligible_households,
                             Decimal(proposal.eligible_area_m2))
    return rules.decide(proposal.rule.value, eligible, *_totals(session, proposal.id, proposal.rule.value),
                        Fraction(proposal.quorum))


def fresh_count(proposal: Proposal, session=None) -> rules.Tally:
    """Count from scratch — the roll and the votes, nothing stored on the proposal: for the close and the tests."""
    session = session or db.session
    roll = [rules.RollLine(user_id, unit_id, Decimal(area))
            for user_id, unit_id, area in session.execute(
                sa.select(RollEntry.user_id, RollEntry.unit_id, RollEntry.area_m2)
                .where(RollEntry.proposal_id == proposal.id))]
    return rules.tally(proposal.rule.value, rules.electorate(roll), _ballots(session, proposal.id),
                       Fraction(proposal.quorum))


def _tally_json(proposal: Proposal, tally: rules.Tally, seq: int, status: ProposalStatus | None = None) -> dict:
    return payloads.tally_json(proposal_id=proposal.id, status=(status or proposal.status).value,
                               rule=proposal.rule.value, secret=proposal.secret, closes_at=proposal.closes_at,
                               seq=seq, tally=tally, hide_totals=proposal.hide_totals)


# --- closing -------------------------------------------------------------------------------

def close_ballot(actor, proposal: Proposal) -> Proposal:
    """The secretary closes a ballot early. Raises NotFound, Forbidden, Conflict (not voting)."""
    if not permissions.can_view_proposal(actor, proposal):
        raise NotFound()
    if not permissions.can_close_ballot(actor, proposal):
        raise Forbidden(_l("Only the secretary closes ballots."))
    closed = _close(proposal.id, closer_id=actor.id)
    if closed is None:
        db.session.refresh(proposal)
        if proposal.status == ProposalStatus.draft:
            raise Conflict(_l("This proposal has not been put to a vote yet."))
        raise Conflict(_l("This ballot is already closed."))
    return closed


def close_due_ballots() -> list[int]:
    """Close every ballot whose deadline has passed (the scheduler's job). Returns the ids it closed."""
    now = clock.now()
    due = db.session.scalars(sa.select(Proposal.id).where(
        Proposal.status == ProposalStatus.voting, Proposal.closes_at <= now).order_by(Proposal.closes_at)).all()
    db.session.rollback()  # end the read before each close takes its lock
    closed = []
    for proposal_id in due:
        if _close(proposal_id, closer_id=None) is not None:
            closed.append(proposal_id)
    return closed


def _close(proposal_id: int, *, closer_id: int | None) -> Proposal | None:
    """Close if still voting: lock, count afresh, decide, store the final tally, publish
    `proposal.decided`. None if someone else closed it first (or it is not voting)."""
    session = db.session
    if not _lock(session, proposal_id, for_votes=False, now=clock.now()):
        session.rollback()
        return None
    now = clock.now()  # under the lock: later than every vote counted
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    tally = fresh_count(proposal, session)
    status = ProposalStatus.adopted if tally.passing else ProposalStatus.rejected
    proposal.final_tally = _tally_json(proposal, tally, proposal.tally_seq, status)
    proposal.status = status
    proposal.closed_at = now
    proposal.closed_by_id = closer_id
    proposal.updated_at = now
    session.flush()
    # the room hears the decision before the roll's notifications of it (both after the commit)
    events.publish("proposal.decided", rooms.topic(proposal.topic_id), payloads.proposal_json(proposal,
                   tally=proposal.final_tally))
    signals.proposal_closed.send(proposal, session=session)
    session.commit()
    log.info("ballot %s closed %s: %s", proposal_id, "by user %s" % closer_id if closer_id else "on time",
             status.value)
    return proposal


def decision_record(actor, proposal: Proposal) -> dict:
    """协商纪要: what the printable record shows. Only for closed ballots. Raises NotFound, Conflict."""
    if not permissions.can_view_proposal(actor, proposal):
        raise NotFound()
    if not proposal.is_closed:
        raise Conflict(_l("The record is made when the ballot closes."))
    secretaries = db.session.scalars(sa.select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.courtyard_id == proposal.topic.courtyard_id, Membership.status == MembershipStatus.active,
        Membership.role == Role.secretary).order_by(User.id)).all()
    return {"proposal": proposal, "topic": proposal.topic, "courtyard": proposal.topic.courtyard,
            "tally": proposal.final_tally, "secretaries": secretaries,
            "turnout": turnout(actor, proposal) if permissions.can_see_turnout(actor, proposal) else None}


# --- reaching the roll: closing reminders, the not-yet-voted list, reminding a household ---

REMINDER_THRESHOLDS = (24, 2)  # hours before the close: the roll's people who have not voted hear of it
REMIND_EVERY = timedelta(hours=12)  # a moderator reminds one household of one ballot at most this often


def closing_reminders_due(opened_at: datetime, closes_at: datetime, now: datetime,
                          sent: dict[int, bool]) -> list[int]:
    """Which reminders (24, 2: hours before the close) are due now, of those not `sent` yet.

    A threshold is due once the close is that near, if the ballot was opened with at least
    that long to go; a reminder the scheduler missed (the server was down) is skipped when a
    nearer one is due too: only the nearest is sent. Pure: tested with a table of cases.
    """
    if now >= closes_at:
        return []
    due = [h for h in REMINDER_THRESHOLDS if not sent.get(h) and closes_at - opened_at >= timedelta(hours=h)
           and closes_at - now <= timedelta(hours=h)]
    return due[-1:]


def remind_closing_ballots() -> dict[int, list[int]]:
    """The scheduler's job: tell each open ballot's roll (those who have not voted) that it
    closes within 24 h, and within 2 h — once per ballot and threshold, in any number of
    processes (each reminder is claimed by a conditional UPDATE of reminded_24h_at /
    reminded_2h_at: one process wins). Returns the hours sent, by ballot id."""
    now = clock.now()
    horizon = now + timedelta(hours=max(REMINDER_THRESHOLDS))
    rows = db.session.execute(sa.select(
        Proposal.id, Proposal.opened_at, Proposal.closes_at, Proposal.reminded_24h_at, Proposal.reminded_2h_at)
        .where(Proposal.status == ProposalStatus.voting, Proposal.closes_at <= horizon, Proposal.closes_at > now,
               sa.or_(Proposal.reminded_24h_at.is_(None), Proposal.reminded_2h_at.is_(None)))
        .order_by(Proposal.closes_at, Proposal.id)).all()
    db.session.rollback()  # end the read: each reminder is its own short transaction
    columns = {24: Proposal.reminded_24h_at, 2: Proposal.reminded_2h_at}
    sent: dict[int, list[int]] = {}
    for row in rows:
        done = {24: row.reminded_24h_at is not None, 2: row.reminded_2h_at is not None}
        for hours in closing_reminders_due(row.opened_at, row.closes_at, now, done):
            # claim this threshold and every farther one still open (a missed 24 h is not sent late)
            claim = {columns[h]: now for h in REMINDER_THRESHOLDS if h >= hours and not done[h]}
            try:
                won = db.session.execute(sa.update(Proposal).where(
                    Proposal.id == row.id, Proposal.status == ProposalStatus.voting, columns[hours].is_(None))
                    .values(claim).execution_options(synchronize_session=False)).rowcount == 1
                if not won:
                    db.session.rollback()
                    continue
                proposal = db.session.get(Proposal, row.id)
                signals.ballot_closing_soon.send(proposal, hours=hours)
                db.session.commit()
                sent.setdefault(row.id, []).append(hours)
            except Exception:  # one ballot's trouble must not stop the others
                log.exception("closing reminder failed on proposal %s", row.id)
                db.session.rollback()
    return sent


@dataclass(frozen=True)
class Household:
    """A line of the not-yet-voted list: a flat (or a person on the roll without one), its
    people on the roll, and which of them have no vote counted for them yet."""

    key: str  # "h:<unit id>", or "u:<user id>" for a person without a unit
    unit: Unit | None
    people: tuple[tuple[User, bool], ...]  # (person, is_owner) on the roll, active members
    waiting: tuple[User, ...]  # of them, those with no vote counted for them (the household's, under the unit rules)
    voted: bool  # nobody left waiting (a flat no one on the platform can vote for never has voted)
    reminded_at: datetime | None
    next_reminder_at: datetime | None  # None: may be reminded now (or not at all: not voting)

    @property
    def can_remind(self) -> bool:
        return bool(self.waiting) and self.open and self.next_reminder_at is None

    open: bool = True  # the ballot is voting


def household_key(unit_id: int | None, user_id: int | None) -> str:
    return f"h:{unit_id}" if unit_id is not None else f"u:{user_id}"


def roll_households(actor, proposal: Proposal, *, voted: bool | None = None) -> list[Household]:
    """The roll by household, for the moderators (building leads, the secretary): who has not
    voted yet, and when each household was last reminded. `voted` filters (False: the
    not-yet-voted list). Never anyone's choice. Raises NotFound, Forbidden."""
    if not permissions.can_view_proposal(actor, proposal):
        raise NotFound()
    if not permissions.can_follow_up(actor, proposal):
        raise Forbidden(_l("Only the building lead and the secretary see who has not voted yet."))
    out = [h for h in _households(proposal) if voted is None or h.voted == voted]
    # those someone can be reached in first (a flat no one on the platform can vote for: last)
    out.sort(key=lambda h: (not h.people, h.unit.label if h.unit else "~",
                            h.people[0][0].display_name if h.people else ""))
    return out


def _households(proposal: Proposal) -> list[Household]:
    courtyard_id = proposal.topic.courtyard_id
    active = set(db.session.scalars(sa.select(Membership.user_id).where(
        Membership.courtyard_id == courtyard_id, Membership.status == MembershipStatus.active)))
    voted_keys = set(db.session.scalars(sa.select(Vote.voter_key).where(Vote.proposal_id == proposal.id)))
    reminded = {r.household: r.last_sent_at for r in db.session.scalars(
        sa.select(BallotReminder).where(BallotReminder.proposal_id == proposal.id))}
    groups: dict[str, dict] = {}
    for e in db.session.scalars(sa.select(RollEntry).where(RollEntry.proposal_id == proposal.id)
                                .order_by(RollEntry.id)):
        if e.user_id is not None and e.user_id not in active:
            continue  # left the courtyard: can no longer vote
        key = household_key(e.unit_id, e.user_id)
        g = groups.setdefault(key, {"unit": e.unit, "people": [], "waiting": []})
        if e.user is not None:
            g["people"].append((e.user, e.is_owner))
            if e.voter_key not in voted_keys:
                g["waiting"].append(e.user)
        elif e.voter_key in voted_keys:
            g["voted_for"] = True
    now = clock.now()
    out = []
    for key, g in groups.items():
        at = reminded.get(key)
        next_at = at + REMIND_EVERY if at is not None and proposal.status == ProposalStatus.voting else None
        out.append(Household(key=key, unit=g["unit"], people=tuple(g["people"]), waiting=tuple(g["waiting"]),
                             voted=not g["waiting"] and (bool(g["people"]) or g.get("voted_for", False)),
                             reminded_at=at, next_reminder_at=next_at if next_at and next_at > now else None,
                             open=proposal.status == ProposalStatus.voting))
    return out


def find_household(proposal: Proposal, *, unit_id=None, user_id=None) -> Household | None:
    """The roll's household of that unit, or of that person when they have no unit."""
    unit, user = parse_id(unit_id) if unit_id is not None else None, parse_id(user_id) if user_id is not None else None
    for h in _households(proposal):
        if unit is not None and h.key == f"h:{unit}":
            return h
        if user is not None and (h.key == f"u:{user}" or any(p.id == user for p, _o in h.people)):
            return h
    return None


def remind_household(actor, proposal: Proposal, *, unit_id=None, user_id=None) -> Household:
    """提醒: a building lead or the secretary reminds one household of the roll that it has not
    voted yet (its people who have no vote counted hear of it, in the app and outbound). At most
    once per household and ballot in REMIND_EVERY: the claim is a conditional UPDATE (or the
    INSERT of the household's row, guarded by its unique constraint), so it holds across
    processes. Raises NotFound, Forbidden, Conflict (not voting, nobody left to remind),
    Invalid (no such household), RateLimited (with when it can be sent again)."""
    if not permissions.can_view_proposal(actor, proposal):
        raise NotFound()
    if not permissions.can_follow_up(actor, proposal):
        raise Forbidden(_l("Only the building lead and the secretary remind neighbours."))
    if proposal.status != ProposalStatus.voting:
        raise Conflict(_l("Voting on this proposal has closed."))
    if unit_id is None and user_id is None:
        raise Invalid(fields={"unit_id": _l("Choose a household on the roll.")})
    household = find_household(proposal, unit_id=unit_id, user_id=user_id)
    if household is None:
        raise Invalid(fields={"unit_id" if unit_id is not None else "user_id": _l("Choose a household on the roll.")})
    if not household.waiting:
        raise Conflict(_l("This household has voted already: there is no one to remind."))
    now = clock.now()
    claimed = db.session.execute(sa.update(BallotReminder).where(
        BallotReminder.proposal_id == proposal.id, BallotReminder.household == household.key,
        BallotReminder.last_sent_at <= now - REMIND_EVERY).values(
        last_sent_at=now, last_sent_by_id=actor.id, times=BallotReminder.times + 1)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not claimed:
        last = db.session.scalar(sa.select(BallotReminder.last_sent_at).where(
            BallotReminder.proposal_id == proposal.id, BallotReminder.household == household.key))
        if last is not None:
            db.session.rollback()
            raise _too_soon(last, now)
        db.session.add(BallotReminder(proposal_id=proposal.id, household=household.key, last_sent_at=now,
                                      last_sent_by_id=actor.id, times=1))
        try:
            db.session.flush()
        except IntegrityError:  # another process reminded this household at the same moment
            db.session.rollback()
            raise _too_soon(now, now) from None
    signals.ballot_reminder_sent.send(proposal, actor=actor, user_ids=[u.id for u in household.waiting],
                                      unit_id=household.unit.id if household.unit else None)
    db.session.commit()
    return next(h for h in _households(proposal) if h.key == household.key)


def _too_soon(last: datetime, now: datetime) -> RateLimited:
    from ..timefmt import when
    again = last + REMIND_EVERY
    return RateLimited(_l("This household was reminded less than 12 hours ago. You can remind it again at %(when)s.",
                          when=when(again)),
                       retry_after=max(1, int((again - now).total_seconds())))
