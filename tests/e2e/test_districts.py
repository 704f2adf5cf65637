"""The district courtyard (片区) in browsers at 360 px: a secretary raises her courtyard's topic to
the district from the topic page's 管理 panel and keeps the thread open; the secretary of another
community of the district answers from her phone and the first page shows the post without
reloading; the experience cases are browsed and filtered, in Chinese and in English; axe finds
nothing serious on the pages.

The world is written into the live server's database by this module run as a script (as
tests/live/world.py does), so the test process never binds a second app.
"""
from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.live.world import run_world

from .axe import check_phone_page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent.parent / "instance" / "screenshots"


def _build() -> dict:
    from courtyard import create_app
    from courtyard.deliberation.models import TopicStatus
    from courtyard.deliberation.services import create_topic
    from courtyard.districts import services
    from courtyard.extensions import db

    from tests.factories import Factory

    app = create_app()
    with app.app_context():
        make = Factory()
        tag = uuid.uuid4().hex[:6]
        admin = make.street_admin(f"a{tag}")
        district = services.create_district(admin, name=f"芳古片区{tag}", station_name="芳古片区治理服务站")
        one = make.courtyard(make.community(f"芳古园一区{tag}社区"), name="1号楼")
        two = make.courtyard(make.community(f"芳古园二区{tag}社区"), name="8号楼")
        for cy in (one, two):
            services.set_community_district(admin, cy.building.community, district_id=district.id)
        station = make.user(f"d{tag}", display_name="韩立新")
        services.add_district_staff(admin, district, user_id=station.id)
        first = make.secretary(one, user=make.user(f"s{tag}", display_name="王淑芬"))
        second = make.secretary(two, user=make.user(f"t{tag}", display_name="李秀英"))
        resident = make.resident(one, user=make.user(f"r{tag}", display_name="陈桂兰"))
        topic = create_topic(resident, one, title="楼下电动车棚没有充电桩，有人从楼道飞线充电",
                             body="晚上电线搭在车棚顶上，下雨天很危险。", category="facilities")
        solved = create_topic(resident, one, title="厨余垃圾桶每天傍晚就满了", body="建议加一次清运。",
                              category="sanitation")
        solved.status = TopicStatus.decided
        db.session.commit()
        services.mark_case(station, topic_id=solved.id,
                           summary="和环卫所核对清运时间后，每天 18:00 加收一次，并在 2 单元门口加一个厨余桶。")
        world = {"district_id": district.id, "district": district.name, "topic_id": topic.id,
                 **{name: {"login": u.login} for name, u in (("first", first), ("second", second),
                                                              ("station", station), ("resident", resident))}}
        db.session.remove()
    return world


def build_world(server) -> SimpleNamespace:
    return run_world("tests.e2e.test_districts", server)




def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _english(page) -> None:
    page.locator("details.topmenu > summary").click()  # the language switch is in the menu
    page.locator(".topmenu form.lang-switch button[value=en]").click()


def test_a_topic_raised_to_the_district_and_a_post_arriving_live(live_server, page_for):
    from playwright.sync_api import expect
    w = build_world(live_server)
    report: list[str] = []

    first = page_for(w.first, f"/topics/{w.topic_id}")
    first.locator('button[aria-controls="fold-manage"]').click()
    raise_form = first.locator("#district-raise")
    raise_form.locator("summary").click()
    raise_form.locator("#raise-reason").fill("供电公司说要整个小区一起改造配电，社区单独办不下来。")
    raise_form.locator("button[type=submit]").click()
    first.wait_for_url(re.compile(r".*/districts/\d+/threads/\d+$"))
    thread_path = first.url.split(live_server.url, 1)[-1]
    expect(first.locator("#source-topic")).to_have_attribute("href", f"/topics/{w.topic_id}")
    first.locator('#district-thread[data-joined="true"]').wait_for()
    check_phone_page(first, report, thread_path)

    second = page_for(w.second, f"/districts/{w.district_id}")
    expect(second.locator("#thread-list")).to_contain_text("飞线充电")
    check_phone_page(second, report, f"/districts/{w.district_id}")
    _shot(second, "district-list-zh.png")
    second.locator("#thread-list a").first.click()
    second.wait_for_url(f"**{thread_path}")
    second.locator('#district-thread[data-joined="true"]').wait_for()
    second.locator("#post-body").fill("芳古园二区 8号楼也一样，我们愿意一起申请充电设施补贴。")
    second.locator("#post-send").click()
    expect(second.locator("#posts .message")).to_have_count(1)

    expect(first.locator("#posts .message")).to_have_count(1)
    expect(first.locator("#posts .message").first).to_contain_text("我们愿意一起申请")
    expect(first.locator("#no-posts")).to_be_hidden()
    assert first.evaluate("performance.getEntriesByType('navigation').length") == 1  # never reloaded
    check_phone_page(first, report, thread_path + " (live)")
    _shot(first, "district-thread-zh.png")

    first.goto(f"/topics/{w.topic_id}")
    expect(first.locator("#district-raised")).to_contain_text(f"已提交{w.district}")

    _english(second)
    expect(second.locator("#discussion-title")).to_have_text("Discussion")
    check_phone_page(second, report, thread_path + " (en)")
    _shot(second, "district-thread-en.png")
    assert not report, "\n\n".join(report)


def test_the_experience_cases_in_chinese_and_english(live_server, page_for):
    from playwright.sync_api import expect
    w = build_world(live_server)
    report: list[str] = []
    resident = page_for(w.resident, "/districts/cases")
    expect(resident.locator("h1")).to_have_text("经验案例")
    expect(resident.locator("#case-list")).to_contain_text("每天 18:00 加收一次")
    check_phone_page(resident, report, "/districts/cases")
    _shot(resident, "district-cases-zh.png")
    resident.locator("#filter-district").select_option(str(w.district_id))
    resident.locator("#filter-category").select_option("sanitation")
    resident.locator("#case-filter button[type=submit]").click()
    resident.wait_for_url("**/districts/cases?*")
    expect(resident.locator("#case-list .case-card")).to_have_count(1)
    resident.locator("#case-list a").first.click()
    resident.wait_for_url(re.compile(r".*/districts/cases/\d+$"))
    expect(resident.locator("#case-topic")).to_be_visible()
    check_phone_page(resident, report, "a case")

    station = page_for(w.station, "/districts/cases", locale="en-US")
    _english(station)
    expect(station.locator("h1")).to_have_text("Experience cases")
    station.locator("#filter-category").select_option("parking")
    station.locator("#case-filter button[type=submit]").click()
    station.wait_for_url("**/districts/cases?*")
    expect(station.locator(".empty")).to_have_text("No experience cases yet.")
    station.goto("/districts/cases")
    check_phone_page(station, report, "/districts/cases (en)")
    _shot(station, "district-cases-en.png")
    assert not report, "\n\n".join(report)


if __name__ == "__main__":
    print(json.dumps(_build()))
