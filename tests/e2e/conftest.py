"""Browser tests: Playwright (Python) driving Debian's Chromium against a live server.

Skipped with a clear message where Chromium is missing; in CI (CI=true) its absence fails.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ..live import LiveServer

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def _chromium_missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make test installs it)"
    return None


def pytest_collection_modifyitems(config, items):
    why = _chromium_missing()
    if why is None:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"browser tests are required in CI: {why}")
    marker = pytest.mark.skip(reason=f"browser test skipped: {why}")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(marker)


@pytest.fixture(scope="session")
def live_server():
    server = LiveServer(mode="eventlet").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """Phone-sized pages in fresh contexts (separate cookies): new_page() → page."""
    contexts = []

    def factory(width: int = 360, height: int = 740, locale: str = "zh-CN"):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                  base_url=live_server.url)
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        return ctx.new_page()

    yield factory
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for i, ctx in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for j, page in enumerate(ctx.pages):
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}-{j}.png"), full_page=True)
        ctx.close()


@pytest.fixture
def page_for(browser, live_server):
    """page_for(person, target, locale) → a 360 px page, logged in as `person` (anything with a
    `.login`; every password is tests.factories.PASSWORD) and on `target`; axe may run on it
    (bypass_csp)."""
    from tests.factories import PASSWORD
    contexts = []

    def open_page(person, target: str, locale: str = "zh-CN"):
        ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale=locale, base_url=live_server.url,
                                  bypass_csp=True)
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        page = ctx.new_page()
        login(page, person.login, PASSWORD, target)
        return page

    yield open_page
    for ctx in contexts:
        ctx.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def login(page, login_name: str, password: str, next_path: str = "/courtyards"):
    """Log in through the login form (the page has other forms, e.g. the language switch)."""
    page.goto(f"/login?next={next_path}")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(login_name)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")
