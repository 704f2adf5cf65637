"""Task fixtures: a courtyard with its property company, the people around a task, a clock the test moves."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.datastructures import FileStorage

from courtyard import clock
from courtyard.deliberation import services as deliberation
from courtyard.tasks import services

from ..clocks import FakeClock  # noqa: F401  (re-exported for the tests)
from ..api.conftest import assert_error  # noqa: F401  (re-exported for the tests)
from ..realtime.conftest import connect  # noqa: F401  (fixture)



def png_bytes(color=(30, 140, 60)) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(out, "PNG")
    return out.getvalue()


class World:
    """Everyone a task concerns: w.secretary dispatches, w.staff (the property company) works it,
    w.author raised the topic, w.neighbour follows; staff above; outsiders who must see nothing."""

    def __init__(self, make):
        self.make = make
        self.org = make.organization("北京方庄物业管理有限责任公司")
        self.other_org = make.organization("北京芳华物业服务有限公司")
        self.department = make.organization("丰台区城市管理委员会", kind="department")
        self.courtyard = make.courtyard(property_org=self.org, units=6)
        self.community = self.courtyard.building.community
        self.secretary = make.secretary(self.courtyard)
        self.lead = make.building_lead(self.courtyard)
        self.author = make.resident(self.courtyard)
        self.neighbour = make.resident(self.courtyard)
        self.staff = make.org_staff(self.org)
        self.other_staff = make.org_staff(self.other_org)
        self.dept_staff = make.org_staff(self.department)
        self.community_staff = make.community_staff(self.community)
        self.admin = make.street_admin()
        elsewhere = make.courtyard()
        self.outsider = make.resident(elsewhere)
        self.other_community_staff = make.community_staff(elsewhere.building.community)

    def topic(self, author=None, title="2单元顶层漏雨，601、602 天花板渗水", category="repairs"):
        return deliberation.create_topic(author or self.author, self.courtyard, title=title,
                                         body="这几场雨以后，天花板都有水渍。", category=category)

    def task(self, topic=None, **kw):
        return services.create_task(self.secretary, topic or self.topic(), **kw)

    def photo(self, user=None) -> int:
        from courtyard.uploads.services import store_upload
        upload = store_upload(user or self.staff, FileStorage(io.BytesIO(png_bytes()), filename="after.png"))
        return upload.id

    def done(self, task, note="屋面防水已重做，天花板已修补。"):
        """Take a task from wherever it is to done, as the property staff."""
        if task.status.value == "assigned":
            services.add_update(self.staff, task, status="accepted")
        if task.status.value in ("accepted", "reopened"):
            services.add_update(self.staff, task, status="in_progress")
        services.add_update(self.staff, task, status="done", note=note, photo_ids=[self.photo()])
        return task


@pytest.fixture
def w(make) -> World:
    return World(make)


