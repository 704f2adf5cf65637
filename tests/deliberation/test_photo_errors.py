"""A bad photo no longer hides the form's other mistakes (issue 10 item 7): the topic form and a
task's update form name every mistake at once, with the photo's; nothing is stored; the picker
carries the server's limits for the browser's own check."""
from __future__ import annotations

import io

from courtyard.deliberation.models import Topic
from courtyard.extensions import db
from courtyard.tasks.models import TaskUpdate
from courtyard.uploads.services import MAX_BYTES

from ..tasks.conftest import png_bytes, w  # noqa: F401  (the task world fixture)
from ..web.browser import Browser


def _browser(app, user) -> Browser:
    b = Browser(app.test_client()).english()
    b.login(user)
    return b


def test_a_bad_photo_and_a_missing_title_and_category_are_named_together(app, make):
    cy = make.courtyard()
    b = _browser(app, make.resident(cy))
    r = b.post(f"/courtyards/{cy.id}/topics", {"title": "", "category": "roofs", "body": "",
                                               "photos": [(io.BytesIO(b"not a photo"), "bad.jpg", "image/jpeg")]})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    for field in ("photos", "title", "category", "body"):
        assert f'id="{field}-error"' in html, field
    assert "bad.jpg" in html and "Choose a category." in html
    assert db.session.query(Topic).count() == 0


def test_too_many_photos_and_a_missing_title_are_named_together(app, make):
    cy = make.courtyard()
    b = _browser(app, make.resident(cy))
    photos = [(io.BytesIO(png_bytes()), f"p{i}.png", "image/png") for i in range(10)]
    r = b.post(f"/courtyards/{cy.id}/topics", {"title": "", "category": "parking", "body": "车位被占", "photos": photos})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'id="photos-error"' in html and 'id="title-error"' in html and 'id="category-error"' not in html
    assert db.session.query(Topic).count() == 0


def test_a_task_update_with_a_bad_photo_also_names_the_missing_note(app, w):  # noqa: F811
    task = w.task()
    b = _browser(app, w.staff)
    before = db.session.query(TaskUpdate).count()
    r = b.post(f"/tasks/{task.id}/updates", {"note-note": "", "note-photos": (io.BytesIO(b"junk"), "x.png")},
               content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "x.png" in html and 'id="note-note-error"' in html
    db.session.rollback()
    assert db.session.query(TaskUpdate).count() == before


def test_the_picker_knows_the_servers_limits(app, make):
    cy = make.courtyard()
    html = _browser(app, make.resident(cy)).text(f"/courtyards/{cy.id}/topics/new")
    assert f'data-max-bytes="{MAX_BYTES}"' in html and 'data-types="image/jpeg,image/png,image/webp"' in html
    assert "js/photo_picker.js" in html and "<progress" in html
