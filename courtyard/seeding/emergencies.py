"""Demo emergencies for `flask seed-demo`: the heating main that broke under two buildings of
芳古园一区 (after the 丽源路 55/56号院 story: a main in a 暖井 rusted through in two places,
741 households without heating, a night of repairs, 敲门送暖 for the elderly living alone).

A step of seeding/demo.py, after the tasks. Idempotent: a notice is found by its community
and title, a household's flags are set only when it has none. Everything goes through the
services, on a clock set back to when it happened:

* 供暖主管道破裂 (active, 1号楼 and 2号楼): posted 14 hours ago, two progress updates, the
  door-to-door checklist half done — one household needs help (an electric heater brought);
* 电力线路检修 (resolved ten days ago, 5号楼): on the 公示栏 with its whole timeline;
* flagged households (独居/空巢/行动不便) in 1号楼, 2号楼 and 5号楼, kept by the community's
  staff and the building lead.
"""
from __future__ import annotations

from datetime import timedelta, timezone

import sqlalchemy as sa

from .. import clock
from ..emergencies import services
from ..emergencies.models import HouseholdFlag, Notice
from ..extensions import db
from ..places.models import Building, Community, Courtyard, Unit

GUYUAN = "芳古园一区社区"

# building, flat, flags, note, set by
FLAGS = (
    ("1号楼", "1单元302", ("empty_nest",), "空巢老人，子女在外地，冬天怕冷", "lead"),
    ("1号楼", "1单元601", ("living_alone", "limited_mobility"), "独居，84岁，腿脚不便，家中没有电暖气", "staff"),
    ("1号楼", "2单元402", ("living_alone",), "独居老人，听力不好，敲门要用力", "lead"),
    ("1号楼", "2单元602", ("limited_mobility",), "坐轮椅，顶层，停电停水时需送水上楼", "staff"),
    ("2号楼", "1单元201", ("empty_nest",), "老两口，老伴有心脏病", "staff"),
    ("2号楼", "1单元502", ("living_alone", "empty_nest"), "独居，女儿每周来一次", "staff"),
    ("5号楼", "2单元101", ("limited_mobility",), "行动不便，家属联系电话在社区台账", "staff"),
)

HEATING_TITLE = "供暖主管道破裂，1号楼、2号楼暂停供暖"
HEATING_BODY = ("物业水暖工巡查发现，暖井下供暖主管道老化锈蚀破裂，两处漏水。已关闭1号楼、2号楼的供暖阀门，"
                "正在泄水抢修，社区已上报街道并启动应急机制。\n家中有老人的请注意保暖；独居、空巢、行动不便的老人，"
                "社区和楼门长会逐户上门看望。需要帮助请联系楼门长张德明或社区工作人员。")
HEATING_UPDATES = (
    (4, "暖井空间狭小，两处漏点不能同时维修。第一处正在更换管道，预计今晚完成。"),
    (13, "经过十几个小时连续抢修，第一处管道更换焊接完成。物业水暖工已连续作业，街道城市管理办公室应急队已接手"
         "第二处维修。社区向街道申请了电暖气，正在“敲门送暖”。"),
)
# flat of 1号楼 / 2号楼, outcome, note, who, hours after the notice
HEATING_VISITS = (
    ("1号楼", "1单元601", "needs_help", "家中只有 12 度，已送去电暖气一台，教会老人使用，晚上再来看一次。", "staff", 5),
    ("1号楼", "1单元302", "ok", "老两口在家，开了空调，有厚被子，不需要帮助。", "lead", 6),
    ("2号楼", "1单元201", "ok", "已电话联系女儿，今晚接老人去她家住。", "secretary", 7),
)

POWER_TITLE = "电力线路检修，5号楼上午停电"
POWER_BODY = "供电公司检修 5 号楼进线电缆，上午 8:30 至 12:00 停电。请提前给手机充好电，冰箱少开门。"
POWER_UPDATES = ((2, "检修进行中，预计按时恢复。5号楼2单元101 行动不便的老人，社区已上门送了热水。"),)
POWER_RESOLVED = (3 + 10 / 60, "11:40 已恢复供电。家中电器如有异常，请联系物业。")


class _Clock:
    def __init__(self, at):
        self.at = at

    def now(self):
        return self.at


def _courtyard(community: Community, building: str) -> Courtyard | None:
    return db.session.scalar(sa.select(Courtyard).join(Building, Building.id == Courtyard.building_id).where(
        Building.community_id == community.id, Building.name == building))


def _unit(courtyard: Courtyard, label: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.building_id == courtyard.building_id, Unit.label == label))


def _notice(community: Community, title: str) -> Notice | None:
    return db.session.scalar(sa.select(Notice).where(Notice.community_id == community.id, Notice.title == title))


def _flags(demo, community: Community) -> None:
    for building, label, kinds, note, who in FLAGS:
        courtyard = _courtyard(community, building)
        unit = _unit(courtyard, label) if courtyard else None
        if unit is None or db.session.scalar(sa.select(sa.exists().where(HouseholdFlag.unit_id == unit.id))):
            continue
        services.set_household_flags(demo.users[who], unit, kinds=list(kinds), note=note)


def _story(demo, community, fake, at, *, title, body, kind, buildings, updates, expected_hours,
           resolved=None, visits=()) -> None:
    courtyards = [c for c in (_courtyard(community, b) for b in buildings) if c is not None]
    if not courtyards or _notice(community, title) is not None:
        return
    staff = demo.users["staff"]
    fake.at = at
    expected = (at + timedelta(hours=expected_hours)).isoformat() if expected_hours else None
    notice = services.create_notice(staff, community, kind=kind, title=title, body=body,
                                    courtyard_ids=[c.id for c in courtyards], expected_end_at=expected)
    steps = [(h, "update", text) for h, text in updates] + [(h, "visit", v) for *v, h in visits]
    for hours, what, item in sorted(steps, key=lambda s: s[0]):
        fake.at = at + timedelta(hours=hours)
        if what == "update":
            services.add_update(staff, notice, text=item)
        else:
            building, label, outcome, note, who = item
            unit = _unit(_courtyard(community, building), label)
            services.record_visit(demo.users[who], notice, unit_id=unit.id, outcome=outcome, note=note)
    if resolved:
        hours, text = resolved
        fake.at = at + timedelta(hours=hours)
        services.resolve_notice(staff, notice, text=text)


def seed_emergencies(demo) -> None:
    """Flagged households, the heating main (active) and a power cut (resolved) in 芳古园一区."""
    community = db.session.scalar(sa.select(Community).where(Community.name == GUYUAN))
    if community is None or "staff" not in demo.users:
        return
    real = clock._clock
    start = real.now()
    fake = _Clock(start - timedelta(days=30))
    clock.use(fake)
    try:
        _flags(demo, community)
        # ten days ago, 08:30 Beijing time
        day = (start.astimezone(clock.LOCAL_TZ) - timedelta(days=10)).replace(hour=8, minute=30, second=0,
                                                                             microsecond=0)
        _story(demo, community, fake, day.astimezone(timezone.utc), title=POWER_TITLE, body=POWER_BODY, kind="power",
               buildings=("5号楼",), updates=POWER_UPDATES, expected_hours=3.5, resolved=POWER_RESOLVED)
        _story(demo, community, fake, start - timedelta(hours=14), title=HEATING_TITLE, body=HEATING_BODY,
               kind="heating", buildings=("1号楼", "2号楼"), updates=HEATING_UPDATES, expected_hours=20,
               visits=HEATING_VISITS)
    finally:
        clock.use(real)
