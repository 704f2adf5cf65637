"""The demo ballots: one open under the Civil Code, a draft, and a closed one with its record."""
import sqlalchemy as sa

from courtyard.extensions import db
from courtyard.seeding.demo import seed_demo
from courtyard.voting import services
from courtyard.voting.models import Proposal, ProposalStatus, Vote


def test_demo_ballots_are_seeded_once(app):
    seed_demo()
    proposals = {p.title: p for p in db.session.scalars(sa.select(Proposal))}
    votes = db.session.scalar(sa.select(sa.func.count()).select_from(Vote))
    ebike = proposals["在车棚北墙安装 4 个扫码充电口，按次付费"]
    assert ebike.status == ProposalStatus.voting and ebike.rule.value == "civil_code"
    t = services.fresh_count(ebike)
    assert t.counts == {"yes": 2, "no": 0, "abstain": 0} and t.eligible.households == 24 and not t.quorum_met
    fire = proposals["消防通道两头画黄线、立禁停牌"]
    assert fire.status == ProposalStatus.adopted and fire.secret and fire.closed_by_id is None
    assert fire.final_tally["counts"] == {"yes": 3, "no": 0, "abstain": 1}
    assert sum(p.status == ProposalStatus.draft for p in proposals.values()) == 1
    seed_demo()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Proposal)) == len(proposals)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == votes
