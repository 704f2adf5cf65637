"""In Chromium at 360 px: the notification centre, open while the property staff move a task on,
keeps one entry for the task — replaced live under the same id — that gathers its steps
(“2 条进展”), without reloading (notifications/grouping.py, static/js/notifications.js)."""
from __future__ import annotations

import json
import urllib.request
import uuid
from types import SimpleNamespace

import pytest

from tests.factories import PASSWORD
from tests.live.world import run_world

pytestmark = pytest.mark.browser


def _build() -> dict:
    from courtyard import create_app
    from courtyard.accounts.services import issue_token
    from courtyard.deliberation import services as deliberation
    from courtyard.extensions import db
    from courtyard.tasks import services as tasks

    from tests.factories import Factory

    app = create_app()
    with app.app_context():
        make = Factory()
        tag = uuid.uuid4().hex[:6]
        org = make.organization(f"方庄物业{tag}")
        courtyard = make.courtyard(make.community(f"芳古园{tag}社区"), property_org=org, name=f"{tag}号楼")
        author = make.resident(courtyard, user=make.user(f"a{tag}", display_name="陈桂兰"))
        secretary = make.secretary(courtyard, user=make.user(f"s{tag}", display_name="王淑芬"))
        staff = make.org_staff(org, user=make.user(f"p{tag}", display_name="杨帆"))
        topic = deliberation.create_topic(author, courtyard, title="2单元顶层漏雨", body="601 天花板渗水。",
                                          category="repairs")
        task = tasks.create_task(secretary, topic)
        world = {"topic_id": topic.id, "task_id": task.id, "author": {"login": author.login},
                 "staff": {"login": staff.login, "token": issue_token(staff)}}
        db.session.remove()
    return world


def build_world(server) -> SimpleNamespace:
    return run_world("tests.e2e.test_grouped_notifications", server)


def _step(server, staff, task_id, status):
    req = urllib.request.Request(
        f"{server.url}/api/v1/tasks/{task_id}/updates", method="POST",
        data=json.dumps({"status": status, "note": ""}).encode(),
        headers={"Authorization": f"Bearer {staff.token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_a_tasks_steps_gather_live_in_one_entry(live_server, new_page):
    from playwright.sync_api import expect
    w = build_world(live_server)
    page = new_page(width=360, height=740)
    page.goto("/login?next=/notifications")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(w.author.login)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/notifications")
    expect(page.locator("#unread-badge")).to_have_attribute("data-live", "true")
    before = page.locator("#notification-list > li").count()  # the topic is 已决定 (dispatched)

    _step(live_server, w.staff, w.task_id, "accepted")
    entry = page.locator("#notification-list > li").first
    expect(entry).to_contain_text("已接单")
    entry_id = entry.get_attribute("data-notification-id")
    expect(page.locator("#notification-list > li")).to_have_count(before + 1)

    _step(live_server, w.staff, w.task_id, "in_progress")
    entry = page.locator(f'#notification-list > li[data-notification-id="{entry_id}"]')
    expect(entry.locator(".notification-link")).to_contain_text("办理中")
    expect(entry.locator(".notification-steps > summary")).to_have_text("2 条进展")
    expect(page.locator("#notification-list > li")).to_have_count(before + 1)  # replaced, not added
    entry.locator(".notification-steps > summary").click()
    expect(entry.locator(".notification-step")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # never reloaded

    page.reload()  # the page renders the same entry
    entry = page.locator(f'#notification-list > li[data-notification-id="{entry_id}"]')
    expect(entry.locator(".notification-steps > summary")).to_have_text("2 条进展")


if __name__ == "__main__":
    print(json.dumps(_build()))
