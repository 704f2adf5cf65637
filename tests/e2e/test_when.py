"""The one date format in the browser (static/js/when.js): the page's script writes what the
server writes, and a relative time on a page left open moves on by itself (Playwright's clock:
no waiting)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.browser


def test_a_relative_time_moves_on_while_the_page_stays_open(new_page):
    from playwright.sync_api import expect
    page = new_page(width=360)
    start = datetime(2026, 12, 3, 7, 5, tzinfo=timezone.utc)  # 15:05 in Beijing
    page.clock.install(time=start)
    page.goto("/login")
    page.wait_for_load_state("load")  # when.js is a deferred script: run by now
    iso = (start - timedelta(minutes=5)).isoformat()
    assert page.evaluate("iso => Courtyard.when(iso)", iso) == "5分钟前"
    page.evaluate("""iso => { const t = document.createElement('time'); t.id = 'probe';
        t.setAttribute('datetime', iso); t.textContent = Courtyard.when(iso); document.body.appendChild(t);
        const other = document.createElement('time'); other.id = 'countdown';
        other.setAttribute('datetime', iso); other.textContent = '还剩 3 天'; document.body.appendChild(other); }""",
                  iso)
    page.clock.run_for(61 * 1000)
    expect(page.locator("#probe")).to_have_text("6分钟前")
    page.clock.run_for(60 * 60 * 1000)
    expect(page.locator("#probe")).to_have_text("今天 15:00")
    expect(page.locator("#countdown")).to_have_text("还剩 3 天")  # not this format's: left alone
