"""The accountability loop in browsers (issue 5 item 8): the property manager, on a phone-sized page,
takes a task from assigned to done with a photo; the topic's author accepts it and a neighbour rates
it; meanwhile a second resident's open topic page shows each step as it happens, without reloading.

The world is written into the live server's database by this module run as a script (as
tests/live/world.py does), so the test process never binds a second app.
"""
from __future__ import annotations

import io
import json
import uuid
from types import SimpleNamespace

import pytest

from tests.factories import PASSWORD
from tests.live.world import run_world

pytestmark = pytest.mark.browser


def _build() -> dict:
    from courtyard import create_app
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
        watcher = make.resident(courtyard, user=make.user(f"w{tag}", display_name="李建平"))
        secretary = make.secretary(courtyard, user=make.user(f"s{tag}", display_name="王淑芬"))
        staff = make.org_staff(org, user=make.user(f"p{tag}", display_name="杨帆"))
        topic = deliberation.create_topic(author, courtyard, title="2单元顶层漏雨", body="601 天花板渗水，墙皮起鼓。",
                                          category="repairs")
        task = tasks.create_task(secretary, topic)
        world = {"topic_id": topic.id, "task_id": task.id,
                 **{name: {"login": u.login, "display_name": u.display_name}
                    for name, u in (("author", author), ("watcher", watcher), ("staff", staff))}}
        db.session.remove()
    return world


def build_world(server) -> SimpleNamespace:
    return run_world("tests.e2e.test_task_loop", server)


def png() -> bytes:
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (320, 240), (190, 180, 165))
    ImageDraw.Draw(img).rectangle((40, 60, 280, 200), fill=(60, 120, 80))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _login(new_page, person, target: str):
    page = new_page(width=360, height=740)
    page.goto(f"/login?next={target}")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(person.login)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**{target}")
    return page


def test_assigned_to_done_with_a_photo_accepted_and_rated_while_a_neighbour_watches(live_server, new_page):
    from playwright.sync_api import expect
    w = build_world(live_server)
    card = f"#task-{w.task_id}"

    # A second resident keeps the topic page open the whole time.
    watcher = _login(new_page, w.watcher, f"/topics/{w.topic_id}")
    watcher.locator('#discussion[data-joined="true"]').wait_for()
    watcher.locator('.tool-button[aria-controls="fold-tasks"]').click()  # the tasks wait behind a button
    expect(watcher.locator(f"{card} .task-status-assigned")).to_be_visible()

    # The property manager, on a phone: the work queue, the task, its buttons.
    staff = _login(new_page, w.staff, "/tasks")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    staff.locator(f'#task-queue a[href="/tasks/{w.task_id}"]').click()
    staff.wait_for_url(f"**/tasks/{w.task_id}")
    staff.locator("#task-step").click()  # take on the task
    expect(staff.locator("#task-live .task-status-accepted")).to_be_visible()
    expect(watcher.locator(f"{card} .task-status-accepted")).to_be_visible()

    staff.locator("#task-step").click()  # start the work
    expect(staff.locator("#task-live .task-status-in_progress")).to_be_visible()
    expect(watcher.locator(f"{card} .task-status-in_progress")).to_be_visible()

    camera = staff.locator("#done-photos-camera")
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("accept") == "image/*"
    staff.locator("#done-note").fill("屋面防水层已重做，601 天花板已修补。")
    camera.set_input_files(files=[{"name": "after.png", "mimeType": "image/png", "buffer": png()}])
    staff.locator("#mark-done").click()
    expect(staff.locator("#task-live .task-status-done")).to_be_visible()
    expect(staff.locator("#task-live .timeline-photos img")).to_have_count(1)
    assert staff.evaluate("document.documentElement.scrollWidth") <= 360

    expect(watcher.locator(f"{card} .task-status-done")).to_be_visible()
    expect(watcher.locator(f"{card} .timeline-photos img")).to_have_count(1)
    expect(watcher.locator(f"{card} .verify-accept")).to_have_count(0)  # only the author, secretary, lead

    # The author is asked to check the work, and accepts it.
    author = _login(new_page, w.author, f"/topics/{w.topic_id}")
    author.locator('.tool-button[aria-controls="fold-tasks"]').click()
    author.locator(f"{card} .verify-accept").click()
    author.wait_for_url(f"**/topics/{w.topic_id}*")
    expect(author.locator(f"{card} .task-status-verified")).to_be_visible()
    expect(watcher.locator(f"{card} .task-status-verified")).to_be_visible()
    assert watcher.evaluate("performance.getEntriesByType('navigation').length") == 1  # never reloaded

    # Everyone may now rate it; the author rates, the watcher sees the count change live, then rates too.
    author.locator(f"{card} .rating-satisfied").click()
    expect(author.locator(f'{card} .rating-satisfied[aria-pressed="true"]')).to_be_visible()
    expect(watcher.locator(f"{card} [data-role=ratings]")).to_contain_text("100%")
    watcher.locator(f"{card} .rating-basically_satisfied").click()
    expect(watcher.locator(f'{card} .rating-basically_satisfied[aria-pressed="true"]')).to_be_visible()
    expect(author.locator(f"{card} [data-role=ratings]")).to_contain_text("100%")


if __name__ == "__main__":
    print(json.dumps(_build()))
