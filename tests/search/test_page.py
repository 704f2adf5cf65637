"""The /search page through the test client: labelled results, safe highlighting, forgiving input,
both languages; the header links to it."""
from __future__ import annotations

from courtyard.deliberation import moderation

from ..web.browser import Browser


def test_results_are_labelled_with_courtyard_and_status_and_highlighted_safely(app, street):
    first = street.topic("电动车棚漏水", "车棚顶上有洞<script>alert(1)</script>")
    second = street.topic("车棚又漏了", author=street.neighbour)
    moderation.merge_topic(street.secretary, second, into_topic_id=first.id)
    street.say(first, "车棚<b>的</b>事我也遇到了")
    b = Browser(app.test_client()).english().login(street.resident)
    html = b.text("/search?q=车棚")
    assert "3 results" in html
    assert "<mark>车棚</mark>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert ">Topic<" in html and ">Message<" in html and "Merged" in html and "merged into" in html
    assert "1号楼" in html and f'href="/topics/{first.id}#m' in html
    assert 'href="/search"' in b.text("/courtyards")  # the header's link


def test_the_page_speaks_chinese_by_default(app, street):
    street.topic("电动车棚漏水")
    b = Browser(app.test_client()).login(street.resident)
    html = b.text("/search?q=车棚")
    assert "搜索" in html and "议题" in html and "1 条结果" in html


def test_without_a_query_the_form_alone_and_bad_input_is_shown_not_raised(app, street):
    b = Browser(app.test_client()).english().login(street.resident)
    assert 'role="search"' in b.text("/search") and "result" not in b.text("/search")
    bad = b.text("/search?q=" + "车" * 101)
    assert 'aria-invalid="true"' in bad and "at most 100" in bad
    assert "Nothing found" in b.text("/search?q=车棚&page=abc")
    assert 'class="form-errors"' in b.text("/search?q=车棚&kind=photo")
    assert b.get("/search?q=车棚&courtyard_id=99999999999").status_code == 200
    anonymous = app.test_client().get("/search?q=车棚")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
