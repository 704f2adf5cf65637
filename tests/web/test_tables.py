"""Every table of the templates scrolls inside a focusable, named region on a phone (the
scroll_table macro of templates/_macros/ui.html: axe scrollable-region-focusable)."""
from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def test_every_table_is_in_a_scroll_region():
    bare = []
    for path in TEMPLATES.rglob("*.html"):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if "<table" in line and not any("scroll_table(" in before for before in lines[max(0, i - 3):i + 1]):
                bare.append(f"{path.relative_to(TEMPLATES)}:{i + 1}")
    assert bare == []


def test_the_region_is_focusable_and_named(app):
    with app.test_request_context("/"):
        macro = app.jinja_env.get_template("_macros/ui.html").module.scroll_table
        html = str(app.jinja_env.from_string(
            '{% from "_macros/ui.html" import scroll_table %}{% call scroll_table("月份") %}<table></table>{% endcall %}'
        ).render())
    assert macro is not None
    assert re.search(r'<div class="table-scroll" role="region" tabindex="0" aria-label="月份（表格，可左右滑动）">\s*<table>',
                     html), html
