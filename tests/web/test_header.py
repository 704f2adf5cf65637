"""The layout's header (templates/base.html): one row on a phone — the name, the unread badge outside
the menu, and a 菜单 (<details>) that holds the links, the language switch and logging out."""
from __future__ import annotations

import re


def _header(html: str) -> str:
    return html[html.index('<header class="topbar">'):html.index("</header>")]


def _menu(header: str) -> str:
    return header[header.index('<details class="topmenu"'):header.index("</details>")]


def test_signed_in_the_row_has_the_name_the_badge_and_the_menu(browser, make):
    cy = make.courtyard()
    user = make.resident(cy)
    browser.login(user)
    header = _header(browser.text(f"/courtyards/{cy.id}"))
    row = header[header.index('<div class="topbar-row">'):]
    assert row.index('class="brand"') < row.index('id="nav-notifications"') < row.index('id="topmenu"')
    assert re.search(r'<span class="nav-badge" id="unread-badge" hidden>0</span>', header)
    menu = _menu(header)
    assert '<summary class="topmenu-button">' in menu and "菜单" in menu
    # Everything else is in the menu's panel: the links, the name, the language switch, logging out.
    assert 'href="/courtyards"' in menu and user.display_name in menu
    assert 'action="/lang"' in menu and 'action="/logout"' in menu
    assert header.count('action="/lang"') == 1 and header.count('id="nav-notifications"') == 1
    assert 'id="nav-notifications"' not in menu


def test_the_links_each_role_needs_are_in_the_menu(make, new_browser):
    org = make.organization()
    staff = make.org_staff(org)
    menu = _menu(_header(new_browser(staff).text("/tasks")))
    assert 'id="nav-tasks"' in menu and 'aria-current="page"' in menu
    admin = make.street_admin()
    menu = _menu(_header(new_browser(admin).text("/insight")))
    assert 'href="/insight"' in menu and 'href="/admin"' in menu and 'id="nav-audit"' in menu


def test_the_current_page_is_marked_and_the_unread_count_shows(make, new_browser):
    from courtyard.deliberation import services as topics
    cy = make.courtyard()
    author, neighbour = make.resident(cy), make.resident(cy)
    topic = topics.create_topic(author, cy, title="楼道灯坏了", body="三楼的灯不亮。", category="repairs")
    topics.post_message(neighbour, topic, body="我家门口的也坏了", client_id="c-header-1")
    header = _header(new_browser(author).text("/notifications"))
    assert re.search(r'id="nav-notifications"\s+aria-current="page"', header)
    assert re.search(r'<span class="nav-badge" id="unread-badge">1</span>', header)


def test_signed_out_the_row_has_the_name_and_the_language_switch_only(browser):
    header = _header(browser.text("/login"))
    assert 'class="brand"' in header and 'action="/lang"' in header
    assert "topmenu" not in header and "nav-notifications" not in header and 'action="/logout"' not in header
