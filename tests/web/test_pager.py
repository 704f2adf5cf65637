"""Pages of a list: courtyard.pagination (db.paginate behind one helper) and the `pager` macro."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from courtyard.accounts.models import User
from courtyard.pagination import MAX_PAGE, page_number, paginate


@given(st.integers(min_value=1, max_value=MAX_PAGE))
def test_a_page_number_is_read_as_sent(n):
    assert page_number(str(n)) == n


@pytest.mark.parametrize("raw", [None, "", "abc", "0", "-3", "1.5", "²", "١", "1_0", " "])
def test_anything_else_is_the_first_page(raw):
    assert page_number(raw) == 1


def test_past_the_last_page_we_serve_is_that_page():
    assert page_number("99999999999999999999") == page_number(str(MAX_PAGE + 1)) == MAX_PAGE


def test_a_page_of_a_select(app, make):
    ids = [make.user().id for _ in range(5)]
    select = sa.select(User).order_by(User.id)
    second = paginate(select, page=2, per_page=2)
    assert ([u.id for u in second.items], second.total, second.pages) == (ids[2:4], 5, 3)
    assert (second.has_prev, second.prev_num, second.has_next, second.next_num) == (True, 1, True, 3)
    assert paginate(select, page=9, per_page=2).items == []


def _render(app, pagination, **kw) -> str:
    macro = app.jinja_env.get_template("_macros/ui.html").module.pager
    with app.test_request_context("/"):
        return str(macro(pagination, **kw))


def test_the_pager_links_the_pages_around_and_page_one_without_a_number(app, make):
    for _ in range(5):
        make.user()
    select = sa.select(User).order_by(User.id)

    def link(page=None):
        return f"/list?page={page}" if page else "/list"

    assert _render(app, paginate(select, page=1, per_page=10), link=link).strip() == ""  # one page: nothing
    html = _render(app, paginate(select, page=2, per_page=2), link=link, order="time")
    assert re.findall(r'href="([^"]+)"', html) == ["/list", "/list?page=3"]
    assert "较新" in html and "较早" in html  # Newer, Older (Chinese by default)
    html = _render(app, paginate(select, page=3, per_page=2), endpoint="accounts.admin_users", count=True, q="x")
    assert re.findall(r'href="([^"]+)"', html) == ["/admin/users?page=2&amp;q=x"]
    assert "上一页" in html and "下一页" not in html and "第 3 页，共 3 页" in html
    html = _render(app, paginate(select, page=1, per_page=2), endpoint="accounts.admin_users")
    assert "下一页" in html and "下一步" not in html  # a page, not a step of a form


def test_the_accounts_page_goes_through_its_pages(english, make):
    admin = make.street_admin()
    for _ in range(50):
        make.user()
    english.login(admin)
    first = english.text("/admin/users")
    assert "Page 1 of 2" in first and 'href="/admin/users?page=2"' in first
    second = english.text("/admin/users?page=2")
    assert "Page 2 of 2" in second and 'href="/admin/users"' in second
    assert second.count('class="person"') == 1
    assert "Page 1 of 2" in english.text("/admin/users?page=%C2%B2")  # ² is no page number
