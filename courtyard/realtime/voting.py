"""The `cast_vote` command (CONTRACT §5): parse, call voting.services.cast_vote, ack the tally."""
from __future__ import annotations

from ..voting import services
from .commands import command


@command("cast_vote")
def cast_vote(actor, data):
    """Vote on a ballot; the ack carries the tally right after this vote was counted."""
    outcome = services.cast_vote(actor, data.get("proposal_id"), data.get("choice"))
    return {"tally": outcome.tally, "replaced": outcome.replaced}
