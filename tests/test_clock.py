"""One local time zone: clock.LOCAL_TZ, and Flask-Babel's zone is the same one."""
from __future__ import annotations

import re
from pathlib import Path

from flask_babel import get_timezone

from courtyard.clock import LOCAL_TZ

PACKAGE = Path(__file__).resolve().parent.parent / "courtyard"


def test_pages_and_services_share_one_zone(app):
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == LOCAL_TZ.key == "Asia/Shanghai"
    with app.test_request_context("/"):
        assert get_timezone().zone == LOCAL_TZ.key


def test_no_module_but_clock_names_a_zone():
    named = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
             if p.name != "clock.py" and "migrations" not in p.parts
             and re.search(r"ZoneInfo\(|Asia/Shanghai", p.read_text(encoding="utf-8"))]
    assert named == []
