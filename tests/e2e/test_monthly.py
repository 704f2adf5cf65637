"""The monthly 主动治理 project in a phone's browser (issue 12 part 3): community staff take up a
hot spot as the month's project and post its outcome; a resident reads it on the 公示栏. The
pages are checked with axe at 360 px."""
from __future__ import annotations

import re

import pytest

from courtyard.seeding.demo import PASSWORD

from .axe import assert_accessible
from .conftest import login
from .test_accessibility import axe_page  # noqa: F401  (a fixture: lets axe in past the CSP)

pytestmark = pytest.mark.browser


def test_staff_take_up_a_hot_spot_and_residents_read_the_outcome(axe_page, live_server):
    from playwright.sync_api import expect
    staff = axe_page(360)
    login(staff, "staff", PASSWORD)
    staff.goto("/boards")
    board_url = staff.url if "/board" in staff.url else staff.locator("a[href$='/board']").first.get_attribute("href")
    community = int(re.search(r"/communities/(\d+)", board_url).group(1))
    staff.goto(f"/communities/{community}/monthly-projects")
    expect(staff.locator("h1")).to_have_text("本月主动治理")
    assert_accessible(staff)
    first = staff.locator(".monthly-item").first
    expect(first).to_contain_text("厨余垃圾")  # the demo's project of this month, under way
    first.locator("textarea[name=outcome]").fill("傍晚 18:00 加收一次，2 单元门口加了一个厨余桶。")
    first.get_by_role("button", name="公布结果").click()
    expect(staff.locator(".flash, [role=status], .notice").first).to_be_visible()
    assert staff.evaluate("document.documentElement.scrollWidth") <= 360

    resident = axe_page(360)
    login(resident, "owner", PASSWORD)
    resident.goto(f"/communities/{community}/board")
    section = resident.locator("section[aria-labelledby=monthly-title]")
    expect(section).to_contain_text("2 单元门口加了一个厨余桶")
    expect(section).to_contain_text("北门消防通道")  # last month's, done
    assert_accessible(resident)
    assert resident.locator("textarea[name=outcome]").count() == 0


def test_the_project_form_is_prefilled_and_accessible(axe_page):
    staff = axe_page(360)
    login(staff, "staff", PASSWORD)
    staff.goto("/courtyards")
    href = staff.locator("a[href^='/courtyards/']").first.get_attribute("href")
    cy = int(re.search(r"/courtyards/(\d+)", href).group(1))
    staff.goto(f"/monthly-projects/new?courtyard_id={cy}&category=greening&total=5")
    assert "5" in staff.locator("textarea[name=body]").input_value()
    assert staff.locator("input[name=department_ids]").count() == 3
    assert_accessible(staff)
    assert staff.evaluate("document.documentElement.scrollWidth") <= 360


def _english(page) -> None:
    page.locator("details.topmenu > summary").click()  # the language switch is in the menu
    page.locator(".topmenu form.lang-switch button[value=en]").click()
    page.wait_for_load_state()


def test_the_months_projects_in_english(axe_page):
    from playwright.sync_api import expect
    staff = axe_page(360)
    login(staff, "staff", PASSWORD)
    _english(staff)
    staff.goto("/boards")
    board_url = staff.url if "/board" in staff.url else staff.locator("a[href$='/board']").first.get_attribute("href")
    community = int(re.search(r"/communities/(\d+)", board_url).group(1))
    staff.goto(f"/communities/{community}/monthly-projects")
    expect(staff.locator("h1")).to_have_text("Project of the month")
    assert_accessible(staff)
    staff.goto("/courtyards")
    href = staff.locator("a[href^='/courtyards/']").first.get_attribute("href")
    cy = int(re.search(r"/courtyards/(\d+)", href).group(1))
    staff.goto(f"/monthly-projects/new?courtyard_id={cy}&category=greening&total=5")
    expect(staff.locator("h1")).to_have_text("Take this up as the project of the month")
    assert_accessible(staff)
    assert staff.evaluate("document.documentElement.scrollWidth") <= 360
