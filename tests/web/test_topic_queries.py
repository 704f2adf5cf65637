"""The topic page asks a fixed, small number of SQL queries (≤ 15) whatever its size and whoever
looks: a secretary, a resident, the property company's staff — on a topic with nothing yet and on
one with many messages, proposals with ballots open and closed, tasks with updates and photos,
reports and invitations."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event

from courtyard import clock
from courtyard.deliberation import moderation, services as deliberation
from courtyard.extensions import db
from courtyard.tasks import services as tasks
from courtyard.voting import services as voting

from ..tasks.conftest import World
from .browser import Browser

LIMIT = 15  # issue 11: the project pool's badge and the reader's district seats fit in it, since the
# invitations come with the topic and the reader's support and reports are one query (deliberation.services._marks)
ROLES = ("secretary", "author", "staff")


@pytest.fixture
def w(make) -> World:
    return World(make)


def queries_for(app, user, path) -> list[str]:
    """The SQL statements of one GET of `path` by `user`, after a warm-up request. The measured
    request runs in a thread of its own, so that it has its own app context and database session
    as a real request does (the test's session would already hold the topic, its courtyard …)."""
    browser = Browser(app.test_client()).login(user)
    browser.text(path)
    seen: list[str] = []
    pages: list[str] = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731  (conn, cursor, statement, …)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        thread = threading.Thread(target=lambda: pages.append(browser.text(path)))
        thread.start()
        thread.join()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert pages, "the page did not render"
    return seen


def small_topic(w):
    """Nothing yet but the property company brought in (so that its staff may read it)."""
    topic = w.topic(title="楼道灯坏了")
    moderation.invite(w.secretary, topic, organization_id=w.org.id)
    return topic


def big_topic(w, *, scale: int = 1):
    """A topic with a bit of everything; `scale` multiplies the messages, proposals and tasks."""
    topic = w.topic(title="屋面漏雨，要不要整体重做防水")
    people = [w.author, w.neighbour, w.secretary, w.lead]
    # the property company is brought in (a task does that), the community too
    moderation.invite(w.secretary, topic, community=True)
    moderation.invite(w.secretary, topic, organization_id=w.other_org.id)
    for n in range(3 * scale):
        proposal = voting.create_proposal(w.secretary, topic, title=f"方案{n + 1}", body="维修资金出。")
        if n % 3 != 2:
            voting.open_ballot(w.secretary, proposal, rule="majority", closes_at=clock.now() + timedelta(hours=30))
            voting.cast_vote(w.author, proposal, "yes")
            voting.cast_vote(w.neighbour, proposal, "no")
        if n % 3 == 1:
            voting.close_ballot(w.secretary, proposal)
    for n in range(3 * scale):  # one open task per organization: the property company's, then others
        org = w.org if n == 0 else w.make.organization()
        staff = w.staff if n == 0 else w.make.org_staff(org)
        task = tasks.create_task(w.secretary, topic, title=f"第{n + 1}处漏点修补", assignee_org_id=org.id)
        tasks.add_update(staff, task, status="accepted", note="已派人查看。")
        tasks.add_update(staff, task, status="in_progress")
        tasks.add_update(staff, task, note="材料已到。", photo_ids=[w.photo(staff)])
        if n % 2:
            tasks.add_update(staff, task, status="done", note="已修好。", photo_ids=[w.photo(staff)])
    messages = []
    for n in range(30 * scale):
        author = w.staff if n % 7 == 3 else people[n % len(people)]
        message, _ = deliberation.post_message(author, topic, body=f"第{n}条：又漏了", client_id=f"c{scale}-{n}")
        messages.append(message)
    for message in messages[::5]:
        if message.author_id != w.neighbour.id:
            moderation.report_message(w.neighbour, message, reason="广告")
    moderation.hide_message(w.secretary, messages[1])
    deliberation.support(w.neighbour, topic)
    return topic


@pytest.mark.parametrize("role", ROLES)
def test_a_small_topic_page_asks_at_most_15_queries(w, app, role):
    topic = small_topic(w)
    seen = queries_for(app, getattr(w, role), f"/topics/{topic.id}")
    assert len(seen) <= LIMIT, "\n".join(seen)


@pytest.mark.parametrize("role", ROLES)
def test_a_big_topic_page_asks_at_most_15_queries_and_no_more_for_more(w, app, role):
    user = getattr(w, role)
    big = big_topic(w)
    bigger = big_topic(w, scale=3)  # three times the proposals, tasks and messages
    page = Browser(app.test_client()).login(user).text(f"/topics/{bigger.id}")
    assert "第9处漏点修补" in page and "方案9" in page and "第89条：又漏了" in page  # all there
    seen = queries_for(app, user, f"/topics/{big.id}")
    more = queries_for(app, user, f"/topics/{bigger.id}")
    assert len(seen) <= LIMIT, "\n".join(seen)
    assert len(more) == len(seen), "\n".join(more)


def test_the_big_page_shows_what_each_panel_has(w, app):
    """The batched loading changes no word: tallies, my vote, the tasks' timelines and ratings."""
    topic = big_topic(w)
    page = Browser(app.test_client()).login(w.author).text(f"/topics/{topic.id}")
    for words in ("方案1", "方案2", "方案3", "第1处漏点修补", "第3处漏点修补", "材料已到。",
                  "北京芳华物业服务有限公司", "第29条：又漏了"):
        assert words in page, words
    assert page.count('class="card task-card') == 3


@pytest.mark.parametrize("role", ROLES)
def test_a_topic_raised_to_its_district_asks_no_more(w, app, role):
    """片区: the community in a district, the topic raised to it — the page shows where it went."""
    from courtyard.districts import services as districts
    from courtyard.places.models import District
    topic = big_topic(w)
    district = District(name="芳古片区")
    db.session.add(district)
    db.session.flush()
    topic.courtyard.building.community.district_id = district.id
    db.session.commit()
    seen = queries_for(app, getattr(w, role), f"/topics/{topic.id}")
    assert len(seen) <= LIMIT, "\n".join(seen)
    districts.raise_topic(w.secretary, topic, reason="几个小区都漏雨，需要片区统筹")
    raised = queries_for(app, getattr(w, role), f"/topics/{topic.id}")
    assert len(raised) <= LIMIT, "\n".join(raised)
