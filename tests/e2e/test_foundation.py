"""Issue 2 in a real browser: the demo secretary sees their courtyard in Chinese; a newcomer who
joins with the invite code sees nothing of the courtyard until approved, and sees it right after."""
from __future__ import annotations

import pytest

from .conftest import login

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "courtyard2026"


def test_the_secretary_sees_their_courtyard_in_chinese(new_page):
    page = new_page()
    login(page, "secretary", DEMO_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    body = page.locator("main").inner_text()
    assert "芳古园一区社区" in body and "1号楼" in body
    assert "我的院落" in page.content()


def test_a_newcomer_sees_the_courtyard_only_after_approval(new_page):
    secretary = new_page()
    login(secretary, "secretary", DEMO_PASSWORD)
    courtyards = secretary.request.get("/api/v1/courtyards").json()["items"]
    courtyard = next(c for c in courtyards if c["building"]["name"] == "2号楼")
    code = courtyard["invite_code"]

    newcomer = new_page()
    newcomer.goto(f"/join/{code}")
    options = newcomer.locator("select[name=unit_id] option")
    newcomer.select_option("select[name=unit_id]", options.nth(options.count() - 1).get_attribute("value"))
    newcomer.check("input[name=tenure][value=owner]")
    newcomer.fill("input[name=display_name]", "钱秀英")
    newcomer.fill("input[name=login]", "qianxiuying")
    newcomer.fill("input[name=password]", "qian-2026-pw")
    newcomer.fill("input[name=password_again]", "qian-2026-pw")
    newcomer.locator("form:has(input[name=password_again]) button[type=submit]").click()
    newcomer.wait_for_url("**/waiting**")

    assert newcomer.goto(f"/courtyards/{courtyard['id']}").status == 404
    assert newcomer.request.get(f"/api/v1/courtyards/{courtyard['id']}").status == 404

    secretary.goto(f"/courtyards/{courtyard['id']}/pending")
    card = secretary.locator("li.request", has_text="钱秀英")
    card.locator("button", has_text="同意").first.click()
    secretary.wait_for_load_state()
    assert secretary.locator("li.request", has_text="钱秀英").count() == 0

    response = newcomer.goto(f"/courtyards/{courtyard['id']}")
    assert response.status == 200
    assert "2号楼" in newcomer.locator("main").inner_text()
