"""JSON shapes of proposals, tallies and votes: the same for the API, acks and events.

Nothing here ever carries another person's choice in a secret ballot: a tally holds only
counts, a proposal only its tally, and `vote_json` is built for the voter alone.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ..dbtypes import iso
from ..deliberation.payloads import author_json
from . import rules
from .models import Proposal, Vote


def _num(value: Decimal | int) -> float | int:
    return float(value) if isinstance(value, Decimal) else value


def _measure(m: rules.Measure) -> dict:
    return {"people": m.people, "households": m.households, "area_m2": float(m.area)}


def threshold_json(t: rules.Threshold) -> dict:
    out = {"kind": t.kind, "measure": t.measure, "need": rules.fraction_text(t.need), "strict": t.strict,
           "have": _num(t.have), "of": _num(t.of), "met": t.met}
    if t.short is not None:
        out["short"] = _num(t.short)
        out["target"] = _num(t.target)
    return out


def tally_json(*, proposal_id: int, status: str, rule: str, secret: bool, closes_at: datetime | None,
               seq: int, tally: rules.Tally, hide_totals: bool = False) -> dict:
    """CONTRACT §4's tally, plus: the area behind each choice, each threshold (for the quorum
    meter), the quorum, `secret`, `closes_at`, and `seq` (newer tallies have higher ones).

    A secret ballot that hides its totals (`hide_totals`) shows turnout only while voting:
    `counts`, `area_m2` and `passing` are null and the approval thresholds left out, for
    everyone (`totals_hidden`: true). At the close everything is shown. This is the one place
    every tally — the API's, the acks', `vote.tallied`'s, the pages' — is built.
    """
    hidden = bool(hide_totals) and status == "voting"
    return {
        "proposal_id": proposal_id, "status": status, "rule": rule, "secret": secret,
        "totals_hidden": hidden,
        "counts": None if hidden else dict(tally.counts),
        "area_m2": None if hidden else {c: float(a) for c, a in tally.area.items()},
        "eligible": _measure(tally.eligible),
        "participation": _measure(tally.participation),
        "quorum": rules.fraction_text(tally.quorum),
        "quorum_met": tally.quorum_met, "passing": None if hidden else tally.passing,
        "thresholds": [threshold_json(t) for t in tally.thresholds if not (hidden and t.kind == "approval")],
        "closes_at": iso(closes_at), "seq": seq,
    }


def proposal_json(p: Proposal, *, tally: dict | None = None, viewer_extras: dict | None = None) -> dict:
    """A proposal; `tally` is its live or final tally (None for a draft). `viewer_extras`
    (my_vote, can_vote …) only in answers to one person, never in events."""
    out = {
        "id": p.id, "topic_id": p.topic_id, "courtyard_id": p.topic.courtyard_id,
        "title": p.title, "body": p.body, "author": author_json(p.author), "status": p.status.value,
        "rule": p.rule.value if p.rule else None, "secret": p.secret, "hide_totals": p.hide_totals,
        "quorum": rules.fraction_text(rules.Fraction(p.quorum)) if p.rule else None,
        "opened_at": iso(p.opened_at), "opened_by": author_json(p.opened_by) if p.opened_by else None,
        "closes_at": iso(p.closes_at), "closed_at": iso(p.closed_at),
        "closed_by": author_json(p.closed_by) if p.closed_by else None,
        "closed_automatically": p.is_closed and p.closed_by_id is None,
        "created_at": iso(p.created_at), "updated_at": iso(p.updated_at),
        "tally": tally,
    }
    if viewer_extras:
        out.update(viewer_extras)
    return out


def vote_json(v: Vote, viewer_id: int, *, secret: bool) -> dict:
    """A vote as its voter (or, in an open ballot, a member of the same household) sees it."""
    mine = v.user_id == viewer_id
    return {
        "proposal_id": v.proposal_id,
        "choice": v.choice.value if (mine or not secret) else None,
        "by_me": mine and v.assisted_by_id is None,
        "cast_for": author_json(v.user),
        "assisted": v.assisted_by_id is not None,
        "assisted_by": author_json(v.assisted_by) if v.assisted_by else None,
        "witness": v.witness if mine else None,
        "created_at": iso(v.created_at), "updated_at": iso(v.updated_at),
    }
