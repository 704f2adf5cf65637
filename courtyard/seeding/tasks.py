"""Demo tasks for `flask seed-demo`: the demo topics handed to the property companies and departments.

A step of seeding/demo.py, after the ballots (it receives the `Demo` with its users).
Idempotent: a task is found by its topic and organization and made only if missing.
Everything goes through the services, on a clock set back to when it happened, so that
the timelines read like real ones:

* 厨余垃圾桶: done with a photo, accepted by the building lead, rated by three neighbours;
* 2单元顶层漏雨: in progress at the property company;
* 电动车棚: just assigned (the property manager can take it on in the demo);
* 消防通道: the ballot adopted yesterday (seeding/voting.py) became a task for the
  street's city management office, due six hours later; it is overdue, and the service
  clock escalated it to 芳古园一区社区 (level 1), whose staff have not yet acknowledged
  it — it waits in their escalations inbox. That community keeps its own, stricter
  service clock (policy is data);
* 杨树 (芳群园四区): done by the district's city management, waiting for the building lead.
"""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from .. import clock
from ..deliberation.models import Topic
from ..extensions import db
from ..places.models import Community, Organization
from ..tasks import clock as service_clock
from ..tasks import policy as service_policy
from ..tasks import services
from ..tasks.models import Task, TaskPolicy
from ..uploads.services import store_upload
from ..voting.models import Proposal

PROPERTY = "北京方庄物业管理有限责任公司"
CITY_MANAGEMENT = "丰台区城市管理委员会"
STREET_OFFICE = "方庄街道城市管理办公室"

GUYUAN = "芳古园一区社区"
# 芳古园一区's own clock: remind 6 h before; the community after 8 h late, the street after 48 h.
GUYUAN_POLICY = {"reminder_hours": 6, "level1_after_hours": 8, "level2_after_hours": 48}

# (topic title, adopted proposal's title or None, organization, dispatched by, days ago,
#  hours given (None: the service time), steps [(who, status or None for a note, note, hours after, photo?)],
#  verification (who, accepted, note, hours after) or None, ratings [(who, score)], run the clock?)
TASKS = (
    ("厨余垃圾桶每天傍晚就满了，建议加一次清运", None, PROPERTY, "secretary", 9, None,
     (("property", "accepted", "收到，今天联系环卫所。", 2, False),
      ("property", "in_progress", "环卫所同意每天 18:00 加收一次，新桶周五到。", 20, False),
      ("property", "done", "2 单元门口已加一个厨余桶，傍晚加收已开始。", 70, True)),
     ("lead", True, "这几天傍晚看了，桶边没有再堆垃圾。", 96),
     (("owner", "satisfied"), ("owner2", "basically_satisfied"), ("tenant", "satisfied")), False),
    ("2单元顶层漏雨，601、602 天花板渗水", None, PROPERTY, "secretary", 2, None,
     (("property", "accepted", "明天上午带防水师傅上屋面查看。", 1, False),
      ("property", "in_progress", "屋面东北角防水层开裂，已报维修资金，材料周一到。", 22, True)),
     None, (), False),
    ("楼下电动车棚没有充电桩，有人从楼道飞线充电", None, PROPERTY, "secretary", 0.2, None, (), None, (), False),
    ("晚上外来车辆停在消防通道，救护车进不来", "消防通道两头画黄线、立禁停牌", STREET_OFFICE, "secretary", 0.95, 6,
     (), None, (), True),
    ("楼前的杨树挡住了低层的阳光", None, CITY_MANAGEMENT, "staff_fqy", 3, None,
     (("dept", "accepted", "已安排园林队现场查看。", 3, False),
      ("dept", "in_progress", "已办理修剪审批。", 26, False),
      ("dept", "done", "3 号楼南侧杨树已修剪至三层以下，飞絮枝条已清理。", 50, True)),
     None, (), False),
)


class _Clock:
    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


def _photo(user, seed: int) -> int:
    """A small made-up picture of the finished work (the demo has no camera)."""
    img = Image.new("RGB", (480, 360), (196, 186, 170))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 250, 480, 360), fill=(120, 110, 100))
    draw.rectangle((60 + seed * 20, 120, 200 + seed * 20, 300), fill=(40, 110, 60), outline=(20, 60, 30), width=4)
    out = io.BytesIO()
    img.save(out, "PNG")
    return store_upload(user, FileStorage(io.BytesIO(out.getvalue()), filename="after.png")).id


def _guyuan_policy(demo) -> None:
    community = db.session.scalar(sa.select(Community).where(Community.name == GUYUAN))
    if community is None or db.session.scalar(sa.select(sa.exists().where(TaskPolicy.community_id == community.id))):
        return
    service_policy.set_policy(demo.users["staff"], community, **GUYUAN_POLICY)


def seed_tasks(demo) -> None:
    """Five tasks in every state; the street's default policy, and one community's own."""
    service_policy.ensure_street_defaults()
    _guyuan_policy(demo)
    users = demo.users
    real = clock._clock
    start = real.now()
    try:
        for n, (title, proposal_title, org_name, by, days, hours, steps, verification, ratings,
                run_clock) in enumerate(TASKS):
            topic = db.session.scalar(sa.select(Topic).where(Topic.title == title).order_by(Topic.id))
            org = db.session.scalar(sa.select(Organization).where(Organization.name == org_name))
            if topic is None or org is None:
                continue
            if db.session.scalar(sa.select(sa.exists().where(Task.topic_id == topic.id,
                                                             Task.assignee_org_id == org.id))):
                continue
            proposal = None
            if proposal_title:
                proposal = db.session.scalar(sa.select(Proposal).where(Proposal.topic_id == topic.id,
                                                                       Proposal.title == proposal_title))
                if proposal is None or proposal.status.value != "adopted":
                    continue
            at = start - timedelta(days=days)
            fake = _Clock(at)
            clock.use(fake)
            due = (at + timedelta(hours=hours)).isoformat() if hours else None
            task = services.create_task(users[by], topic, proposal=proposal, assignee_org_id=org.id, due_at=due)
            for who, status, note, after, photo in steps:
                fake.at = at + timedelta(hours=after)
                photos = [_photo(users[who], n)] if photo else None
                services.add_update(users[who], task, status=status, note=note, photo_ids=photos)
            if verification:
                who, accepted, note, after = verification
                fake.at = at + timedelta(hours=after)
                services.verify(users[who], task, accepted=accepted, note=note)
            for who, score in ratings:
                services.rate(users[who], task, score=score)
            if run_clock:  # the clock ran when the task crossed the community's threshold, and now
                fake.at = min(start, task.due_at + timedelta(hours=GUYUAN_POLICY["level1_after_hours"], minutes=5))
                service_clock.run_service_clock()
                fake.at = start
                service_clock.run_service_clock()
    finally:
        clock.use(real)
