"""The notification centre page, the top bar's badge, and muting from the topic page."""
from __future__ import annotations

import re

import pytest

from courtyard.deliberation import services
from courtyard.notifications import services as notifications

from ..web.browser import Browser


@pytest.fixture
def browser_for(app):
    def open_as(user) -> Browser:
        b = Browser(app.test_client()).english()
        b.login(user)
        return b
    return open_as


def badge(page: str) -> str | None:
    m = re.search(r'<span class="nav-badge" id="unread-badge"( hidden)?>(\d+)</span>', page)
    return None if m is None or m.group(1) else m.group(2)


def test_the_badge_shows_the_unread_count_and_the_centre_lists_them(world, topic, browser_for):
    me = browser_for(world.user("resident"))
    assert badge(me.text("/courtyards")) is None
    services.post_message(world.user("secretary"), topic, body="一", client_id="1")
    services.change_status(world.user("secretary"), topic, "deliberating")
    assert badge(me.text("/courtyards")) == "2"
    page = me.text("/notifications")
    assert "replied in “电动车棚漏雨”" in page and "Under discussion" in page
    assert 'src="/static/js/notifications.js"' in page

    first = db_first(world.user("resident"))
    r = me.get(f"/notifications/{first.id}/open")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/topics/{topic.id}")
    assert badge(me.text("/courtyards")) == "1"
    assert browser_for(world.user("secretary")).get(f"/notifications/{first.id}/open").status_code == 404

    me.post("/notifications/read-all", {"next": "/notifications"})
    page = me.text("/notifications?unread=1")
    assert badge(page) is None and "No unread notifications" in page


def db_first(user):
    from courtyard.extensions import db
    return db.session.scalars(notifications.notifications_for(user)).first()


def test_mark_one_read(world, topic, browser_for):
    services.post_message(world.user("secretary"), topic, body="一", client_id="1")
    me = browser_for(world.user("resident"))
    n = db_first(world.user("resident"))
    r = me.post(f"/notifications/{n.id}/read", {"next": "/notifications"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/notifications")
    assert notifications.unread_count(world.user("resident")) == 0


def test_mute_from_the_topic_page(world, topic, browser_for):
    me = browser_for(world.user("resident"))
    me.post(f"/topics/{topic.id}/mute", {"action": "mute", "next": f"/topics/{topic.id}"})
    assert notifications.is_muted(world.user("resident"), topic)
    assert "Unmute: notify me again" in me.text(f"/topics/{topic.id}")
    me.post(f"/topics/{topic.id}/mute", {"action": "unmute"})
    assert not notifications.is_muted(world.user("resident"), topic)
    assert browser_for(world.user("outsider")).post(f"/topics/{topic.id}/mute", {"action": "mute"}).status_code == 404


def test_the_centre_speaks_chinese_by_default(world, topic, app):
    services.post_message(world.user("secretary"), topic, body="一", client_id="1")
    b = Browser(app.test_client())
    b.login(world.user("resident"))
    page = b.text("/notifications")
    assert "通知" in page
