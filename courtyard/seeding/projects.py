"""Demo projects for `flask seed-demo`: the street's project pool (民生项目池).

A step of seeding/demo.py, after the tasks and emergencies. Idempotent: a project is found by
its title and made only if missing. Everything goes through the services, on a clock set back
to when it happened, so that the timelines read like real ones:

* 老旧小区电动车集中充电棚改造 (in progress, milestones 2/5, 街道民生资金 48 万, led by
  方庄街道城市管理办公室): taken on from 1号楼's 电动车棚 topic; two hours ago the community
  whistled the topic's task up to the office (吹哨, level 2) and it joined the project.
  Residents of 1号楼 (owner, tenant …) see it on their topic page and their courtyard's home;
* 雨污管线及屋面防水改造 (in progress, 1/4), linked to the 2单元顶层漏雨 topic;
* 芳城园二区加装电梯 (approved, 区财政 + 居民自筹), not linked yet: the pool shows it to staff;
* 垃圾分类驿站升级 (completed), linked to the 厨余垃圾桶 topic, which is closed: one of the
  dashboard's 难题解决.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from .. import clock
from ..deliberation.models import Topic
from ..errors import Conflict
from ..extensions import db
from ..places.models import Organization
from ..projects import services
from ..projects.models import Project
from ..tasks import services as tasks
from ..tasks.models import Task

STREET_OFFICE = "方庄街道城市管理办公室"
CITY_MANAGEMENT = "丰台区城市管理委员会"
HOUSING = "丰台区住房和城乡建设委员会"
PROPERTY = "北京方庄物业管理有限责任公司"

EV_TOPIC = "楼下电动车棚没有充电桩，有人从楼道飞线充电"
LEAK_TOPIC = "2单元顶层漏雨，601、602 天花板渗水"
BINS_TOPIC = "厨余垃圾桶每天傍晚就满了，建议加一次清运"

# title, owner, amount (yuan), source, note, days ago, summary, milestones [(title, due in days, done after hours)],
# link: ("topic", topic title) | ("topic+task", topic title: its task, escalated, joins two hours ago) | None, moves [(who, status, note, hours after)],
# progress [(who, text, hours after)]
PROJECTS = (
    ("老旧小区电动车集中充电棚改造", STREET_OFFICE, "480000", "street_fund", "街道民生资金，含 24 个扫码充电口和消防喷淋", 5,
     "芳古园一区 1号楼东侧车棚改建为集中充电棚：24 个扫码充电口、独立电表、烟感和喷淋，"
     "消除楼道飞线充电。由 1号楼电动车棚诉求和社区吹哨转入。",
     (("居民议事确定选址和收费方式", -3, 20), ("方案设计与消防审核", 2, 60), ("施工进场", 9, None),
      ("充电设备安装调试", 20, None), ("竣工验收", 30, None)),
     ("topic+task", EV_TOPIC),
     (("admin", "approved", "街道民生资金 48 万已批复。", 6), ("dept_fz", "in_progress", "施工单位已确定，下周进场。", 70)),
     (("dept_fz", "周六车棚议事会：选定东侧车棚原址改建，按次扫码付费，每度电 1 元。", 22),
      ("dept_fz", "消防审核通过，方案在 1号楼单元门口公示 5 天。", 62),
      ("dept_fz", "飞线已全部拆除，施工期间电动车临时停放在 2号楼北侧。", 100))),
    ("芳古园一区雨污管线及屋面防水改造", HOUSING, "860000", "maintenance_fund", "专项维修资金 62 万 + 区财政补贴 24 万", 2,
     "2单元顶层渗漏的根子在屋面防水层老化和雨水立管堵塞：整体翻做屋面防水，更换雨水立管，"
     "院内雨污分流改造。",
     (("维修资金使用表决", -1, 30), ("施工招标", 10, None), ("屋面防水施工", 25, None), ("竣工验收", 40, None)),
     ("topic", LEAK_TOPIC),
     (("admin", "approved", "维修资金使用已获业主表决通过。", 31), ("admin", "in_progress", "", 34)),
     (("admin", "住建委已到现场勘查，屋面东北角和雨水立管是主要渗漏点。", 33),)),
    ("芳城园二区加装电梯", HOUSING, "1280000", "district_finance", "区财政补贴每部 64 万，居民自筹约 16 万/部，共 2 部", 12,
     "芳城园二区 12号楼两个单元加装电梯。楼内 60 岁以上老人占四成，顶层老人下楼难。",
     (("意见征询（同意率达到三分之二）", -5, 100), ("规划公示", 15, None), ("施工许可", 40, None),
      ("电梯安装", 90, None), ("验收运行", 120, None)),
     None,
     (("admin", "approved", "区住建委已受理，纳入今年加装电梯计划。", 130),),
     ()),
    ("垃圾分类驿站升级", STREET_OFFICE, "120000", "street_fund", "街道民生资金", 9,
     "厨余垃圾桶傍晚满溢：驿站加装一组厨余桶、洗手台和除臭设备，傍晚加收一次。",
     (("选址", -8, 4), ("设备采购安装", -4, 60), ("试运行一周", -1, 160)),
     ("topic", BINS_TOPIC),
     (("admin", "approved", "", 2), ("dept_fz", "in_progress", "", 5), ("dept_fz", "completed", "试运行一周，桶边不再堆放垃圾。", 170)),
     (("dept_fz", "新厨余桶和洗手台已到位。", 58),)),
)


class _Clock:
    def __init__(self, at):
        self.at = at

    def now(self):
        return self.at


def _org(name: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(Organization.name == name))


def _topic(title: str) -> Topic | None:
    return db.session.scalar(sa.select(Topic).where(Topic.title == title).order_by(Topic.id))


def _escalated_task(demo, topic: Topic) -> Task | None:
    """The topic's task to its property company, whistled up to the street's city management office
    by the community (吹哨, level 2) — done here if it was not yet."""
    task = db.session.scalar(sa.select(Task).where(Task.topic_id == topic.id).order_by(Task.id))
    if task is None:
        return None
    if task.escalation_level < 2:
        office = _org(STREET_OFFICE)
        try:
            tasks.escalate(demo.users["staff"], task, to_org_id=office.id,
                           reason="车棚改造涉及场地、电力增容和资金，物业和社区解决不了，报街道城管办统筹。")
        except Conflict:
            db.session.rollback()
    return task


def seed_projects(demo) -> None:
    """Four projects of the pool in different states, linked to the demo's topics and an escalated task."""
    users = demo.users
    real = clock._clock
    start = real.now()
    try:
        for (title, owner, amount, source, note, days, summary, milestones, link, moves, progress) in PROJECTS:
            if db.session.scalar(sa.select(sa.exists().where(Project.title == title))):
                continue
            org = _org(owner)
            if org is None:
                continue
            at = start - timedelta(days=days)
            fake = _Clock(at)
            clock.use(fake)
            kind, topic = (link[0], _topic(link[1])) if link else (None, None)
            target = {"topic_id": topic.id} if topic is not None else {}
            fake.at = at + timedelta(minutes=30)
            project = services.create_project(
                demo.admin, title=title, owner_org_id=org.id, budget_amount=amount, budget_source=source,
                budget_note=note, summary=summary, **target,
                milestones=[{"title": m, "due_on": (start + timedelta(days=due)).date().isoformat()}
                            for m, due, _done in milestones])
            steps = [(hours, "move", who, status, text) for who, status, text, hours in moves]
            steps += [(hours, "note", who, None, text) for who, text, hours in progress]
            steps += [(done, "milestone", None, i, None) for i, (_m, _due, done) in enumerate(milestones)
                      if done is not None]
            for hours, what, who, arg, text in sorted(steps, key=lambda s: s[0]):
                fake.at = at + timedelta(hours=hours)
                if what == "move":
                    services.set_status(users[who], project, status=arg, note=text)
                elif what == "note":
                    services.post_update(users[who], project, text=text)
                else:
                    actor = users["dept_fz"] if org.name == STREET_OFFICE else demo.admin
                    services.reach_milestone(actor, project, project.milestones[arg].id)
            if kind == "topic+task" and topic is not None:
                fake.at = start - timedelta(hours=2)
                task = _escalated_task(demo, topic)
                if task is not None:
                    services.add_link(demo.admin, project, task_id=task.id)
                    services.post_update(users["dept_fz"], project,
                                         text="社区就 1号楼车棚任务向街道吹哨，已并入本项目统一推进。")
    finally:
        clock.use(real)
