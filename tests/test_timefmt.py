"""One date format (issue 10 item 6): courtyard/timefmt.py's pure when_text on a table of cases, no
crash on any moment (Hypothesis), the `when` filter in both languages, no ad-hoc format left in
templates/ or static/js, and static/js/when.js writing the same as the server on the same table."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtyard import clock
from courtyard.timefmt import when_text

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc
NOW = datetime(2026, 12, 3, 7, 5, tzinfo=UTC)  # 15:05 in Beijing
EN = {"locale": "en", "today": "today %(time)s", "just_now": "just now"}

CASES = [  # (moment, Chinese, English)
    (NOW, "刚刚", "just now"),
    (NOW - timedelta(seconds=59), "刚刚", "just now"),
    (NOW + timedelta(seconds=30), "刚刚", "just now"),  # a clock a little ahead
    (NOW - timedelta(minutes=1), "1分钟前", "1 minute ago"),
    (NOW - timedelta(minutes=5, seconds=40), "5分钟前", "5 minutes ago"),
    (NOW - timedelta(minutes=59, seconds=59), "59分钟前", "59 minutes ago"),
    (NOW - timedelta(hours=1), "今天 14:05", "today 14:05"),
    (datetime(2026, 12, 2, 16, 0, tzinfo=UTC), "今天 00:00", "today 00:00"),  # Beijing's midnight
    (datetime(2026, 12, 2, 15, 59, tzinfo=UTC), "12月2日 23:59", "2 Dec 23:59"),
    (NOW + timedelta(hours=3), "今天 18:05", "today 18:05"),  # a deadline later today
    (datetime(2026, 12, 1, 7, 5, tzinfo=UTC), "12月1日 15:05", "1 Dec 15:05"),
    (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "1月1日 08:00", "1 Jan 08:00"),
    (datetime(2026, 12, 24, 1, 30, tzinfo=UTC), "12月24日 09:30", "24 Dec 09:30"),  # later this year
    (datetime(2025, 12, 31, 15, 59, tzinfo=UTC), "2025年12月31日 23:59", "31 Dec 2025 23:59"),
    (datetime(2025, 12, 31, 16, 0, tzinfo=UTC), "1月1日 00:00", "1 Jan 00:00"),  # this year in Beijing
    (datetime(2019, 9, 5, 2, 0, tzinfo=UTC), "2019年9月5日 10:00", "5 Sep 2019 10:00"),
    (datetime(2026, 12, 3, 7, 0), "5分钟前", "5 minutes ago"),  # naive: UTC, as stored
]


@pytest.mark.parametrize("moment,zh,en", CASES)
def test_a_time_reads_the_same_way_everywhere(moment, zh, en):
    assert when_text(moment, NOW) == zh
    assert when_text(moment, NOW, **EN) == en


def test_no_time_is_empty():
    assert when_text(None, NOW) == ""


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)),
       st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)),
       st.sampled_from(["zh_CN", "en", "zh", None]))
def test_any_moment_is_written_without_crashing(moment, now, locale):
    text = when_text(moment, now, locale=locale)
    assert text and text.strip() == text
    if abs(now - moment) >= timedelta(hours=1):
        assert re.search(r"\d\d:\d\d$", text)  # the time of day, 24-hour
        if moment.astimezone(clock.LOCAL_TZ).year != now.astimezone(clock.LOCAL_TZ).year:
            assert str(moment.astimezone(clock.LOCAL_TZ).year) in text


def test_the_filter_speaks_the_readers_language(app):
    clock.use(type("Fixed", (), {"now": lambda self: NOW})())
    try:
        env = app.jinja_env
        with app.test_request_context("/"):
            from flask import session
            for lang, expected in (("zh_CN", "今天 14:05 · 12月1日 15:05"), ("en", "today 14:05 · 1 Dec 15:05")):
                session["lang"] = lang
                from flask_babel import refresh
                refresh()
                out = env.from_string("{{ a|when }} · {{ b|when }}").render(
                    a=NOW - timedelta(hours=1), b=datetime(2026, 12, 1, 7, 5, tzinfo=UTC))
                assert out == expected
    finally:
        clock.reset()


def test_no_ad_hoc_date_format_is_left_in_templates_or_scripts():
    offenders = []
    for path in list((ROOT / "templates").rglob("*.html")) + list((ROOT / "static" / "js").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"datetimeformat|strftime|toLocale(Date|Time)?String|Intl\.DateTimeFormat", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_scripts_format_is_the_servers():
    script = (ROOT / "static" / "js" / "when.js").read_text(encoding="utf-8")
    cases = [(m.replace(tzinfo=m.tzinfo or UTC).isoformat(), zh, en) for m, zh, en in CASES]
    program = f"""
      var lang = "zh-CN";
      global.document = {{ currentScript: null, documentElement: {{ getAttribute: function () {{ return lang; }} }} }};
      global.window = {{}};
      {script}
      var cases = {json.dumps(cases)}, out = [];
      cases.forEach(function (c) {{
        lang = "zh-CN"; var zh = window.Courtyard.when(c[0], {json.dumps(NOW.isoformat())});
        lang = "en"; var en = window.Courtyard.when(c[0], {json.dumps(NOW.isoformat())});
        out.push([zh, en]);
      }});
      console.log(JSON.stringify(out));
    """
    got = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True,
                                    timeout=60).stdout)
    assert got == [[zh, en] for _, zh, en in cases]


def test_a_calendar_day_reads_as_people_write_it():
    from datetime import date

    from courtyard.timefmt import day_text
    assert day_text(date(2026, 5, 2)) == "2026年5月2日"
    assert day_text(date(2026, 5, 2), year=False) == "5月2日"
    assert day_text(date(2026, 5, 2), locale="en") == "2 May 2026"
