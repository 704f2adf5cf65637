"""Emergency notices in browsers at 360 px: community staff post a heating notice from their
phone; a resident's open notice page shows the next update as it is posted, without reloading;
the building lead ticks a household off the door-to-door checklist; axe finds nothing serious
on the pages, in Chinese and in English.

The world is written into the live server's database by this module run as a script (as
tests/live/world.py does), so the test process never binds a second app.
"""
from __future__ import annotations

import json
import re
import sys
import uuid
from types import SimpleNamespace

import pytest

from tests.live.world import run_world

from .axe import check_phone_page

pytestmark = pytest.mark.browser


def _build(with_notice: bool = False) -> dict:
    from courtyard import create_app
    from courtyard.deliberation.services import create_topic
    from courtyard.emergencies import services
    from courtyard.extensions import db

    from tests.factories import Factory

    app = create_app()
    with app.app_context():
        make = Factory()
        tag = uuid.uuid4().hex[:6]
        community = make.community(f"精图{tag}社区")
        east = make.courtyard(community, units=6, name=f"55号院{tag}")
        west = make.courtyard(community, units=4, name=f"56号院{tag}")
        staff = make.community_staff(community, user=make.user(f"c{tag}", display_name="刘秀梅"))
        resident = make.resident(east, user=make.user(f"r{tag}", display_name="陈桂兰"))
        lead = make.building_lead(east, user=make.user(f"l{tag}", display_name="张德明"))
        topic = create_topic(resident, east, title="楼道灯坏了", body="三楼到五楼的灯都不亮了。", category="repairs")
        unit = east.building.units[4]
        services.set_household_flags(staff, unit, kinds=["living_alone", "limited_mobility"],
                                     note="独居，84岁，家中没有电暖气")
        if with_notice:
            second = west.building.units[1]
            services.set_household_flags(staff, second, kinds=["empty_nest"], note="空巢，老两口")
            notice = services.create_notice(staff, community, kind="heating", title="供暖主管道破裂，暂停供暖",
                                          body="正在抢修。", courtyard_ids=[east.id, west.id])
        world = {"east_id": east.id, "west_id": west.id, "unit_id": unit.id, "unit_label": unit.label,
                 **({"notice_id": notice.id} if with_notice else {}),
                 "topic_id": topic.id,
                 "community_id": community.id,
                 **{name: {"login": u.login} for name, u in (("staff", staff), ("resident", resident), ("lead", lead))}}
        db.session.remove()
    return world


def build_world(server, *args: str) -> SimpleNamespace:
    return run_world("tests.e2e.test_emergencies", server, *args)




def test_staff_post_a_resident_watches_it_live_and_the_lead_ticks_a_household(live_server, page_for):
    from playwright.sync_api import expect
    w = build_world(live_server)
    report: list[str] = []

    # Community staff post the notice from their phone.
    staff = page_for(w.staff, "/notices")
    check_phone_page(staff, report, "/notices")
    staff.locator("#new-notice").click()
    staff.wait_for_url("**/notices/new")
    check_phone_page(staff, report, "/notices/new")
    staff.locator("label.choice", has_text="停暖").click()
    staff.locator("#notice-title").fill("供暖主管道破裂，55号院、56号院暂停供暖")
    staff.locator("#notice-body").fill("暖井下主管道两处漏水，正在关阀泄水抢修。家中老人请注意保暖。")
    staff.locator(f'input[name=courtyard_ids][value="{w.east_id}"]').check()
    staff.locator(f'input[name=courtyard_ids][value="{w.west_id}"]').check()
    staff.locator("#send-notice").click()
    staff.wait_for_url("**/notices/*")
    notice_path = staff.url.split(live_server.url, 1)[-1]
    expect(staff.locator(".notice-step")).to_have_count(1)
    check_phone_page(staff, report, notice_path)

    # A resident finds it pinned on the courtyard home and keeps its page open.
    resident = page_for(w.resident, f"/courtyards/{w.east_id}")
    pinned = resident.locator("#pinned-notices")
    expect(pinned).to_contain_text("供暖主管道破裂")
    check_phone_page(resident, report, f"/courtyards/{w.east_id}")
    pinned.locator(f'a[href="{notice_path}"]').click()
    resident.wait_for_url(f"**{notice_path}")
    resident.locator('#notice[data-live="true"]').wait_for()
    expect(resident.locator("#update-form")).to_have_count(0)
    check_phone_page(resident, report, notice_path + " (resident)")

    # The staff post an update; the resident's page shows it without reloading.
    staff.locator("#update-text").fill("第一处管道更换焊接完成，应急队已接手第二处。")
    staff.locator("#post-update").click()
    staff.wait_for_url(f"**{notice_path}")
    expect(resident.locator(".notice-step")).to_have_count(2)
    expect(resident.locator(".notice-step").last).to_contain_text("应急队已接手第二处")

    # The building lead knocks on the door and ticks the household off.
    lead = page_for(w.lead, f"{notice_path}/checklist")
    item = lead.locator(f"#unit-{w.unit_id}")
    expect(item).to_contain_text("独居，84岁")
    check_phone_page(lead, report, f"{notice_path}/checklist")
    item.locator("label.choice", has_text="需要帮助").click()
    item.locator(f"#note-{w.unit_id}").fill("已送电暖气一台，晚上再来看")
    item.locator(f"#tick-{w.unit_id}").click()
    lead.wait_for_url(f"**{notice_path}/checklist*")
    expect(lead.locator(f'#unit-{w.unit_id} [data-role="visited"]')).to_contain_text("需要帮助")
    expect(lead.locator(f"#unit-{w.unit_id}")).to_contain_text("已送电暖气一台")

    # Resolved: the resident's page says so, live; the 公示栏 keeps the timeline.
    staff.locator("#resolve-text").fill("凌晨3点20分恢复供暖，请自行开阀放气。")
    staff.once("dialog", lambda d: d.accept())
    staff.locator("#resolve-notice").click()
    staff.wait_for_url(f"**{notice_path}")
    expect(resident.locator(".notice-step")).to_have_count(3)
    expect(resident.locator("#notice")).to_have_class("notice-page notice-resolved")
    assert resident.evaluate("performance.getEntriesByType('navigation').length") == 1  # never reloaded
    resident.goto(f"/communities/{w.community_id}/board")
    expect(resident.locator("#board-notices")).to_contain_text("凌晨3点20分恢复供暖")
    check_phone_page(resident, report, "the 公示栏")
    assert not report, "\n\n".join(report)


def test_the_households_page_and_the_notice_in_english(live_server, page_for):
    from playwright.sync_api import expect
    w = build_world(live_server)
    report: list[str] = []
    lead = page_for(w.lead, f"/courtyards/{w.east_id}/households", locale="en-US")
    lead.locator("details.topmenu > summary").click()  # the language switch is in the menu
    lead.locator(".topmenu form.lang-switch button[value=en]").click()
    expect(lead.locator("h1")).to_have_text("Households to look after")
    item = lead.locator(f"#unit-{w.unit_id}")
    expect(item.locator('input[value="living_alone"]')).to_be_checked()
    check_phone_page(lead, report, "households")
    other = lead.locator("#households li").first
    other.locator('label.choice').nth(1).click()
    other.locator("button[type=submit]").click()
    lead.wait_for_url("**/households*")
    expect(lead.locator("#households li").first.locator("input[type=checkbox]").nth(1)).to_be_checked()
    assert not report, "\n\n".join(report)


def test_the_courtyard_home_follows_a_new_notice_a_status_and_a_new_topic(live_server, page_for):
    """The resident keeps the courtyard's home open: the notice staff post is pinned, the topic
    the lead moves along changes its badge, and a topic a neighbour raises is offered — live."""
    from playwright.sync_api import expect
    w = build_world(live_server)
    report: list[str] = []
    home = page_for(w.resident, f"/courtyards/{w.east_id}")
    home.locator('body[data-live="true"]').wait_for()
    expect(home.locator("#pinned-notices")).to_be_hidden()
    card = home.locator(f'[data-topic-id="{w.topic_id}"] [data-role="status"]')
    expect(card).to_have_class("badge status-open")

    staff = page_for(w.staff, "/notices/new")
    staff.locator("label.choice", has_text="停水").click()
    staff.locator("#notice-title").fill("二次供水泵房检修，今天9点至15点停水")
    staff.locator(f'input[name=courtyard_ids][value="{w.east_id}"]').check()
    staff.locator("#send-notice").click()
    staff.wait_for_url("**/notices/*")
    expect(home.locator("#pinned-notices")).to_be_visible()
    expect(home.locator("#pinned-notices .notice-card")).to_contain_text("二次供水泵房检修")
    expect(home.locator("#pinned-notices .notice-card")).to_contain_text("停水")

    lead = page_for(w.lead, f"/topics/{w.topic_id}")
    lead.locator('button[aria-controls="fold-manage"]').click()
    lead.locator(".control-buttons button[type=submit]").first.click()
    lead.wait_for_url(f"**/topics/{w.topic_id}")
    expect(card).not_to_have_class("badge status-open")
    expect(card).to_have_text(lead.locator("#topic-status").inner_text())

    lead.goto(f"/courtyards/{w.east_id}/topics/new")
    lead.locator("input[name=title]").fill("单元门禁坏了")
    lead.locator("textarea[name=body]").fill("刷卡没反应，门一直关不上。")
    lead.locator("input[name=category][value=facilities]").check()
    lead.locator("form.topic-form button[type=submit]").click()
    lead.wait_for_url(re.compile(r".*/topics/\d+$"))
    offer = home.locator("#topics-new button")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("1")
    check_phone_page(home, report, f"/courtyards/{w.east_id} (live)")
    assert home.evaluate("performance.getEntriesByType('navigation').length") == 1  # never reloaded so far
    offer.click()
    expect(home.locator(".topic-card").first).to_contain_text("单元门禁坏了")
    expect(home.locator("#topics-new button")).to_be_hidden()
    assert not report, "\n\n".join(report)


def test_two_people_on_the_checklist_see_each_others_ticks(live_server, page_for):
    """The staff keep the checklist open while the building lead knocks: the flat turns visited,
    with the lead's note, and the figures count it — without reloading; in English too."""
    from playwright.sync_api import expect
    w = build_world(live_server, "notice")
    report: list[str] = []
    path = f"/notices/{w.notice_id}/checklist"
    staff = page_for(w.staff, path, locale="en-US")
    staff.locator('#checklist[data-live="true"]').wait_for()
    expect(staff.locator("#checklist-stats .stat-number").nth(1)).to_have_text("0")
    item = staff.locator(f"#unit-{w.unit_id}")
    expect(item.locator('[data-role="visited"]')).to_be_hidden()

    lead = page_for(w.lead, path)
    lead.locator(f"#unit-{w.unit_id} label.choice", has_text="需要帮助").click()
    lead.locator(f"#note-{w.unit_id}").fill("已送电暖气一台，晚上再来看")
    lead.locator(f"#tick-{w.unit_id}").click()
    lead.wait_for_url(f"**{path}*")

    expect(item.locator('[data-role="visited"]')).to_be_visible()
    expect(item).to_have_class("card checklist-item checklist-visited checklist-needs_help")
    expect(item.locator('[data-role="visit-note"]')).to_have_text("已送电暖气一台，晚上再来看")
    expect(item.locator('[data-role="visit-meta"]')).to_contain_text("张德明")
    expect(staff.locator("#checklist-stats .stat-number").nth(1)).to_have_text("1")
    expect(staff.locator("#checklist-stats .stat-number").nth(2)).to_have_text("1")
    expect(item.locator(f"#note-{w.unit_id}")).to_have_value("已送电暖气一台，晚上再来看")
    assert staff.evaluate("performance.getEntriesByType('navigation').length") == 1  # never reloaded
    check_phone_page(staff, report, path + " (live)")
    assert not report, "\n\n".join(report)


if __name__ == "__main__":
    print(json.dumps(_build(with_notice="notice" in sys.argv[1:])))
