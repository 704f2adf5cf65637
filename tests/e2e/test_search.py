"""Search in a phone's browser (issue 12, part 7): the /search page at 360 px in Chinese and in
English, with no serious axe violation; on the new-topic page, similar open topics appear while
the title is typed, and 我也遇到 supports one of them without leaving the form.

The live server holds the demo (seed-demo, through the services: the index is written by the
listeners); the topic to find is raised here through the API, with a title of its own."""
from __future__ import annotations

import re
import uuid

import pytest
import requests

from courtyard.seeding.demo import PASSWORD

from .axe import assert_accessible
from .conftest import login

pytestmark = pytest.mark.browser


def _api(server, login_name):
    r = requests.post(f"{server.url}/api/v1/auth/token", json={"login": login_name, "password": PASSWORD},
                      timeout=30)
    assert r.status_code == 201, r.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return session


@pytest.fixture(scope="module")
def raised(live_server) -> dict:
    """A topic of the owner's courtyard with a word no demo topic has: 太阳能热水器."""
    owner = _api(live_server, "owner")
    courtyard = owner.get(f"{live_server.url}/api/v1/courtyards", timeout=30).json()["items"][0]["id"]
    mark = uuid.uuid4().hex[:6]
    r = owner.post(f"{live_server.url}/api/v1/courtyards/{courtyard}/topics", timeout=30, json={
        "title": f"楼顶太阳能热水器漏水 {mark}", "body": "水滴到六楼阳台上，地面一直是湿的。", "category": "repairs"})
    assert r.status_code == 201, r.text
    return {"courtyard": courtyard, "topic": r.json()["id"], "title": r.json()["title"], "owner": owner}


@pytest.fixture
def axe_page(browser, live_server):
    contexts = []

    def factory(width: int = 360):
        ctx = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN",
                                  base_url=live_server.url, bypass_csp=True)
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        return ctx.new_page()

    yield factory
    for ctx in contexts:
        ctx.close()


def _to_english(page) -> None:
    page.locator(".topmenu-button").click()
    page.locator("form.lang-switch button").click()
    page.wait_for_load_state("load")


def test_the_search_page_at_360_px_in_chinese_and_english(axe_page, raised):
    from playwright.sync_api import expect
    page = axe_page(360)
    login(page, "owner2", PASSWORD)
    page.goto("/courtyards")
    page.locator(".topmenu-button").click()
    page.locator("#nav-search").click()
    page.wait_for_url("**/search")
    page.locator("#search-q").fill("热水器 漏水")
    page.locator("form.search-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/search\?q="))
    hit = page.locator(".search-hit").first
    expect(hit).to_contain_text(raised["title"])
    expect(hit.locator("mark").first).to_have_text("热水器")
    expect(hit).to_contain_text("议题")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "/search (zh, 360 px)")

    page.goto("/search?q=充电桩")  # a demo topic and its messages
    expect(page.locator(".search-hit-message").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "/search?q=充电桩 (zh, 360 px)")

    _to_english(page)
    expect(page.locator("h1")).to_have_text("Search topics and messages")
    expect(page.locator(".search-count")).to_contain_text("result")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "/search?q=充电桩 (en, 360 px)")


def test_similar_topics_appear_while_typing_and_me_too_supports_one(axe_page, live_server, raised):
    from playwright.sync_api import expect
    page = axe_page(360)
    login(page, "owner2", PASSWORD)
    page.goto(f"/courtyards/{raised['courtyard']}/topics/new")
    box = page.locator("[data-similar-list]")
    expect(box).to_be_hidden()
    title = page.locator("input[name=title]")
    title.press_sequentially("热", delay=30)
    expect(box).to_be_hidden()  # one character: nothing asked
    title.press_sequentially("水器又漏了", delay=30)
    item = box.locator(".similar-item", has_text=raised["title"])
    expect(item).to_be_visible()
    assert item.locator("a").get_attribute("href") == f"/topics/{raised['topic']}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "new topic with similar topics (zh, 360 px)")

    item.locator("button.similar-support").click()
    expect(item.locator(".similar-done")).to_have_text("您也遇到了")
    expect(item.locator(".similar-meta")).to_contain_text("1 人也遇到")
    topic = raised["owner"].get(f"{live_server.url}/api/v1/topics/{raised['topic']}", timeout=30).json()
    assert topic["support_count"] == 1
    assert page.url.endswith("/topics/new")  # still on the form, what was typed kept
    assert title.input_value() == "热水器又漏了"

    title.fill("")
    title.press_sequentially("好", delay=30)
    expect(box).to_be_hidden()
