"""Emergency fixtures: two courtyards of one community hit by a broken heating main, their people,
and outsiders who must see nothing."""
from __future__ import annotations

import pytest

from courtyard.emergencies import services

from ..api.conftest import assert_error  # noqa: F401  (re-exported for the tests)
from ..realtime.conftest import connect  # noqa: F401  (fixture)


class World:
    """w.staff posts to w.east and w.west (both of w.community); w.third is of the same community
    but not chosen; w.lead and w.secretary lead w.east; residents live in each; outsiders elsewhere."""

    def __init__(self, make):
        self.make = make
        self.east = make.courtyard(units=6, name="55号院1号楼")
        self.community = self.east.building.community
        self.west = make.courtyard(self.community, units=4, name="56号院2号楼")
        self.third = make.courtyard(self.community, units=2, name="57号院3号楼")
        self.staff = make.community_staff(self.community)
        self.admin = make.street_admin()
        self.lead = make.building_lead(self.east)
        self.secretary = make.secretary(self.east)
        self.resident = make.resident(self.east)
        self.west_resident = make.resident(self.west)
        self.west_lead = make.building_lead(self.west)
        self.third_resident = make.resident(self.third)
        elsewhere = make.courtyard()
        self.outsider = make.resident(elsewhere)
        self.other_staff = make.community_staff(elsewhere.building.community)
        self.stranger = make.user()

    def notice(self, actor=None, courtyards=None, **kw):
        args = {"kind": "heating", "title": "供暖主管道破裂，55号院、56号院暂停供暖",
                "body": "暖井下主管道两处漏水，物业正在关阀泄水抢修。家中老人请注意保暖。", **kw}
        return services.create_notice(actor or self.staff, self.community,
                                      courtyard_ids=[c.id for c in (courtyards or (self.east, self.west))], **args)

    def unit(self, courtyard=None, index=0):
        return (courtyard or self.east).building.units[index]


@pytest.fixture
def w(make) -> World:
    return World(make)
