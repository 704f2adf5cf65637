"""Demo districts for `flask seed-demo`: 方庄's five 片区治理服务站 (“古城群星紫”), after the
article on Fangzhuang's four ways: 芳古、芳城、芳群、芳星、紫芳, each a station where the
communities of its area share experience and pool resources for problems a single community
struggles with alone.

A step of seeding/demo.py, after the emergencies. Idempotent: a district is found by its name,
a community is put into a district only while it has none, an account by its login, a thread by
its district and title, a post by its thread, author and text, a case by its topic or thread.
Everything goes through the services (and 芳古园二区's building through the importer, with the
sheet's 片区 column), on a clock set back to when it happened:

* the districts, with the three demo communities assigned (芳古园一区 → 芳古片区, 芳群园四区 →
  芳群片区, 芳城园二区 → 芳城片区) and 芳古园二区社区 8号楼 imported into 芳古片区;
* `district` (韩立新, an account of demo.PEOPLE), staff of the 芳古片区治理服务站; `secretary_fg2` (李秀英), secretary of
  芳古园二区 8号楼;
* the 1号楼 topic about flying charging cables raised to 芳古片区 (吹哨) by `secretary`, with
  posts from both communities' secretaries, the station and the community's staff;
* a thread the station started on 老楼加装电梯 across the district, resolved and kept as an
  experience case, and the 厨余垃圾 topic (decided) kept as the second case.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from .. import clock
from ..accounts.models import User
from ..deliberation.models import Topic
from ..districts import services
from ..districts.models import DistrictPost, DistrictThread, ExperienceCase
from ..extensions import db
from ..places import services as places
from ..places.importer import import_records
from ..places.models import Building, Community, Courtyard, District, Membership
from .deliberation import _Clock

# name, station, address, the communities of its area (those in the demo are assigned)
DISTRICTS = (
    ("芳古片区", "芳古片区治理服务站", "芳古园一区社区服务站二层", ("芳古园一区社区", "芳古园二区社区")),
    ("芳城片区", "芳城片区治理服务站", "芳城园二区社区党群服务中心", ("芳城园一区社区", "芳城园二区社区", "芳城园三区社区")),
    ("芳群片区", "芳群片区治理服务站", "芳群园四区社区服务站", ("芳群园一区社区", "芳群园二区社区", "芳群园三区社区",
                                                   "芳群园四区社区")),
    ("芳星片区", "芳星片区治理服务站", "芳星园二区社区服务站", ("芳星园一区社区", "芳星园二区社区", "芳星园三区社区")),
    ("紫芳片区", "紫芳片区治理服务站", "紫芳园社区服务站", ("紫芳园社区", "芳城东里社区", "芳庄社区")),
)
GU2 = ("芳古园二区社区", "8号楼")

CHARGING_TOPIC = "楼下电动车棚没有充电桩，有人从楼道飞线充电"
CHARGING_REASON = ("1号楼车棚要装充电桩，物业报了电力增容，供电公司说要整个小区一起改造配电，社区单独办不下来。"
                   "芳古园二区也有同样的飞线问题，想请片区统一协调供电公司和街道的充电设施补贴。")
# author, text, hours after the raise
CHARGING_POSTS = (
    ("secretary_fg2", "芳古园二区 8号楼也一样，车棚只有两个插座，晚上排队，还有人把电池拎上楼充。我们愿意一起申请。", 3),
    ("district", "已和供电所约了下周二现场踏勘两个小区的配电室。请两个社区各报一下需要的充电口数量和车棚位置。", 20),
    ("secretary", "一区 1号楼车棚按 4 个口报，东侧车棚还能再放 6 个。居民同意按次扫码付费。", 26),
    ("staff", "街道今年电动自行车充电设施补贴还有名额，社区这边准备好材料，和二区一起报。", 30),
    ("secretary_fg2", "二区报 8 个口，车棚位置在 8号楼北侧。飞线我们这两天先逐户劝停了。", 34),
)
LIFT_TITLE = "老楼加装电梯：几个社区一起摸底，统一对接设计和施工单位"
LIFT_BODY = ("芳古园一区、二区都有六层老楼的居民问加装电梯。单个楼门意见难统一，设计、施工单位各社区分别找，"
             "价格和方案差别很大。建议片区统一摸底意愿，邀请规划、住建部门一起讲政策，集中比选单位。")
LIFT_POSTS = (
    ("staff", "一区 1号楼、2号楼摸底：同意加装的分别占 78% 和 65%，一层住户顾虑采光和噪音。", 30),
    ("secretary_fg2", "二区 8号楼已经开了两次楼门会，一层两户提出补偿要求，希望片区介绍一下别的小区怎么谈的。", 50),
    ("district", "片区已请区住建委讲了加装电梯补贴政策，三家设计单位集中比选，价格统一公示。一层补偿参照芳群园的做法。", 120),
)
LIFT_SUMMARY = ("片区统一摸底意愿，请区住建委和规划部门到片区讲政策，三家设计单位集中比选、价格公示；"
                "一层住户的采光和补偿由楼门长逐户沟通，参照已加装小区的补偿标准写进协议。两个社区的 3 部电梯同批立项。")
KITCHEN_TOPIC = "厨余垃圾桶每天傍晚就满了，建议加一次清运"
KITCHEN_SUMMARY = ("社区和环卫所核对清运时间后，每天 18:00 加收一次，并在 2 单元门口加一个厨余桶；"
                   "楼门长一周后回访，桶边堆放基本消失。同样的问题可先查清运时段与居民投放高峰是否错开。")


def _community(name: str) -> Community | None:
    return db.session.scalar(sa.select(Community).where(Community.name == name))


def _user(login: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.login == login))


def _courtyard(community: str, building: str) -> Courtyard:
    return db.session.scalars(sa.select(Courtyard).join(Building).join(Community).where(
        Community.name == community, Building.name == building)).one()


def _district(admin, name, station, address) -> District:
    district = db.session.scalar(sa.select(District).where(District.name == name))
    if district is None:
        district = services.create_district(admin, name=name, station_name=station, station_address=address)
    return district


def _posts(users, thread, posts, start, fake) -> None:
    for login, text, hours in posts:
        exists = db.session.scalar(sa.select(DistrictPost.id).where(
            DistrictPost.thread_id == thread.id, DistrictPost.author_id == users[login].id, DistrictPost.body == text))
        if exists is None and thread.status.value == "open":
            fake.at = start + timedelta(hours=hours)
            services.post(users[login], thread, body=text)


def seed_districts(demo) -> None:
    """The five districts, 芳古园二区, the station's staff, a raised topic, a thread and two cases."""
    admin, users = demo.admin, demo.users
    # 芳古园二区 8号楼 through the importer, its sheet naming the district (a small walk-up block)
    import_records([{"community": GU2[0], "building": GU2[1], "unit": f"{e}单元{f}0{d}", "area_m2": area,
                     "property_company": "北京方庄物业管理有限责任公司", "district": "芳古片区"}
                    for e in (1, 2) for f in range(1, 7) for d, area in ((1, "61.30"), (2, "78.90"))])
    for name, station, address, communities in DISTRICTS:
        district = _district(admin, name, station, address)
        if district.station_name is None:
            services.update_district(admin, district, name=name, station_name=station, station_address=address)
        for community_name in communities:
            community = _community(community_name)
            if community is not None and community.district_id is None:
                services.set_community_district(admin, community, district_id=district.id)
    for login in ("district", "secretary_fg2"):  # made with the others (demo.PEOPLE)
        users[login] = users.get(login) or _user(login)
    gu = db.session.scalar(sa.select(District).where(District.name == "芳古片区"))
    services.add_district_staff(admin, gu, user_id=users["district"].id)
    courtyard = _courtyard(*GU2)
    if db.session.scalar(sa.select(Membership.id).where(Membership.courtyard_id == courtyard.id,
                                                        Membership.user_id == users["secretary_fg2"].id)) is None:
        places.set_courtyard_member(admin, courtyard, user_id=users["secretary_fg2"].id, role="secretary")

    real = clock._clock
    now = real.now()
    fake = _Clock(now)
    clock.use(fake)
    try:
        topic = db.session.scalar(sa.select(Topic).where(Topic.title == CHARGING_TOPIC))
        if topic is not None:
            thread = services.thread_of_topic(topic)
            start = now - timedelta(days=4)
            if thread is None:
                fake.at = start
                thread = services.raise_topic(users["secretary"], topic, reason=CHARGING_REASON)
            _posts(users, thread, CHARGING_POSTS, start, fake)

        lift = db.session.scalar(sa.select(DistrictThread).where(DistrictThread.district_id == gu.id,
                                                                 DistrictThread.title == LIFT_TITLE))
        start = now - timedelta(days=40)
        if lift is None:
            fake.at = start
            lift = services.create_thread(users["district"], gu, title=LIFT_TITLE, body=LIFT_BODY, category="facilities")
        _posts(users, lift, LIFT_POSTS, start, fake)
        if lift.status.value == "open":
            fake.at = start + timedelta(days=20)
            services.set_thread_status(users["district"], lift, "resolved")
        if db.session.scalar(sa.select(ExperienceCase.id).where(ExperienceCase.thread_id == lift.id)) is None:
            fake.at = start + timedelta(days=21)
            services.mark_case(users["district"], thread_id=lift.id, summary=LIFT_SUMMARY)

        kitchen = db.session.scalar(sa.select(Topic).where(Topic.title == KITCHEN_TOPIC))
        if kitchen is not None and kitchen.status.value in ("decided", "closed") and db.session.scalar(
                sa.select(ExperienceCase.id).where(ExperienceCase.topic_id == kitchen.id)) is None:
            fake.at = now - timedelta(days=2)
            services.mark_case(users["district"], topic_id=kitchen.id, summary=KITCHEN_SUMMARY)
    finally:
        clock.use(real)
