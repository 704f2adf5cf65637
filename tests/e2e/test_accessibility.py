"""axe-core on every main page, for each role, on a phone (360 px) and a desktop (1280 px): no
critical and no serious violation (issue 10, "Done when"). The pages are the demo's (the live
server is seeded with it); the objects' ids are asked of the API, the admin pages' of their lists.
"""
from __future__ import annotations

import re

import pytest
import requests

from courtyard.seeding.demo import PASSWORD
from courtyard.seeding.voting import EBIKE_TOPIC

from .axe import describe, violations
from .conftest import login

pytestmark = pytest.mark.browser


def _get(server, login_name):
    r = requests.post(f"{server.url}/api/v1/auth/token", json={"login": login_name, "password": PASSWORD},
                      timeout=30)
    assert r.status_code == 201, r.text
    headers = {"Authorization": f"Bearer {r.json()['token']}"}
    return lambda path: requests.get(f"{server.url}/api/v1{path}", headers=headers, timeout=30).json()


@pytest.fixture(scope="module")
def ids(live_server) -> dict:
    """The demo's objects the pages show: 芳古园一区 1号楼, its e-bike topic and ballots, a task."""
    get = _get(live_server, "owner")
    found = {}
    for courtyard in get("/courtyards")["items"]:
        for topic in get(f"/courtyards/{courtyard['id']}/topics?per_page=100")["items"]:
            if topic["title"] == EBIKE_TOPIC:
                found.update(courtyard=courtyard["id"], topic=topic["id"])
    proposals = get(f"/topics/{found['topic']}/proposals")["items"]
    found["ballot"] = next(p["id"] for p in proposals if p["status"] == "voting")
    closed = [p["id"] for topic in get(f"/courtyards/{found['courtyard']}/topics?per_page=100")["items"]
              for p in get(f"/topics/{topic['id']}/proposals")["items"] if p["status"] not in ("voting", "draft")]
    found["record"] = closed[0]
    found["community"] = get(f"/courtyards/{found['courtyard']}")["community"]["id"]
    tasks = _get(live_server, "property")("/tasks")["items"]
    found["task"] = tasks[0]["id"]
    return found


def _pages(role: str, ids: dict) -> list[str]:
    courtyard, topic, community = ids["courtyard"], ids["topic"], ids["community"]
    resident = [f"/courtyards/{courtyard}", f"/topics/{topic}", f"/courtyards/{courtyard}/topics/new",
                f"/proposals/{ids['ballot']}", f"/proposals/{ids['record']}/record", "/notifications"]
    staff = ["/insight", "/insight/foresight", f"/communities/{community}/ranking",
             f"/communities/{community}/exposure", f"/communities/{community}/board", "/escalations",
             f"/topics/{topic}", "/notifications",
             # issue 12: the bulletin, the project pool, notices, the month's project, the 片区 and their cases
             "/insight/bulletin", "/projects", "/notices", f"/communities/{community}/monthly-projects",
             "/districts", "/districts/cases"]
    return {
        "resident": ["/courtyards"] + resident,
        "lead": resident + [f"/courtyards/{courtyard}/pending"],
        "secretary": resident + [f"/topics/{topic}/ballots/new", f"/topics/{topic}/proposals/new",
                                 f"/topics/{topic}/tasks/new", f"/tasks/{ids['task']}"],
        "property": ["/tasks", f"/tasks/{ids['task']}", f"/topics/{topic}", "/notifications"],
        "community": staff + ["/admin", "/admin/communities", f"/admin/communities/{community}",
                              f"/communities/{community}/service-times"],
        "street": staff + ["/audit", "/boards", "/admin", "/admin/users", "/admin/communities", "/admin/districts",
                           f"/admin/communities/{community}", "/admin/organizations", "/service-times"],
    }[role]


# Admin pages reached by following the first link of a list: (list, link pattern).
FOLLOW = {
    "community": [(lambda ids: f"/admin/communities/{ids['community']}", r"^/admin/buildings/\d+$")],
    "street": [("/admin/organizations", r"^/admin/organizations/\d+$"),
               (lambda ids: f"/admin/communities/{ids['community']}", r"^/admin/buildings/\d+$")],
}
LOGINS = {"resident": "owner", "lead": "lead", "secretary": "secretary", "property": "property",
          "community": "staff", "street": "admin"}


@pytest.fixture
def axe_page(browser, live_server):
    """A page in a fresh context that lets axe's script in (bypass_csp: the pages allow 'self' only)."""
    contexts = []

    def factory(width: int):
        ctx = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN",
                                  base_url=live_server.url, bypass_csp=True)
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        return ctx.new_page()

    yield factory
    for ctx in contexts:
        ctx.close()


def _follow(page, path: str, pattern: str) -> str | None:
    page.goto(path)
    for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))"):
        if re.match(pattern, href or ""):
            return href
    return None


def _check(page, path: str, report: list[str]) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    page.wait_for_load_state("load")
    found = violations(page)
    if found:
        report.append(describe(found, path))


@pytest.mark.parametrize("width", [360, 1280])
def test_signed_out_pages_have_no_serious_violations(axe_page, width):
    page = axe_page(width)
    report: list[str] = []
    for path in ("/login", "/register"):
        _check(page, path, report)
    assert not report, "\n\n".join(report)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("role", list(LOGINS))
def test_every_main_page_of_each_role_has_no_serious_violations(axe_page, ids, role, width):
    page = axe_page(width)
    login(page, LOGINS[role], PASSWORD, next_path="/notifications")
    paths = list(_pages(role, ids))
    for source, pattern in FOLLOW.get(role, []):
        href = _follow(page, source(ids) if callable(source) else source, pattern)
        assert href, f"no link like {pattern} on {source}"
        paths.append(href)
    report: list[str] = []
    for path in paths:
        _check(page, path, report)
    assert not report, "\n\n".join(report)


def test_the_decision_record_keeps_names_whole_and_its_tables_scroll_at_360_px(axe_page, ids):
    """Names, flats and row labels each on one line (never one character per line); the page no
    wider than the phone; every table in a focusable, named region."""
    page = axe_page(360)
    login(page, "secretary", PASSWORD, next_path=f"/proposals/{ids['record']}/record")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    lines = page.evaluate("""() => [...document.querySelectorAll('.record-table th, .record-table td')]
        .filter(c => c.textContent.trim()).map(c => {
            const r = document.createRange(); r.selectNodeContents(c);
            return [c.textContent.trim(), new Set([...r.getClientRects()].map(x => Math.round(x.top))).size];
        })""")
    assert lines and all(n == 1 for _text, n in lines), [x for x in lines if x[1] != 1]
    regions = page.locator(".table-scroll")
    assert regions.count() == page.locator("table").count()
    for i in range(regions.count()):
        region = regions.nth(i)
        assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
        assert region.get_attribute("aria-label")


def test_the_check_itself_finds_a_serious_violation(axe_page):
    """The helper fails where it should: an image without alt text and a button without a name."""
    page = axe_page(360)
    page.set_content('<html lang="zh-CN"><head><title>t</title></head><body><main><img src="x.png">'
                     '<button></button></main></body></html>')
    found = {v["id"] for v in violations(page)}
    assert {"image-alt", "button-name"} <= found


@pytest.mark.parametrize("role", ["resident", "street"])
def test_the_open_menu_and_photo_choice_have_no_serious_violations(axe_page, ids, role):
    """States a page reaches by tapping: the header's menu opened on a phone; photos chosen in the picker."""
    import io

    from PIL import Image
    page = axe_page(360)
    login(page, LOGINS[role], PASSWORD, next_path="/notifications")
    report: list[str] = []
    page.locator("#topmenu > summary").click()
    page.locator("#topmenu .topmenu-panel").wait_for()
    found = violations(page)
    if found:
        report.append(describe(found, "the open menu"))
    if role == "resident":
        page.goto(f"/courtyards/{ids['courtyard']}/topics/new")
        out = io.BytesIO()
        Image.new("RGB", (40, 30), (90, 90, 90)).save(out, "PNG")
        page.locator("#photos-album").set_input_files(files=[
            {"name": "a.png", "mimeType": "image/png", "buffer": out.getvalue()},
            {"name": "b.gif", "mimeType": "image/gif", "buffer": b"GIF89a"}])
        page.locator(".photo-chosen img").first.wait_for()
        found = violations(page)
        if found:
            report.append(describe(found, "the photo picker with photos chosen"))
    assert not report, "\n\n".join(report)
