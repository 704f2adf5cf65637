"""The pages, in English and Chinese: the menu link, a district courtyard and its threads, posting
through the form, raising a topic from its page, the cases list and a case, the admin page."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.districts import services
from courtyard.districts.models import DistrictPost, DistrictThread, ExperienceCase
from courtyard.extensions import db





def test_members_find_the_district_in_the_menu_and_residents_do_not(w, open_as):
    assert 'id="nav-districts"' in open_as(w.secretary_two).text("/courtyards")
    assert 'id="nav-districts"' in open_as(w.station).text("/districts")
    page = open_as(w.resident).text("/courtyards")
    assert 'id="nav-districts"' not in page
    assert open_as(w.resident).get(f"/districts/{w.gu.id}").status_code == 404
    assert open_as(w.resident).get("/districts").status_code == 403


def test_a_thread_is_started_and_posted_to_through_the_forms(w, open_as):
    b = open_as(w.secretary_one)
    assert "芳古片区" in b.text("/districts") and "芳古园二区社区" in b.text(f"/districts/{w.gu.id}")
    r = b.post(f"/districts/{w.gu.id}/threads/new", {"title": "", "body": "x", "category": "facilities"})
    assert r.status_code == 422 and "This field is required." in r.get_data(as_text=True)
    r = b.post(f"/districts/{w.gu.id}/threads/new", {"title": "几个社区都缺充电桩", "body": "一起申请", "category": "facilities"})
    assert r.status_code == 302
    thread = db.session.scalar(sa.select(DistrictThread))
    assert r.headers["Location"].endswith(f"/districts/{w.gu.id}/threads/{thread.id}")
    other = open_as(w.secretary_two, zh=True)
    r = other.post(f"/districts/{w.gu.id}/threads/{thread.id}/posts", {"body": "二区也一样"})
    assert r.status_code == 302
    r = other.post(f"/districts/{w.gu.id}/threads/{thread.id}/posts", {"body": " "})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.get_data(as_text=True)
    page = other.text(f"/districts/{w.gu.id}/threads/{thread.id}")
    assert "二区也一样" in page and 'id="district-post-form"' in page
    assert db.session.scalar(sa.select(sa.func.count(DistrictPost.id))) == 1
    assert "几个社区都缺充电桩" in other.text(f"/districts/{w.gu.id}")
    assert open_as(w.secretary_three).get(f"/districts/{w.gu.id}/threads/{thread.id}").status_code == 404
    assert other.get(f"/districts/{w.cheng.id}/threads/{thread.id}").status_code == 404


def test_a_topic_is_raised_from_its_page_and_links_both_ways(w, open_as):
    topic = w.topic()
    b = open_as(w.secretary_one)
    page = b.text(f"/topics/{topic.id}")
    assert 'id="district-raise"' in page and "Raise to 芳古片区" in page
    assert 'id="district-raise"' not in open_as(w.resident).text(f"/topics/{topic.id}")
    r = b.post(f"/topics/{topic.id}/raise-to-district", {"reason": ""})
    assert r.status_code == 302 and db.session.scalar(sa.select(sa.func.count(DistrictThread.id))) == 0
    r = b.post(f"/topics/{topic.id}/raise-to-district", {"reason": "电力增容要街道协调"})
    thread = db.session.scalar(sa.select(DistrictThread))
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/threads/{thread.id}")
    page = b.text(f"/topics/{topic.id}")
    assert 'id="district-raised"' in page and f"/districts/{w.gu.id}/threads/{thread.id}" in page
    assert 'id="district-raise"' not in page
    zh = open_as(w.resident, zh=True).text(f"/topics/{topic.id}")
    assert "已提交芳古片区" in zh and f"/threads/{thread.id}" not in zh  # the resident may not read the thread
    assert f'href="/topics/{topic.id}"' in b.text(f"/districts/{w.gu.id}/threads/{thread.id}")
    loose = w.topic(courtyard=w.cy_loose, author=w.secretary_loose)
    assert "belongs to no district yet" in open_as(w.secretary_loose).text(f"/topics/{loose.id}")


def test_cases_are_listed_filtered_and_shown(w, open_as):
    topic = w.solved_topic()
    case = services.mark_case(w.station, topic_id=topic.id, summary="物业出资装了 8 个扫码充电口。")
    page = open_as(w.secretary_three).text("/districts/cases")
    assert "物业出资装了 8 个扫码充电口。" in page and topic.title in page
    assert topic.title not in open_as(w.secretary_three).text(f"/districts/cases?district_id={w.cheng.id}")
    assert topic.title in open_as(w.resident).text("/districts/cases?category=facilities")
    assert open_as(w.resident).get("/districts/cases?category=weather").status_code == 200
    shown = open_as(w.secretary_three).text(f"/districts/cases/{case.id}")
    assert "芳古园一区社区" in shown and 'id="case-topic"' not in shown
    assert 'id="case-topic"' in open_as(w.resident).text(f"/districts/cases/{case.id}")
    b = open_as(w.station)
    open_as(w.secretary_one).post(f"/districts/cases/{case.id}/delete")  # refused: flashed, nothing removed
    assert db.session.scalar(sa.select(sa.func.count(ExperienceCase.id))) == 1
    assert b.post(f"/districts/cases/{case.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ExperienceCase.id))) == 0


def test_the_station_marks_cases_from_the_district_page(w, open_as):
    topic = w.solved_topic()
    b = open_as(w.station)
    page = b.text(f"/districts/{w.gu.id}")
    assert 'id="mark-case"' in page and topic.title in page
    assert 'id="mark-case"' not in open_as(w.secretary_one).text(f"/districts/{w.gu.id}")
    r = b.post("/districts/cases", {"topic_id": str(topic.id), "summary": "", "next": f"/districts/{w.gu.id}"})
    assert r.status_code == 302 and db.session.scalar(sa.select(sa.func.count(ExperienceCase.id))) == 0
    r = b.post("/districts/cases", {"topic_id": str(topic.id), "summary": "装了充电口"})
    assert r.status_code == 302 and "/districts/cases/" in r.headers["Location"]


def test_street_admins_manage_districts_from_the_admin_page(w, open_as):
    b = open_as(w.admin)
    page = b.text("/admin/districts")
    assert "芳古片区" in page and "左安门社区" in page and "韩立新" in page
    assert b.post("/admin/districts", {"name": "芳群片区", "station_name": "芳群片区治理服务站"}).status_code == 302
    assert "芳群片区" in b.text("/admin/districts")
    assert b.post(f"/admin/communities/{w.loose.id}/district", {"district_id": str(w.cheng.id)}).status_code == 302
    db.session.expire_all()
    assert w.loose.district_id == w.cheng.id
    assert b.post(f"/admin/districts/{w.cheng.id}/staff", {"login": w.stranger.login}).status_code == 302
    assert b.post(f"/admin/districts/{w.cheng.id}/staff", {"login": "nobody-here"}).status_code == 302
    assert [u.id for u in services.staff_of(w.cheng)] == [w.stranger.id]
    assert open_as(w.station).get("/admin/districts").status_code == 403


def test_the_community_dashboard_links_to_its_district(w, open_as):
    page = open_as(w.staff_one).text(f"/insight?scope=community:{w.one.id}")
    assert 'id="dashboard-district"' in page and f"/districts/{w.gu.id}" in page
