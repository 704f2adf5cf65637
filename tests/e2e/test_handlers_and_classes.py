"""The handlers' bulletin (issue 12 part 5) and the five classes of 判 (part 6) in a phone's browser:
the street administrator finds the bulletin from the dashboard's "More", reads the departments'
weekly bulletin and the monthly ranking, and the dashboard and 未诉先办 group the matters by
the five classes — in Chinese and in English, at 360 px, checked with axe."""
from __future__ import annotations

import pytest

from courtyard.seeding.demo import PASSWORD

from .axe import check_phone_page
from .conftest import login
from .test_accessibility import axe_page  # noqa: F401  (a fixture: lets axe in past the CSP)

pytestmark = pytest.mark.browser

CLASSES_ZH = ("城市管理", "平安建设", "民生保障", "便民服务", "投诉举报")


def test_the_bulletin_and_the_five_classes_in_chinese_and_english(axe_page):
    from playwright.sync_api import expect
    page = axe_page(360)
    login(page, "admin", PASSWORD, next_path="/insight")
    report: list[str] = []
    classes = page.locator("section[aria-labelledby=class-title]")
    expect(classes).to_be_visible()
    for name in CLASSES_ZH:
        expect(classes).to_contain_text(name)
    check_phone_page(page, report, "/insight")

    bulletin = page.locator("a[href*='/insight/bulletin']").first
    bulletin.scroll_into_view_if_needed()
    href = bulletin.get_attribute("href")
    page.goto(href)
    expect(page.locator("h1")).to_have_text("办理情况通报")
    expect(page.locator("section[aria-labelledby=dept-title]")).to_be_visible()
    check_phone_page(page, report, "/insight/bulletin (week)")
    page.locator("nav.subnav a", has_text="月排名").click()
    expect(page.locator("nav.subnav a[aria-current=page]")).to_have_text("月排名")
    expect(page.locator("section[aria-labelledby=prop-title]")).to_be_visible()
    check_phone_page(page, report, "/insight/bulletin (month)")

    page.goto("/insight/foresight")
    expect(page.locator("body")).to_contain_text("城市管理")
    check_phone_page(page, report, "/insight/foresight")

    page.locator("details.topmenu > summary").click()  # the language switch is in the menu
    page.locator(".topmenu form.lang-switch button[value=en]").click()
    page.goto(href)
    expect(page.locator("h1")).to_have_text("Handlers’ bulletin")
    check_phone_page(page, report, "/insight/bulletin (en)")
    page.goto("/insight")
    expect(page.locator("section[aria-labelledby=class-title]")).to_contain_text("City management")
    check_phone_page(page, report, "/insight (en)")
    assert not report, "\n\n".join(report)
