"""Demo ballots for `flask seed-demo`, on the demo topics of seeding/deliberation.py.

A step of seeding/demo.py. In 芳古园一区 1号楼:

* 电动车棚 (e-bike shed): 在车棚北墙安装 4 个扫码充电口 — a Civil Code ballot (owners of
  ≥ 2/3 of the area and of the flats must take part), open for a week from the day of
  seeding, with two owners' votes in; and a second proposal waiting for the secretary.
* 消防通道 (fire lane): 通道两头画黄线、立禁停牌 — a secret majority ballot that opened two
  days ago and closed by itself yesterday: adopted, with its decision record (协商纪要).

Idempotent: a proposal is found by its topic and title and made only if missing; everything
goes through the services, with the clock set back for the ballot of the past.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import clock
from ..deliberation.models import Topic
from ..errors import DomainError
from ..extensions import db
from ..voting import services
from ..voting.models import Proposal

EBIKE_TOPIC = "楼下电动车棚没有充电桩，有人从楼道飞线充电"
FIRE_LANE_TOPIC = "晚上外来车辆停在消防通道，救护车进不来"


class _At:
    """A clock standing at a chosen moment (the demo's past)."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


def _topic(title: str) -> Topic | None:
    return db.session.scalar(sa.select(Topic).where(Topic.title == title).order_by(Topic.id))


def _proposal(topic: Topic, title: str) -> Proposal | None:
    return db.session.scalar(sa.select(Proposal).where(Proposal.topic_id == topic.id, Proposal.title == title))


def _propose(topic, author, title, body) -> tuple[Proposal, bool]:
    found = _proposal(topic, title)
    if found is not None:
        return found, False
    return services.create_proposal(author, topic, title=title, body=body), True


def seed_ballots(demo) -> None:
    """A ballot open now (Civil Code), a draft, and a closed ballot with its record."""
    users = demo.users
    ebike, fire_lane = _topic(EBIKE_TOPIC), _topic(FIRE_LANE_TOPIC)
    real = clock._clock
    now = real.now()
    try:
        if ebike is not None:
            p, made = _propose(ebike, users["secretary"], "在车棚北墙安装 4 个扫码充电口，按次付费",
                               "由物业联系有资质的厂家安装 4 个带自动断电的充电口，扫码按次付费（约 1 元/次），"
                               "安装费约 6,000 元，申请街道电动自行车充电设施补贴，不足部分由物业承担。\n"
                               "装好以后，楼道飞线充电一律拆除。")
            if made:
                services.open_ballot(users["secretary"], p, rule="civil_code", secret=False,
                                     closes_at=(now + timedelta(days=7)).replace(hour=12, minute=0, second=0,
                                                                                  microsecond=0))
                for login, choice in (("owner", "yes"), ("owner2", "yes")):
                    services.cast_vote(users[login], p, choice)
            _propose(ebike, users["owner2"], "先由物业统一采购两个移动充电柜，放在车棚门口",
                     "移动充电柜不用改线路，一周内就能用上；费用按使用次数分摊。")
        if fire_lane is not None and _proposal(fire_lane, "消防通道两头画黄线、立禁停牌") is None:
            opened = now - timedelta(days=2)
            clock.use(_At(opened))
            p = services.create_proposal(users["secretary"], fire_lane, title="消防通道两头画黄线、立禁停牌",
                                         body="请街道城管办在通道两头画黄色禁停线，立“消防通道 禁止停车”牌；"
                                              "夜间由楼门长轮流提醒。")
            services.open_ballot(users["secretary"], p, rule="majority", secret=True, quorum="0.5",
                                 closes_at=opened + timedelta(days=1))
            for hours, (login, choice) in enumerate((("owner", "yes"), ("owner2", "yes"), ("tenant", "yes"),
                                                     ("lead", "abstain")), start=1):
                clock.use(_At(opened + timedelta(hours=hours)))
                services.cast_vote(users[login], p, choice)
            clock.use(_At(opened + timedelta(days=1, minutes=1)))
            services.close_due_ballots()
    except DomainError:  # someone changed the demo since: leave it as it is
        db.session.rollback()
    finally:
        clock.use(real)
