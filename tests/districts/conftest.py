"""District fixtures: 芳古片区 with two communities (芳古园一区, 芳古园二区), 芳城片区 with one, and a
community in no district; one person per role in each."""
from __future__ import annotations

import pytest

from courtyard.districts import services
from courtyard.extensions import db
from courtyard.deliberation import services as deliberation
from courtyard.deliberation.models import TopicStatus

from ..api.conftest import assert_error  # noqa: F401  (re-exported for the tests)
from ..realtime.conftest import connect  # noqa: F401  (fixture)


class World:
    """w.gu is 芳古片区 (w.one, w.two), w.cheng is 芳城片区 (w.three); w.loose belongs to none."""

    def __init__(self, make):
        self.make = make
        self.admin = make.street_admin()
        self.gu = services.create_district(self.admin, name="芳古片区", station_name="芳古片区治理服务站")
        self.cheng = services.create_district(self.admin, name="芳城片区")
        self.cy_one = make.courtyard(make.community("芳古园一区社区"), name="1号楼")
        self.one = self.cy_one.building.community
        self.cy_two = make.courtyard(make.community("芳古园二区社区"), name="3号楼")
        self.two = self.cy_two.building.community
        self.cy_three = make.courtyard(make.community("芳城园一区社区"), name="12号楼")
        self.three = self.cy_three.building.community
        self.cy_loose = make.courtyard(make.community("左安门社区"), name="5号楼")
        self.loose = self.cy_loose.building.community
        for community, district in ((self.one, self.gu), (self.two, self.gu), (self.three, self.cheng)):
            services.set_community_district(self.admin, community, district_id=district.id)
        self.station = make.user("station", display_name="韩立新")
        services.add_district_staff(self.admin, self.gu, user_id=self.station.id)
        self.staff_one = make.community_staff(self.one)
        self.secretary_one = make.secretary(self.cy_one)
        self.secretary_two = make.secretary(self.cy_two)
        self.lead_one = make.building_lead(self.cy_one)
        self.resident = make.resident(self.cy_one)
        self.secretary_three = make.secretary(self.cy_three)
        self.staff_loose = make.community_staff(self.loose)
        self.secretary_loose = make.secretary(self.cy_loose)
        self.stranger = make.user()

    def topic(self, courtyard=None, author=None, title="楼下电动车棚没有充电桩，有人飞线充电", category="facilities"):
        courtyard = courtyard or self.cy_one
        return deliberation.create_topic(author or self.resident, courtyard, title=title,
                                         body="晚上电线搭在车棚顶上，下雨天很危险。", category=category)

    def solved_topic(self, **kw):
        topic = self.topic(**kw)
        topic.status = TopicStatus.decided
        db.session.commit()
        return topic

    def thread(self, actor=None, **kw):
        args = {"title": "几个社区都缺电动车充电设施", "body": "芳古园一区、二区都有飞线充电，单个社区申请不下来电力增容。",
                "category": "facilities", **kw}
        return services.create_thread(actor or self.secretary_one, self.gu, **args)


@pytest.fixture
def w(make) -> World:
    return World(make)
