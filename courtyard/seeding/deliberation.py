"""Demo topics for `flask seed-demo`: the matters a 1980s walk-up block really raises.

A step of seeding/demo.py (it receives the `Demo` with its users). Idempotent: a topic
is found by its courtyard and title, messages by their client_id, support is per person;
statuses and pins are set only when the topic is made. Everything goes through the
services (the pin, a moderation fact, is set directly); times are set back a few days so
that the demo reads like a lived-in courtyard.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import clock
from ..deliberation import services
from ..deliberation.models import Topic
from ..errors import Forbidden
from ..extensions import db
from ..places.models import Building, Community, Courtyard

GUYUAN = ("芳古园一区社区", "1号楼")
QUNYUAN = ("芳群园四区社区", "3号楼")

# (courtyard, author, title, category, body, days ago, status moves by the secretary/lead,
#  pinned, supporters, [(author, message, minutes after the topic)])
TOPICS = (
    (GUYUAN, "owner", "楼下电动车棚没有充电桩，有人从楼道飞线充电", "facilities",
     "1号楼东侧的电动车棚只能停车不能充电。最近有邻居从二楼窗户拉电线下来给电瓶车充电，"
     "晚上线就搭在车棚顶上，下雨天很危险。\n建议：在车棚里装几个投币或扫码的充电桩，费用大家可以商量。",
     6, ("deliberating",), False, ("owner2", "tenant", "lead"),
     (("lead", "我去看过了，确实有两根线从 2 单元拉下来。我先跟这两户说一下，今晚别再拉了。", 40),
      ("owner2", "支持装充电桩！我家老人每天骑电动三轮买菜，现在只能推回家充。", 95),
      ("tenant", "租户也能用吗？我愿意按次付费。", 130),
      ("staff", "社区已经记录。街道今年有电动自行车充电设施的补贴，我们问一下物业能不能一起申请。", 600),
      ("secretary", "大家的意见我汇总一下：1. 装 4 个充电口；2. 按次扫码付费；3. 飞线先停。周六上午在车棚开个短会。", 1500))),
    (GUYUAN, "owner2", "2单元顶层漏雨，601、602 天花板渗水", "repairs",
     "这几场雨以后，2 单元 601 和 602 的卧室天花板都有水渍，墙皮起鼓，602 的灯座附近也湿了。\n"
     "屋面防水应该是十几年前做的，需要物业或者房管所来看看，能不能用维修资金。",
     3, (), True, ("tenant", "owner"),
     (("owner", "我们 1 单元顶层前年也漏过，后来物业补了一块，没过两年又漏。", 25),
      ("lead", "灯座附近湿了要注意安全，先把那一路的电闸关掉。我下午带物业的人上楼顶看看。", 60),
      ("owner2", "谢谢张师傅！已经关闸了。", 75))),
    (GUYUAN, "tenant", "晚上外来车辆停在消防通道，救护车进不来", "parking",
     "这周二晚上 10 点多，楼下消防通道被三辆外来车堵住，对面楼的老人叫了 120，救护车在路口等了好几分钟。\n"
     "能不能在通道两头画黄线、立个牌子，或者装个升降杆？",
     2, (), False, ("owner", "owner2"),
     (("owner", "这事太危险了，支持装杆。", 15),
      ("secretary", "我已经联系了街道城管办，下周来现场看。大家如果拍到占道车辆，可以发在这里（遮住车牌后面几位就行）。", 180))),
    (GUYUAN, "lead", "厨余垃圾桶每天傍晚就满了，建议加一次清运", "sanitation",
     "单元门口的厨余垃圾桶每天下午五六点就满，晚上大家只好放在桶边，招猫和苍蝇。\n"
     "建议：傍晚 6 点加一次清运，或者再加一个桶。",
     10, ("deliberating", "decided"), False, ("owner", "owner2", "tenant"),
     (("owner2", "再加一个桶最简单。", 30),
      ("staff", "和环卫所确认了：从下周一起每天 18:00 加收一次，并在 2 单元门口加一个厨余桶。", 2880),
      ("secretary", "已经决定，按社区说的办。下周一开始，大家留意一下效果。", 2900))),
    (GUYUAN, "secretary", "消防检查前，请各家清理楼道里的杂物", "safety",
     "街道下月初进行消防安全检查。楼道里的纸箱、旧家具、自行车请在月底前清走，"
     "确实需要帮忙搬运的老人请在下面留言，楼门长和志愿者来帮忙。",
     1, (), True, (),
     (("owner", "我家门口的两个纸箱今天就清走。", 20),
      ("owner2", "我家有个旧沙发搬不动，能帮忙吗？", 45),
      ("lead", "李师傅，周六上午我们来帮您抬下去。", 70))),
    (QUNYUAN, "owner_fqy", "楼前的杨树挡住了低层的阳光", "greening",
     "3 号楼南面几棵杨树已经长过四楼，一二层冬天几乎晒不到太阳，春天飞絮也很严重。\n希望能请园林部门来修剪一下。",
     4, (), False, ("lead_fqy",),
     (("lead_fqy", "这个要园林部门批，我先报到社区。", 50),)),
)


# Where each topic is (issue 12: place in the building, a note, a map point for some).
WHERE = {
    "楼下电动车棚没有充电桩，有人从楼道飞线充电": {"place": "bike_shed", "place_note": "1号楼东侧车棚",
                                           "latitude": 39.86472, "longitude": 116.43318},
    "2单元顶层漏雨，601、602 天花板渗水": {"place": "roof", "place_note": "2单元顶层"},
    "晚上外来车辆停在消防通道，救护车进不来": {"place": "common_area", "place_note": "小区北门消防通道",
                                         "latitude": 39.86511, "longitude": 116.43265},
    "厨余垃圾桶每天傍晚就满了，建议加一次清运": {"place": "entrance", "place_note": "2单元门口垃圾桶"},
    "消防检查前，请各家清理楼道里的杂物": {"place": "stairwell"},
    "楼前的杨树挡住了低层的阳光": {"place": "common_area", "place_note": "3号楼南侧"},
}


class _Clock:
    """A clock that stands at a given moment until moved (the demo's past)."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


def _courtyard(names: tuple[str, str]) -> Courtyard:
    community, building = names
    return db.session.scalars(sa.select(Courtyard).join(Building).join(Community).where(
        Community.name == community, Building.name == building)).one()


def seed_topics(demo) -> None:
    """Six topics in two courtyards, with support and a few messages each."""
    users = demo.users
    real = clock._clock
    start = real.now()
    try:
        for names, author, title, category, body, days, moves, pinned, supporters, messages in TOPICS:
            courtyard = _courtyard(names)
            topic = db.session.scalar(sa.select(Topic).where(Topic.courtyard_id == courtyard.id,
                                                             Topic.title == title))
            at = start - timedelta(days=days, hours=3)
            fake = _Clock(at)
            clock.use(fake)
            if topic is None:
                topic = services.create_topic(users[author], courtyard, title=title, body=body, category=category,
                                              **WHERE.get(title, {}))
                moderator = users["secretary"] if names == GUYUAN else users.get("lead_fqy")
                for status in moves:
                    services.change_status(moderator, topic, status)
                if pinned:
                    topic.pinned = True
                    db.session.commit()
            for i, (login, text, minutes) in enumerate(messages):
                fake.at = at + timedelta(minutes=minutes)
                try:
                    services.post_message(users[login], topic, body=text, client_id=f"demo-{topic.id}-{i}")
                except Forbidden:  # someone closed the topic since the last run: leave it so
                    db.session.rollback()
            for login in supporters:
                services.support(users[login], topic)
    finally:
        clock.use(real)
