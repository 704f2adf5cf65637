"""Two residents in two browsers on one topic: what one writes, the other sees without
reloading; what the secretary hides vanishes for both (CONTRACT §5, issue 3 item 8)."""
from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.live.world import build_world

pytestmark = pytest.mark.browser


def _open_topic(new_page, person, topic_id):
    page = new_page()
    page.goto(f"/login?next=/topics/{topic_id}")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(person.login)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/topics/{topic_id}")
    page.locator('#discussion[data-joined="true"]').wait_for()
    return page


def test_a_message_appears_live_for_the_neighbour_and_vanishes_for_both_when_hidden(live_server, new_page):
    from playwright.sync_api import expect
    w = build_world(live_server, residents=2)
    alice, bob = w.residents
    a = _open_topic(new_page, alice, w.topic_id)
    b = _open_topic(new_page, bob, w.topic_id)
    expect(a.locator("#online-count")).to_have_text("2")

    text = "今晚八点清理楼道杂物，请大家把东西搬回家"
    b.locator("#post-form textarea").press_sequentially("好")  # typing shows on the other side
    expect(a.locator("#typing")).to_contain_text(bob.display_name)
    b.locator("#post-form textarea").fill("")
    a.locator("#post-form textarea").fill(text)
    a.locator("#post-form button[type=submit]").click()

    mine = a.locator("#messages > li", has_text=text)
    expect(mine).to_have_count(1)
    expect(mine).to_have_attribute("data-message-id", re.compile(r"^\d+$"))  # the ack replaced the pending one
    expect(mine).not_to_have_class(re.compile(r"message-pending"))
    theirs = b.locator("#messages > li", has_text=text)
    expect(theirs).to_have_count(1)
    message_id = mine.get_attribute("data-message-id")
    expect(theirs).to_have_attribute("data-message-id", message_id)
    expect(theirs.locator(".message-author")).to_have_text(alice.display_name)
    assert a.evaluate("performance.getEntriesByType('navigation').length") == 1  # nobody reloaded

    secretary = _open_topic(new_page, w.secretary, w.topic_id)
    secretary.locator(f"#m{message_id} .message-actions button", has_text="隐藏").click()
    expect(a.locator(f"#m{message_id}")).to_have_count(0)
    expect(b.locator(f"#m{message_id}")).to_have_count(0)
    expect(a.locator("#messages > li", has_text=text)).to_have_count(0)


def test_user_text_is_shown_as_text_never_as_html(live_server, new_page):
    from playwright.sync_api import expect
    w = build_world(live_server, residents=2)
    a = _open_topic(new_page, w.residents[0], w.topic_id)
    b = _open_topic(new_page, w.residents[1], w.topic_id)
    text = '<img src=x onerror="document.body.dataset.owned=1"><b>粗体</b>'
    a.locator("#post-form textarea").fill(text)
    a.locator("#post-form button[type=submit]").click()
    body = b.locator("#messages > li .message-body", has_text="<b>粗体</b>")
    expect(body).to_have_text(text)
    assert b.locator("#messages img, #messages b").count() == 0
    assert b.evaluate("document.body.dataset.owned") is None


@pytest.fixture
def own_server():
    """A server of this test's own, which it may restart."""
    from tests.live import LiveServer
    server = LiveServer(mode="eventlet", seed=False).start()
    yield server
    server.stop()


def test_after_the_connection_drops_the_page_catches_up_with_no_gap_and_no_duplicate(browser, own_server):
    import requests
    from playwright.sync_api import expect
    w = build_world(own_server, residents=2)
    reader, writer = w.residents

    def post(n: int) -> int:
        r = requests.post(f"{own_server.url}/api/v1/topics/{w.topic_id}/messages",
                          json={"body": f"消息{n}", "client_id": f"n{n}"},
                          headers={"Authorization": f"Bearer {writer.token}"}, timeout=60)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    ctx = browser.new_context(base_url=own_server.url, locale="zh-CN", viewport={"width": 360, "height": 740})
    ctx.set_default_timeout(30000)
    try:
        page = _open_topic(lambda: ctx.new_page(), reader, w.topic_id)
        items = page.locator("#messages > li[data-message-id]")
        ids = [post(n) for n in range(2)]
        expect(items).to_have_count(2)
        own_server.restart()  # every socket drops; the page reconnects on its own
        ids += [post(n) for n in range(2, 5)]  # written while the page was away
        expect(items).to_have_count(5)
        ids.append(post(5))
        expect(items).to_have_count(6)
        shown = [int(x) for x in items.evaluate_all("els => els.map(e => e.dataset.messageId)")]
        assert shown == ids
        expect(page.locator("#messages > li .message-body")).to_have_text([f"消息{n}" for n in range(6)])
    finally:
        ctx.close()
