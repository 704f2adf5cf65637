"""The monthly 主动治理 project (issue 12 part 3): chosen by the community's staff from a hot spot,
a topic raised with the departments invited to answer, one per community and month, its outcome
on the 公示栏; bad input names its field and stores nothing."""
from __future__ import annotations

import pytest

from courtyard.deliberation.models import Topic, TopicInvitation
from courtyard.errors import Conflict, Forbidden, Invalid
from courtyard.extensions import db
from courtyard.insight import monthly
from courtyard.insight.models import MonthlyProject
from courtyard.notifications.models import Notification

from ..web.browser import Browser


@pytest.fixture
def place(make):
    community = make.community("芳城园一区社区")
    cy = make.courtyard(community, name="7号楼")
    dept = make.organization("街道城管执法队", kind="department")
    return {"community": community, "cy": cy, "dept": dept, "staff": make.community_staff(community),
            "dept_staff": make.org_staff(dept), "resident": make.resident(cy)}


def choose(place, **over):
    args = {"category": "parking", "title": "整治小区北门乱停车", "body": "近三个月反复被提出。",
            "department_ids": [place["dept"].id], **over}
    return monthly.choose(place["staff"], place["cy"], **args)


def test_staff_choose_the_months_project_and_the_department_is_invited_and_told(place):
    p = choose(place)
    assert (p.community_id, p.month, p.category.value) == (place["community"].id, monthly.this_month(), "parking")
    topic = db.session.get(Topic, p.topic_id)
    assert (topic.courtyard_id, topic.author_id, topic.title) == (place["cy"].id, place["staff"].id, "整治小区北门乱停车")
    invited = db.session.query(TopicInvitation).filter_by(topic_id=topic.id).one()
    assert invited.organization_id == place["dept"].id
    told = db.session.query(Notification).filter_by(user_id=place["dept_staff"].id).one()
    assert told.kind == "invitation" and told.topic_id == topic.id


def test_one_project_per_community_and_month(place):
    choose(place)
    with pytest.raises(Conflict):
        choose(place, title="另一个")
    next_month = monthly.rules.shift_month(monthly.this_month(), 1)
    assert choose(place, title="下月的", month=next_month).month == next_month
    assert db.session.query(MonthlyProject).count() == 2


@pytest.mark.parametrize("over, field", [
    ({"month": "2026-13"}, "month"), ({"month": "1999-01"}, "month"), ({"month": 202612}, "month"),
    ({"category": "weather"}, "category"), ({"title": ""}, "title"), ({"body": "长" * 5001}, "body"),
    ({"department_ids": ["x"]}, "department_ids"), ({"department_ids": [987654]}, "department_ids"),
])
def test_bad_input_is_named_and_nothing_is_stored(place, over, field):
    with pytest.raises(Invalid) as err:
        choose(place, **over)
    assert field in err.value.fields
    db.session.rollback()
    assert db.session.query(MonthlyProject).count() == 0 and db.session.query(Topic).count() == 0


def test_a_property_company_is_not_a_department_to_invite(place, make):
    prop = make.organization("某物业", kind="property")
    with pytest.raises(Invalid):
        choose(place, department_ids=[prop.id])


def test_only_the_communitys_staff_choose_and_record(place, make):
    other = make.community_staff(make.community())
    for who in (place["resident"], place["dept_staff"], other):
        with pytest.raises(Forbidden):
            monthly.choose(who, place["cy"], category="parking", title="t", body="b")
    p = choose(place)
    with pytest.raises(Forbidden):
        monthly.record_outcome(place["resident"], p, outcome="好了")


def test_the_outcome_stands_on_the_notice_board_for_residents(app, place):
    p = choose(place)
    with pytest.raises(Invalid):
        monthly.record_outcome(place["staff"], p, outcome=" ")
    monthly.record_outcome(place["staff"], p, outcome="北门装了隔离桩，划了 12 个车位。")
    assert p.outcome_at is not None
    b = Browser(app.test_client()).english()
    b.login(place["resident"])
    board = b.text(f"/communities/{place['community'].id}/board")
    assert "Project of the month" in board and "北门装了隔离桩" in board and "整治小区北门乱停车" in board
    listing = b.text(f"/communities/{place['community'].id}/monthly-projects")
    assert "北门装了隔离桩" in listing and "Post the outcome" not in listing  # residents read, staff record


def test_staff_choose_through_the_pages(app, place):
    b = Browser(app.test_client()).english()
    b.login(place["staff"])
    form = b.text(f"/monthly-projects/new?courtyard_id={place['cy'].id}&category=parking&total=7")
    assert "街道城管执法队" in form and "7 times" in form
    r = b.post("/monthly-projects", {"courtyard_id": place["cy"].id, "category": "parking", "month": "",
                                     "title": "整治乱停车", "body": "拟装隔离桩", "department_ids": [place["dept"].id]})
    assert r.status_code == 302
    p = db.session.query(MonthlyProject).one()
    assert r.headers["Location"].endswith(f"/topics/{p.topic_id}")
    again = b.post("/monthly-projects", {"courtyard_id": place["cy"].id, "category": "parking", "title": "再来",
                                         "body": "b"})
    assert again.status_code == 409 and "already has its project" in again.get_data(as_text=True)
    r = b.post(f"/monthly-projects/{p.id}/outcome", {"outcome": "已完成"})
    assert r.status_code == 302 and db.session.get(MonthlyProject, p.id).outcome == "已完成"
    resident = Browser(app.test_client()).english()
    resident.login(place["resident"])
    assert resident.get(f"/monthly-projects/new?courtyard_id={place['cy'].id}").status_code == 404
    assert resident.post("/monthly-projects", {"courtyard_id": place["cy"].id, "title": "x", "body": "y",
                                               "category": "other"}).status_code == 404
