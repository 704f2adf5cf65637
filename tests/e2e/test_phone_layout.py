"""Phone-first pages at 360 px (issue 10, items 5 and 7): each role lands on its work with the header
in one row; a secretary's topic page starts the discussion and its composer on the first screen;
the composer counts and says why it will not send; long messages fold; photos open in a viewer.

Screenshots of each role's landing page go to test-artifacts/phone-<role>.png."""
from __future__ import annotations

import io
import re
import uuid

import pytest
import requests

from courtyard.seeding.demo import PASSWORD
from courtyard.seeding.voting import EBIKE_TOPIC

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SCREEN = 740  # the phone's height


def _api(server, login):
    r = requests.post(f"{server.url}/api/v1/auth/token", json={"login": login, "password": PASSWORD}, timeout=30)
    assert r.status_code == 201, r.text
    headers = {"Authorization": f"Bearer {r.json()['token']}"}

    def call(method, path, **kw):
        r = requests.request(method, f"{server.url}/api/v1{path}", headers=headers, timeout=30, **kw)
        assert r.status_code < 300, (path, r.status_code, r.text)
        return r.json()
    return call


def _ebike_topic(call) -> tuple[int, int]:
    for courtyard in call("GET", "/courtyards")["items"]:
        for topic in call("GET", f"/courtyards/{courtyard['id']}/topics?per_page=100")["items"]:
            if topic["title"] == EBIKE_TOPIC:
                return courtyard["id"], topic["id"]
    raise AssertionError("the demo topic is missing")


def _login(new_page, login, next_path=None):
    """Log in through the form; without next_path the person lands wherever their work is."""
    page = new_page()
    page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(tasks|insight|courtyards)(/\d+)?$") if next_path is None else f"**{next_path}")
    return page


def _png(colour) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "PNG")
    return out.getvalue()


LANDINGS = {"owner": r"/courtyards/\d+$", "secretary": r"/courtyards$", "property": r"/tasks$",
            "dept": r"/tasks$", "staff": r"/insight$", "admin": r"/insight$"}


@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_role_lands_on_its_work_under_a_one_row_header(live_server, new_page, role):
    from playwright.sync_api import expect
    page = _login(new_page, role)
    assert re.search(LANDINGS[role], page.url), page.url
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 64
    # One row: every item of the bar sits inside the bar's height.
    tops = page.eval_on_selector_all(".topbar-row > *", "els => els.filter(e => e.offsetParent)"
                                     ".map(e => [e.getBoundingClientRect().top, e.getBoundingClientRect().bottom])")
    assert tops and all(top >= header["y"] - 1 and bottom <= header["y"] + header["height"] + 1 for top, bottom in tops)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The work is above the fold: the page's heading is on the first screen.
    assert page.locator("main h1").first.bounding_box()["y"] < SCREEN / 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{role}.png"))

    # Navigation stays one tap away: the menu opens a panel of links, Esc closes it.
    button = page.locator("#topmenu > summary")
    expect(page.locator("#nav-notifications")).to_be_visible()
    button.click()
    expect(page.locator(".topmenu-panel nav a").first).to_be_visible()
    if role in ("property", "dept"):
        expect(page.locator("#nav-tasks")).to_be_visible()
    if role in ("staff", "admin"):
        expect(page.locator('.topmenu-panel a[href="/insight"]')).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".topmenu-panel")).to_be_hidden()
    assert page.evaluate("document.activeElement === document.querySelector('#topmenu > summary')")


def test_the_unread_badge_shows_in_the_one_row_header(live_server, new_page):
    from playwright.sync_api import expect
    owner = _api(live_server, "owner")
    _cy, topic_id = _ebike_topic(owner)
    _api(live_server, "lead")("POST", f"/topics/{topic_id}/messages",
                              json={"body": "楼下的充电桩什么时候装？", "client_id": uuid.uuid4().hex})
    page = _login(new_page, "owner")
    badge = page.locator("#unread-badge")
    expect(badge).to_be_visible()
    box, header = badge.bounding_box(), page.locator("header.topbar").bounding_box()
    assert box["y"] + box["height"] <= header["y"] + header["height"]


def test_a_secretary_finds_the_discussion_and_the_composer_on_the_first_screen(live_server, new_page):
    from playwright.sync_api import expect
    _cy, topic_id = _ebike_topic(_api(live_server, "secretary"))
    page = _login(new_page, "secretary", f"/topics/{topic_id}")
    page.locator('#discussion[data-joined="true"]').wait_for()
    composer = page.locator("#post-form").bounding_box()
    assert composer["y"] < SCREEN and composer["y"] + composer["height"] <= SCREEN + 1
    assert page.locator("#discussion").bounding_box()["y"] < SCREEN
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-secretary-topic.png"))

    # Moderation, votes and tasks wait behind buttons that say whether they are open.
    for panel in ("fold-manage", "fold-proposals", "fold-tasks"):
        button = page.locator(f'.tool-button[aria-controls="{panel}"]')
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(page.locator(f"#{panel}")).to_be_hidden()
    expect(page.locator(".tool-flag-voting")).to_be_visible()  # the demo ballot is open
    button = page.locator('.tool-button[aria-controls="fold-manage"]')
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#moderation")).to_be_visible()
    button.click()
    expect(page.locator("#fold-manage")).to_be_hidden()
    # A link into a panel (a notification's #proposal-…) opens it.
    anchor = page.locator("#fold-proposals .ballot-card").first.get_attribute("id")
    page.goto(f"/topics/{topic_id}#{anchor}")
    expect(page.locator(f"#{anchor}")).to_be_visible()
    expect(page.locator('.tool-button[aria-controls="fold-proposals"]')).to_have_attribute("aria-expanded", "true")


def test_on_a_wide_screen_the_panels_start_open(live_server, new_page):
    from playwright.sync_api import expect
    _cy, topic_id = _ebike_topic(_api(live_server, "secretary"))
    page = _login(lambda: new_page(width=1280, height=900), "secretary", f"/topics/{topic_id}")
    for panel in ("fold-manage", "fold-proposals", "fold-tasks"):
        expect(page.locator(f'.tool-button[aria-controls="{panel}"]')).to_have_attribute("aria-expanded", "true")
        expect(page.locator(f"#{panel}")).to_be_visible()


def test_the_composer_counts_and_says_why_it_will_not_send(live_server, new_page):
    from playwright.sync_api import expect
    _cy, topic_id = _ebike_topic(_api(live_server, "owner"))
    page = _login(new_page, "owner", f"/topics/{topic_id}")
    page.locator('#discussion[data-joined="true"]').wait_for()
    before = page.locator("#messages > li").count()
    box, send = page.locator("#post-form textarea"), page.locator("#post-form button[type=submit]")
    refused, counter = page.locator("#post-refused"), page.locator("#post-count")

    send.click()  # nothing written
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("请先写点内容")
    expect(box).to_have_attribute("aria-invalid", "true")

    box.fill("你好")
    expect(counter).to_have_text("2 / 2000 字")
    expect(refused).to_be_hidden()

    box.fill("长" * 2001)  # not cut to 2000: the browser keeps it all and the page says why
    expect(counter).to_have_text("2001 / 2000 字")
    expect(counter).to_have_class(re.compile("is-over"))
    send.click()
    expect(refused).to_contain_text("最多 2000 字")
    expect(refused).to_contain_text("2001")
    assert len(box.input_value()) == 2001
    assert page.locator("#messages > li").count() == before  # nothing was sent

    box.fill("长" * 2000)
    send.click()
    expect(page.locator("#messages > li")).to_have_count(before + 1)
    expect(refused).to_be_hidden()
    expect(counter).to_be_hidden()  # the box is empty again


def test_a_long_message_folds_with_a_button(live_server, new_page):
    from playwright.sync_api import expect
    lead = _api(live_server, "lead")
    _cy, topic_id = _ebike_topic(lead)
    long_text = "我算了一下充电口的费用。" * 60  # 720 characters
    first = lead("POST", f"/topics/{topic_id}/messages", json={"body": long_text, "client_id": uuid.uuid4().hex})
    page = _login(new_page, "owner", f"/topics/{topic_id}")
    page.locator('#discussion[data-joined="true"]').wait_for()

    for message_id in (first["id"], None):
        if message_id is None:  # and one that arrives live
            message_id = lead("POST", f"/topics/{topic_id}/messages",
                              json={"body": long_text, "client_id": uuid.uuid4().hex})["id"]
        li = page.locator(f"#m{message_id}")
        button = li.locator("button.message-fold")
        expect(button).to_have_text("展开")
        expect(button).to_have_attribute("aria-expanded", "false")
        body = li.locator(".message-body")
        expect(body).to_have_class(re.compile("is-folded"))
        folded = body.bounding_box()["height"]
        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(button).to_have_text("收起")
        assert body.bounding_box()["height"] > folded * 1.5
        button.click()
        expect(button).to_have_attribute("aria-expanded", "false")
    # Short messages have no button.
    assert page.locator("#messages > li:not(:has(.message-fold))").count() > 0


def test_photos_open_in_a_viewer_on_the_page(live_server, new_page):
    from playwright.sync_api import expect
    owner = _api(live_server, "owner")
    courtyard_id, _topic = _ebike_topic(owner)
    ids = []
    for i, colour in enumerate(((200, 60, 40), (40, 120, 200))):
        r = requests.post(f"{live_server.url}/api/v1/uploads", files={"file": (f"p{i}.png", _png(colour), "image/png")},
                          headers=_auth(live_server, "owner"), timeout=30)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    topic = owner("POST", f"/courtyards/{courtyard_id}/topics",
                  json={"title": "楼道灯坏了两盏", "body": "三楼和四楼的灯都不亮。", "category": "repairs", "photo_ids": ids})
    page = _login(new_page, "owner", f"/topics/{topic['id']}")
    links = page.locator(".photo-grid a")
    expect(links).to_have_count(2)
    links.first.click()
    viewer = page.locator("dialog#photo-viewer")
    expect(viewer).to_be_visible()
    assert len(page.context.pages) == 1  # no new tab
    expect(viewer.locator(".viewer-count")).to_have_text("第 1 张，共 2 张")
    expect(viewer.locator(".viewer-stage img")).to_have_attribute("src", re.compile(rf"/uploads/{ids[0]}\b"))
    expect(viewer.locator(".viewer-prev")).to_be_disabled()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-photo-viewer.png"))
    page.keyboard.press("ArrowRight")
    expect(viewer.locator(".viewer-count")).to_have_text("第 2 张，共 2 张")
    expect(viewer.locator(".viewer-stage img")).to_have_attribute("src", re.compile(rf"/uploads/{ids[1]}\b"))
    page.keyboard.press("ArrowLeft")
    expect(viewer.locator(".viewer-count")).to_have_text("第 1 张，共 2 张")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    assert page.evaluate("document.activeElement === document.querySelector('.photo-grid a')")
    links.nth(1).click()
    expect(viewer.locator(".viewer-count")).to_have_text("第 2 张，共 2 张")
    viewer.locator(".viewer-close").click()
    expect(viewer).to_be_hidden()
    assert len(page.context.pages) == 1

    # A task's photos (the finished work, on the task's page) open in the same viewer.
    staff = _login(new_page, "property")
    staff.locator("#task-queue a[href^='/tasks/']").first.wait_for()
    staff.goto("/tasks?view=all")
    for href in staff.eval_on_selector_all("#task-queue a[href^='/tasks/']", "els => els.map(e => e.getAttribute('href'))"):
        staff.goto(href)
        if staff.locator(".timeline-photos a").count():
            break
    else:
        raise AssertionError("no demo task with a photo")
    staff.locator(".timeline-photos a").first.click()
    expect(staff.locator("dialog#photo-viewer")).to_be_visible()
    staff.keyboard.press("Escape")
    expect(staff.locator("dialog#photo-viewer")).to_be_hidden()


def _auth(server, login) -> dict:
    r = requests.post(f"{server.url}/api/v1/auth/token", json={"login": login, "password": PASSWORD}, timeout=30)
    return {"Authorization": f"Bearer {r.json()['token']}"}
