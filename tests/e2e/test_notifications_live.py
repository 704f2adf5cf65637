"""In Chromium: the top bar's badge counts a reply live on a page without a topic room, and a
moderator's open topic page gets hide controls on messages that arrive live (static/js)."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.factories import PASSWORD
from tests.live.world import build_world

pytestmark = pytest.mark.browser


def _login(new_page, person, path):
    page = new_page()
    page.goto(f"/login?next={path}")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(person.login)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**{path}")
    return page


def _post(server, person, topic_id, body):
    req = urllib.request.Request(
        f"{server.url}/api/v1/topics/{topic_id}/messages", method="POST",
        data=json.dumps({"body": body, "client_id": body}).encode(),
        headers={"Authorization": f"Bearer {person.token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_the_badge_counts_replies_live_and_live_messages_get_moderation_controls(live_server, new_page):
    from playwright.sync_api import expect
    w = build_world(live_server, residents=2)
    author, neighbour = w.residents

    home = _login(new_page, author, "/courtyards")
    badge = home.locator("#unread-badge")
    expect(badge).to_be_hidden()
    expect(badge).to_have_attribute("data-live", "true")  # the socket is up on a page without a room

    sec = _login(new_page, w.secretary, f"/topics/{w.topic_id}")
    sec.locator('#discussion[data-joined="true"]').wait_for()

    first = _post(live_server, neighbour, w.topic_id, "我家门口也堆了")
    expect(badge).to_have_text("1")
    expect(badge).to_be_visible()
    _post(live_server, neighbour, w.topic_id, "周末一起清理吧")
    expect(badge).to_have_text("1")  # coalesced: still one unread notification for this topic
    assert home.evaluate("performance.getEntriesByType('navigation').length") == 1

    live = sec.locator(f"#m{first['id']}")
    expect(live.locator(".message-actions button", has_text=re.compile("隐藏|Hide"))).to_have_count(1)
    live.locator(".message-actions button", has_text=re.compile("隐藏|Hide")).click()
    sec.wait_for_url(re.compile(rf"/topics/{w.topic_id}"))
    expect(sec.locator(f"#m{first['id']}")).to_have_class(re.compile("message-hidden"))

    home.goto("/notifications")
    expect(home.locator("#notification-list > li")).to_have_count(1)
    expect(home.locator("#notification-list > li").first).to_contain_text("楼道堆物")
