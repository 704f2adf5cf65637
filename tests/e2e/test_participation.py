"""Participation end to end at 360 px (issue 10, "Done when"): the secretary opens a ballot in her
phone's browser; the residents on the roll (two browsers) see the notification arrive live; the
local SMS gateway receives one text per household that opted in (several opted-in people of one
flat: still one text); the building lead's "not yet voted" list shrinks as they vote; after the
close the topic reads 已决定, and once its task is verified 已办结. A second server whose quiet
hours cover the present sends nothing and holds the texts for the morning.

The world is written into each live server's database by this module run as a script (as
tests/e2e/test_task_loop.py does), so the test process never binds an app of its own.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import requests

from tests.factories import PASSWORD
from tests.live import LiveServer
from tests.live.world import run_world
from tests.notifications.gateway import FakeSmsGateway

from .conftest import login
from .test_task_loop import png

pytestmark = pytest.mark.browser

PROPOSAL = "车棚加装 4 个扫码充电口"
TOPIC = "电动车充电难，车棚没有插座"


def _build() -> dict:
    from courtyard import create_app
    from courtyard.deliberation import services as deliberation
    from courtyard.extensions import db
    from courtyard.notifications import preferences
    from courtyard.voting import services as voting

    from tests.factories import Factory

    app = create_app()
    with app.app_context():
        make = Factory()
        tag = uuid.uuid4().hex[:6]
        org = make.organization(f"方庄物业{tag}")
        courtyard = make.courtyard(make.community(f"芳古园{tag}社区"), property_org=org, name=f"{tag}号楼", units=4)
        units = courtyard.building.units
        people = {}

        def person(key, name, phone, *, unit=None, owner=True, role="resident", sms=False):
            user = make.user(f"{key}{tag}", display_name=name, phone=phone)
            make.member(courtyard, role, user=user, unit=unit, is_owner=owner)
            if sms:
                preferences.set_channels(user, choices={"sms": True})
            people[key] = user
            return user

        # Flat 0: the owner and her son both take texts — the household still gets one.
        person("owner", "陈桂兰", "13800000001", unit=units[0], sms=True)
        person("son", "陈小明", "13800000004", unit=units[0], owner=False, sms=True)
        # Flat 1: an owner who takes texts.
        person("neighbour", "李建平", "13800000002", unit=units[1], sms=True)
        # Flat 2: the owner takes none, her daughter does: the text goes to the daughter.
        person("owner3", "赵秀英", "13800000003", unit=units[2])
        person("daughter", "赵晓雯", "13800000005", unit=units[2], owner=False, sms=True)
        # Flat 3: the building lead, no texts.
        person("lead", "张德明", "13800000006", unit=units[3], role="building_lead")
        secretary = make.secretary(courtyard, user=make.user(f"secretary{tag}", display_name="王淑芬"))
        staff = make.org_staff(org, user=make.user(f"property{tag}", display_name="杨帆"))
        topic = deliberation.create_topic(people["owner"], courtyard, title=TOPIC,
                                          body="晚上车棚里插线板拉得到处都是，不安全。", category="facilities")
        proposal = voting.create_proposal(secretary, topic, title=PROPOSAL, body="物业负责安装，按次扫码付费。")
        world = {
            "topic_id": topic.id, "proposal_id": proposal.id, "org_id": org.id,
            "units": {f"unit{i}": u.id for i, u in enumerate(units)},
            "secretary": secretary.login, "staff": staff.login,
            **{key: {"login": u.login, "phone": u.phone, "id": u.id} for key, u in people.items()},
        }
        db.session.remove()
    return world


def build_world(server) -> SimpleNamespace:
    return run_world("tests.e2e.test_participation", server)


class Api:
    def __init__(self, server, login_name: str):
        self.base = f"{server.url}/api/v1"
        r = requests.post(f"{self.base}/auth/token", json={"login": login_name, "password": PASSWORD}, timeout=30)
        assert r.status_code == 201, r.text
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}

    def __call__(self, method: str, path: str, expect: int = 200, **kw):
        r = requests.request(method, self.base + path, headers=self.headers, timeout=30, **kw)
        assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r.json()


def _sms_records(server, proposal_id: int) -> list[tuple]:
    """The live server's delivery records of text messages about the proposal's topic."""
    db = sqlite3.connect(server.env["DATABASE_URL"].removeprefix("sqlite:///"))
    try:
        return db.execute(
            "SELECT o.user_id, o.status, o.next_attempt_at FROM outbound_messages o "
            "JOIN notifications n ON n.id = o.notification_id "
            "JOIN proposals p ON p.topic_id = n.topic_id "
            "WHERE o.channel = 'sms' AND p.id = ? AND n.kind = 'ballot_opened' ORDER BY o.user_id",
            (proposal_id,)).fetchall()
    finally:
        db.close()


@pytest.fixture(scope="module")
def gateway():
    with FakeSmsGateway() as g:
        yield g


def _server(gateway, **env) -> LiveServer:
    return LiveServer(seed=False, extra_env={
        "NOTIFY_CHANNELS": "log,sms", "SMS_GATEWAY_URL": gateway.url, "SMS_GATEWAY_SECRET": gateway.secret,
        **env}).start()


@pytest.fixture(scope="module")
def server(gateway):
    # Quiet hours off for this server: whenever the suite runs, texts go at once.
    s = _server(gateway, NOTIFY_QUIET_HOURS="")
    yield s
    s.stop()


@pytest.fixture
def phone(browser, server):
    """Phone-sized pages (360 × 740) of the module's own server, each in a fresh context."""
    contexts = []

    def factory():
        ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=server.url)
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        return ctx.new_page()

    yield factory
    for ctx in contexts:
        ctx.close()


def _signed_in(phone, login_name: str, path: str):
    page = phone()
    login(page, login_name, PASSWORD, path)
    return page


def test_a_ballot_reaches_its_roll_and_the_topic_follows_to_the_end(server, gateway, phone):
    from playwright.sync_api import expect
    w = build_world(server)
    gateway.clear()

    # Two residents on the roll watch their notifications; the lead watches who has not voted.
    owner = _signed_in(phone, w.owner.login, "/notifications")
    neighbour = _signed_in(phone, w.neighbour.login, "/notifications")
    for page in (owner, neighbour):
        page.locator("#notification-list").wait_for(state="attached")

    # The secretary opens the ballot on her phone: the sole draft is already chosen.
    secretary = _signed_in(phone, w.secretary, f"/topics/{w.topic_id}/ballots/new")
    expect(secretary.locator(f"input[name=proposal_ids][value='{w.proposal_id}']")).to_be_checked()
    secretary.locator("input[name=rule][value=household]").check()
    secretary.locator("form.ballot-form button[type=submit]").click()
    secretary.wait_for_url(f"**/topics/{w.topic_id}**")

    # Both see it arrive, without reloading.
    for page in (owner, neighbour):
        entry = page.locator("#notification-list .notification").filter(has_text=PROPOSAL)
        expect(entry.first).to_be_visible()
        expect(entry.first).to_contain_text("请投票")

    # One text per household that opted in: flat 0 once (owner or son), flat 1, flat 2's daughter.
    texts = gateway.wait_for(3)
    records = _sms_records(server, w.proposal_id)
    assert len(records) == 3, records
    told = {m["to"] for m in texts}
    assert len(texts) == 3 and len(told) == 3
    assert w.neighbour.phone in told and w.daughter.phone in told
    assert len(told & {w.owner.phone, w.son.phone}) == 1
    assert not told & {w.lead.phone, w.owner3.phone}
    assert all(PROPOSAL in m["text"] for m in texts)

    # The lead's list of households that have not voted shrinks as they vote.
    lead = _signed_in(phone, w.lead.login, f"/proposals/{w.proposal_id}/roll")
    households = lead.locator("[data-testid=roll-household]")
    expect(households).to_have_count(4)
    flat0, flat1 = (lead.locator(f"[data-household='h:{unit}']") for unit in (w.units.unit0, w.units.unit1))
    expect(flat0).to_have_count(1)
    expect(flat1).to_have_count(1)
    for voter, remaining in ((owner, 3), (neighbour, 2)):
        voter.goto(f"/topics/{w.topic_id}")
        voter.locator('#discussion[data-joined="true"]').wait_for()
        voter.locator(".tool-button[aria-controls=fold-proposals]").click()  # the ballot waits behind 投票
        button = voter.locator(f"#proposal-{w.proposal_id} .vote-button.vote-yes")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(households).to_have_count(remaining)
    expect(flat0).to_have_count(0)
    expect(flat1).to_have_count(0)

    # The secretary closes it: adopted (2 of 2 votes yes), and the topic reads 已决定.
    secretary.goto(f"/proposals/{w.proposal_id}")
    secretary.get_by_role("button", name="现在结束表决").click()
    secretary.goto(f"/topics/{w.topic_id}")
    expect(secretary.locator("#topic-status")).to_have_text("已决定")

    # The property company does the work; the secretary accepts it: 已办结.
    sec_api, staff_api = Api(server, w.secretary), Api(server, w.staff)
    task = sec_api("POST", f"/proposals/{w.proposal_id}/tasks", 201, json={"assignee_org_id": w.org_id})
    photo = staff_api("POST", "/uploads", 201, files={"file": ("done.png", png(), "image/png")})
    for status in ("accepted", "in_progress"):
        staff_api("POST", f"/tasks/{task['id']}/updates", 201, json={"status": status, "note": "在办"})
    staff_api("POST", f"/tasks/{task['id']}/updates", 201,
              json={"status": "done", "note": "充电口已装好", "photo_ids": [photo["id"]]})
    owner.goto(f"/topics/{w.topic_id}")
    expect(owner.locator("#topic-status")).to_have_text("已决定")
    sec_api("POST", f"/tasks/{task['id']}/verification", 200, json={"accepted": True})
    owner.goto(f"/topics/{w.topic_id}")
    expect(owner.locator("#topic-status")).to_have_text("已办结")


def test_quiet_hours_hold_the_texts_until_morning(gateway):
    """A server whose quiet hours cover the present: the ballot's texts are recorded, not sent,
    and wait for the end of the quiet hours."""
    from courtyard.clock import LOCAL_TZ
    now = datetime.now(LOCAL_TZ)
    start, end = (now - timedelta(hours=1)).strftime("%H:%M"), (now + timedelta(hours=2)).strftime("%H:%M")
    quiet = _server(gateway, NOTIFY_QUIET_HOURS=f"{start}-{end}")
    try:
        w = build_world(quiet)
        gateway.clear()
        Api(quiet, w.secretary)("POST", f"/proposals/{w.proposal_id}/ballot", 200, json={
            "rule": "household", "closes_at": (datetime.now(timezone.utc) + timedelta(days=3)).isoformat()})
        records = _sms_records(quiet, w.proposal_id)
        assert len(records) == 3
        assert {status for _, status, _ in records} == {"queued"}
        morning = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
        for _, _, at in records:
            held = datetime.fromisoformat(at)
            held = held if held.tzinfo else held.replace(tzinfo=timezone.utc)
            assert held.astimezone(LOCAL_TZ).replace(second=0, microsecond=0) == morning
        assert gateway.messages == []
    finally:
        quiet.stop()


if __name__ == "__main__":
    print(json.dumps(_build()))
