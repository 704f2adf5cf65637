"""Where things stand, on the pages: the courtyard's 正在表决 block (countdown, whether I voted, a
link to vote), the 表决中 badge and the task's progress on topic cards and the topic page — with
a fixed number of queries whatever the number of topics."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event

from courtyard import clock
from courtyard.extensions import db
from courtyard.tasks import services as tasks
from courtyard.voting import queries, services as voting
from courtyard.web.participation import time_left_parts

from ..tasks.conftest import World
from ..web.browser import Browser


@pytest.fixture
def w(make) -> World:
    return World(make)


def page_as(app, user, path: str) -> str:
    return Browser(app.test_client()).login(user).text(path)  # Chinese, the default


def ballot_on(w, topic, *, hours=30):
    proposal = voting.create_proposal(w.secretary, topic, title="屋面防水整体重做", body="维修资金出。")
    voting.open_ballot(w.secretary, proposal, rule="majority", closes_at=clock.now() + timedelta(hours=hours))
    return proposal


def block(page: str) -> str:
    m = re.search(r'<section class="panel open-ballots".*?</section>', page, re.S)
    return m.group(0) if m else ""


def test_the_courtyard_page_lists_open_ballots_with_whether_i_voted(w, app):
    topic = w.topic()
    proposal = ballot_on(w, topic)
    voting.cast_vote(w.author, proposal, "yes")

    mine = block(page_as(app, w.author, f"/courtyards/{w.courtyard.id}"))
    assert "正在表决" in mine and "屋面防水整体重做" in mine and "我已投票" in mine
    assert f'href="/proposals/{proposal.id}"' in mine
    assert re.search(r'<time class="countdown" datetime="[^"]+"[^>]*>还剩 1 天 6 小时</time>', mine, re.S)

    theirs = block(page_as(app, w.neighbour, f"/courtyards/{w.courtyard.id}"))
    assert "我还没投" in theirs and "去投票" in theirs and "countdown.js" in page_as(
        app, w.neighbour, f"/courtyards/{w.courtyard.id}")
    # the block comes before the topics
    page = page_as(app, w.neighbour, f"/courtyards/{w.courtyard.id}")
    assert page.index('id="open-ballots"') < page.index('id="topics"')

    staff = block(page_as(app, w.community_staff, f"/courtyards/{w.courtyard.id}"))
    assert "不在本次名册" in staff


def test_no_block_without_an_open_ballot(w, app):
    proposal = ballot_on(w, w.topic())
    voting.close_ballot(w.secretary, proposal)
    assert 'id="open-ballots"' not in page_as(app, w.author, f"/courtyards/{w.courtyard.id}")


def test_under_unit_rules_my_households_vote_counts_as_mine(w, make, app):
    topic = w.topic()
    proposal = voting.create_proposal(w.secretary, topic, title="按户表决", body="一户一票。")
    voting.open_ballot(w.secretary, proposal, rule="household", closes_at=clock.now() + timedelta(hours=3))
    [ballot] = queries.open_ballots(w.author, w.courtyard)
    assert ballot.on_roll and not ballot.voted
    voting.cast_vote(w.author, proposal, "no")
    [ballot] = queries.open_ballots(w.author, w.courtyard)
    assert ballot.voted
    assert queries.open_ballots(w.outsider, w.courtyard) == []  # not theirs to see


def test_cards_carry_the_voting_badge_and_the_tasks_progress(w, app):
    voted_on = w.topic(title="楼顶漏雨")
    ballot_on(w, voted_on)
    worked_on = w.topic(title="垃圾桶满了")
    task = w.task(worked_on)
    tasks.add_update(w.staff, task, status="accepted")
    tasks.add_update(w.staff, task, status="in_progress")
    page = page_as(app, w.neighbour, f"/courtyards/{w.courtyard.id}")
    cards = {m.group(2): m.group(1) for m in re.finditer(
        r'<li class="topic-card[^"]*"[^>]*>(.*?<span class="topic-title">(.*?)</span>.*?)</li>', page, re.S)}
    assert '<span class="badge badge-voting">表决中</span>' in cards["楼顶漏雨"]
    assert "表决中" not in cards["垃圾桶满了"]
    assert "任务：办理中 · 北京方庄物业管理有限责任公司" in cards["垃圾桶满了"]
    assert "已决定" in cards["垃圾桶满了"]  # dispatched without a vote: decided


def test_the_topic_page_shows_the_progress_near_the_title(w, app):
    topic = w.topic()
    ballot_on(w, topic)
    task = w.task(topic)
    page = page_as(app, w.author, f"/topics/{topic.id}")
    progress = re.search(r'<p class="topic-progress".*?</p>', page, re.S).group(0)
    assert "表决中" in progress and "任务：已派单 · 北京方庄物业管理有限责任公司" in progress
    assert f'href="/tasks/{task.id}"' in progress
    w.done(task)
    tasks.verify(w.author, task, accepted=True)
    page = page_as(app, w.author, f"/topics/{topic.id}")
    assert "任务：居民已验收" in page and "已办结" in page


def _queries_for(app, user, path) -> int:
    browser = Browser(app.test_client()).login(user)
    browser.text(path)  # warm: the session, caches
    seen = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        browser.text(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_the_page_asks_the_same_number_of_queries_for_two_topics_or_eight(w, app):
    def topic_with_everything(n):
        topic = w.topic(title=f"问题 {n}")
        ballot_on(w, topic)
        w.task(topic)
    for n in range(2):
        topic_with_everything(n)
    few = _queries_for(app, w.neighbour, f"/courtyards/{w.courtyard.id}")
    for n in range(2, 8):
        topic_with_everything(n)
    assert _queries_for(app, w.neighbour, f"/courtyards/{w.courtyard.id}") == few


@pytest.mark.parametrize("left,parts", [
    (timedelta(days=1, hours=6), (1, 6, 0)),
    (timedelta(hours=2, minutes=5), (0, 2, 5)),
    (timedelta(minutes=4, seconds=1), (0, 0, 5)),  # rounded up to the minute
    (timedelta(seconds=30), (0, 0, 1)),
    (timedelta(0), None),
    (timedelta(minutes=-3), None),
])
def test_the_countdown_arithmetic(left, parts):
    now = datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)
    assert time_left_parts(now + left, now) == parts


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_scripts_countdown_is_the_servers():
    script = (Path(__file__).parents[2] / "static" / "js" / "countdown.js").read_text(encoding="utf-8")
    now = datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)
    lefts = [timedelta(days=3, hours=23, minutes=59, seconds=30), timedelta(days=1, hours=6),
             timedelta(hours=2, minutes=5), timedelta(minutes=4, seconds=1), timedelta(seconds=1),
             timedelta(0), timedelta(minutes=-3)]
    program = f"""
      global.document = {{ querySelectorAll: function () {{ return []; }} }};
      global.window = {{ setInterval: function () {{}} }};
      {script}
      var now = Date.parse({json.dumps(now.isoformat())}), out = [];
      {json.dumps([(now + left).isoformat() for left in lefts])}.forEach(function (iso) {{
        var p = window.Courtyard.countdown.parts(Date.parse(iso), now);
        out.push(p ? [p.d, p.h, p.m] : null);
      }});
      console.log(JSON.stringify(out));
    """
    got = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True,
                                    timeout=60).stdout)
    assert got == [list(p) if p else None for p in (time_left_parts(now + left, now) for left in lefts)]
