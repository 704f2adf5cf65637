"""Project pool fixtures: an escalated problem of one courtyard that becomes the street's project,
a second courtyard linked to it, the department that leads it, and outsiders who must see nothing."""
from __future__ import annotations

import pytest

from courtyard.deliberation import services as deliberation
from courtyard.projects import services
from courtyard.tasks import services as tasks

from ..api.conftest import assert_error  # noqa: F401  (re-exported for the tests)
from ..realtime.conftest import connect  # noqa: F401  (fixture)


class World:
    """w.east's topic was dispatched to its property company and escalated by hand to the street
    (level 2, 吹哨); w.dept (城市管理办公室) leads the projects; w.west of the same community can
    be linked; w.elsewhere is another community with its own staff."""

    def __init__(self, make):
        self.make = make
        self.property = make.organization("方庄物业", kind="property")
        self.dept = make.organization("方庄街道城市管理办公室", kind="department")
        self.other_dept = make.organization("丰台区住建委", kind="department")
        self.east = make.courtyard(units=6, name="芳古园一区3号楼", property_org=self.property)
        self.community = self.east.building.community
        self.west = make.courtyard(self.community, units=4, name="芳古园一区5号楼", property_org=self.property)
        self.admin = make.street_admin()
        self.staff = make.community_staff(self.community)
        self.secretary = make.secretary(self.east)
        self.resident = make.resident(self.east)
        self.west_resident = make.resident(self.west)
        self.dept_staff = make.org_staff(self.dept)
        self.other_dept_staff = make.org_staff(self.other_dept)
        self.property_staff = make.org_staff(self.property)
        elsewhere = make.courtyard(units=2, name="芳城园二区1号楼")
        self.elsewhere = elsewhere
        self.outsider = make.resident(elsewhere)
        self.other_staff = make.community_staff(elsewhere.building.community)
        self.stranger = make.user()
        self.topic = deliberation.create_topic(self.resident, self.east, title="电动车楼道充电，飞线隐患大",
                                               body="楼道里天天有人拉线充电，晚上还停满了车，消防通道都堵了。",
                                               category="facilities")
        self.west_topic = deliberation.create_topic(self.west_resident, self.west, title="院里没有充电桩",
                                                    body="电动车只能推回家充。", category="facilities")
        self.far_topic = deliberation.create_topic(self.outsider, elsewhere, title="单元门禁坏了",
                                                   body="门禁坏了半个月。", category="repairs")
        self.task = tasks.create_task(self.secretary, self.topic, assignee_org_id=self.property.id)
        tasks.escalate(self.secretary, self.task, reason="物业无力解决，需要街道统筹场地和资金")
        tasks.escalate(self.staff, self.task, reason="社区协调未果，报街道")

    def project(self, actor=None, **kw):
        args = {"title": "老旧小区电动车集中充电棚改造", "owner_org_id": self.dept.id, "budget_source": "street_fund",
                "budget_amount": "480000", "summary": "在3号楼和5号楼之间建集中充电棚，消除楼道飞线充电。",
                "milestones": ["居民议事确定选址", "方案设计与审批", "施工进场", "竣工验收"], "task_id": self.task.id, **kw}
        return services.create_project(actor or self.admin, **args)


@pytest.fixture
def w(make) -> World:
    return World(make)
