"""Where a topic is, in a phone's browser (issue 12 part 7): the resident picks the place, adds a
note and, when asked, the phone's location; the topic page says where. Checked at 360 px with axe."""
from __future__ import annotations

import re

import pytest

from courtyard.seeding.demo import PASSWORD

from .axe import assert_accessible
from .conftest import login
from .test_accessibility import axe_page  # noqa: F401  (a fixture: lets axe in past the CSP)

pytestmark = pytest.mark.browser


def test_a_resident_says_where_with_the_phones_location(axe_page):
    from playwright.sync_api import expect
    page = axe_page(360)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 39.865123, "longitude": 116.430211})
    login(page, "owner", PASSWORD)
    page.goto("/courtyards")
    href = page.locator("a[href^='/courtyards/']").first.get_attribute("href")
    cy = int(re.search(r"/courtyards/(\d+)", href).group(1))
    page.goto(f"/courtyards/{cy}/topics/new")
    assert_accessible(page)
    page.locator("input[name=title]").fill("车棚顶漏雨")
    page.locator("textarea[name=body]").fill("下雨时电动车被淋湿。")
    page.locator("input[name=category][value=facilities]").check()
    page.locator("select[name=place]").select_option("bike_shed")
    page.locator("input[name=place_note]").fill("三单元北侧")
    page.get_by_role("button", name="添加我的地图位置").click()
    expect(page.locator("[data-where-status]")).to_contain_text("39.865123, 116.430211")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("form.topic-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/topics/\d+$"))
    where = page.locator(".topic-where")
    expect(where).to_contain_text("自行车和电动车棚（三单元北侧）")
    assert page.locator("a.topic-point").get_attribute("href") == "geo:39.865123,116.430211"
    assert_accessible(page)


def test_the_place_in_english(axe_page):
    from playwright.sync_api import expect
    page = axe_page(360)
    login(page, "owner", PASSWORD)
    page.locator("details.topmenu > summary").click()  # the language switch is in the menu
    page.locator(".topmenu form.lang-switch button[value=en]").click()
    page.wait_for_load_state()
    page.goto("/courtyards")
    href = page.locator("a[href^='/courtyards/']").first.get_attribute("href")
    cy = int(re.search(r"/courtyards/(\d+)", href).group(1))
    page.goto(f"/courtyards/{cy}/topics/new")
    expect(page.locator("h1")).to_have_text("Raise a topic")
    expect(page.locator("legend", has_text="Where is it?")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=title]").fill("Roof leaks over the bike shed")
    page.locator("textarea[name=body]").fill("The bikes get wet when it rains.")
    page.locator("input[name=category][value=facilities]").check()
    page.locator("select[name=place]").select_option("bike_shed")
    page.locator("input[name=place_note]").fill("north of unit 3")
    page.locator("form.topic-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/topics/\d+$"))
    expect(page.locator(".topic-where")).to_contain_text("north of unit 3")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
