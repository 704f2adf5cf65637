"""The photo picker in a phone's browser (issue 10 item 7): thumbnails of the chosen photos; a photo
too large or of another type is taken out at once with a message naming it; the form with photos
is sent with a progress bar and lands where a plain submit would."""
from __future__ import annotations

import io
import re

import pytest

from courtyard.seeding.demo import PASSWORD

from .conftest import login

pytestmark = pytest.mark.browser


def png() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (60, 120, 80)).save(out, "PNG")
    return out.getvalue()


def _courtyard_id(page) -> int:
    page.goto("/courtyards")
    href = page.locator("a[href^='/courtyards/']").first.get_attribute("href")
    return int(re.search(r"/courtyards/(\d+)", href).group(1))


def test_photos_are_checked_shown_and_sent_with_progress(new_page):
    from playwright.sync_api import expect
    page = new_page(width=360)
    login(page, "owner", PASSWORD)
    cy = _courtyard_id(page)
    page.goto(f"/courtyards/{cy}/topics/new")
    album = page.locator("#photos-album")
    album.set_input_files(files=[
        {"name": "good.png", "mimeType": "image/png", "buffer": png()},
        {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10)},
        {"name": "anim.gif", "mimeType": "image/gif", "buffer": b"GIF89a" + b"0" * 100},
    ])
    check = page.locator(".photo-check")
    expect(check).to_be_visible()
    expect(check).to_contain_text("huge.jpg")
    expect(check).to_contain_text("anim.gif")
    expect(page.locator(".photo-chosen img")).to_have_count(1)
    assert page.locator(".photo-chosen img").get_attribute("src").startswith("blob:")
    assert album.evaluate("i => [...i.files].map(f => f.name)") == ["good.png"]  # only the good one is sent
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.locator("input[name=title]").fill("单元门口的灯坏了")
    page.locator("textarea[name=body]").fill("晚上进出看不清台阶。")
    page.locator("input[name=category]").first.check()
    page.locator("form.topic-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/topics/\d+$"))
    expect(page.locator("h1")).to_contain_text("单元门口的灯坏了")
    expect(page.locator(".photo-grid img")).to_have_count(1)
    # Sent by the picker (XMLHttpRequest with a progress bar), not by a navigation.
    assert page.evaluate("performance.getEntriesByType('navigation')[0].name").endswith("/topics/new")
