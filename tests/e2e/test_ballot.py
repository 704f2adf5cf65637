"""The demo ballot end to end in two browsers: a vote moves the other's tally live, and the
quorum meter shows how far participation is from the Civil Code's thresholds (issue 4)."""
from __future__ import annotations

import pytest
import requests

from courtyard.seeding.demo import PASSWORD
from courtyard.seeding.voting import EBIKE_TOPIC

pytestmark = pytest.mark.browser
BALLOT = "在车棚北墙安装 4 个扫码充电口，按次付费"


def _api(server, login):
    r = requests.post(f"{server.url}/api/v1/auth/token", json={"login": login, "password": PASSWORD}, timeout=30)
    assert r.status_code == 201, r.text
    headers = {"Authorization": f"Bearer {r.json()['token']}"}
    return lambda path: requests.get(f"{server.url}/api/v1{path}", headers=headers, timeout=30).json()


def _demo_ballot(server):
    get = _api(server, "owner")
    for courtyard in get("/courtyards")["items"]:
        for topic in get(f"/courtyards/{courtyard['id']}/topics?per_page=100")["items"]:
            if topic["title"] == EBIKE_TOPIC:
                proposal = next(p for p in get(f"/topics/{topic['id']}/proposals")["items"] if p["title"] == BALLOT)
                return topic["id"], proposal["id"], get
    raise AssertionError("the demo ballot is missing")


def _open(new_page, login, topic_id):
    page = new_page()
    page.goto(f"/login?next=/topics/{topic_id}")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/topics/{topic_id}")
    page.locator('#discussion[data-joined="true"]').wait_for()
    page.locator('.tool-button[aria-controls="fold-proposals"]').click()  # the votes wait behind a button
    return page


def _meter_matches(page, card, tally):
    """The page's quorum meter says what the tally says, by heads and by area."""
    from playwright.sync_api import expect
    for th in tally["thresholds"]:
        if th["kind"] != "participation":
            continue
        row = page.locator(f"{card} [data-threshold={th['measure']}]")
        area = th["measure"] == "area"
        expect(row.locator("[data-have]")).to_have_text(f"{th['have']:.2f}" if area else str(th["have"]))
        expect(row.locator("[data-of]")).to_have_text(f"{th['of']:.2f}" if area else str(th["of"]))
        expect(row.locator("[data-short]")).to_contain_text(f"{th['short']:.2f}" if area else str(th["short"]))
        assert row.locator("meter").evaluate("m => [m.value, m.max, m.low]") == [th["have"], th["of"], th["target"]]


def test_two_neighbours_vote_and_each_sees_the_other_live(live_server, new_page):
    from playwright.sync_api import expect
    topic_id, proposal_id, get = _demo_ballot(live_server)
    before = get(f"/proposals/{proposal_id}/tally")
    owner = _open(new_page, "owner", topic_id)
    lead = _open(new_page, "lead", topic_id)
    card = f"#proposal-{proposal_id}"
    expect(owner.locator(f"{card} .vote-button.vote-yes")).to_contain_text("赞成")
    expect(owner.locator(f"{card} [data-count=yes]")).to_have_text(str(before["counts"]["yes"]))
    _meter_matches(owner, card, before)

    secretary = _open(new_page, "secretary", topic_id)
    secretary.goto(f"/proposals/{proposal_id}")  # the ballot's own page joins the topic's room itself
    secretary.locator('#ballot-page[data-joined="true"]').wait_for()

    lead.locator(f"{card} .vote-button.vote-yes").click()  # the building lead, an owner of 1单元101
    expect(lead.locator(f"{card} .vote-button.vote-yes")).to_have_attribute("aria-pressed", "true")
    expect(owner.locator(f"{card} [data-count=yes]")).to_have_text(str(before["counts"]["yes"] + 1))
    after = get(f"/proposals/{proposal_id}/tally")
    assert after["participation"]["households"] == before["participation"]["households"] + 1
    _meter_matches(owner, card, after)
    _meter_matches(lead, card, after)
    expect(secretary.locator(f"{card} [data-count=yes]")).to_have_text(str(before["counts"]["yes"] + 1))
    _meter_matches(secretary, card, after)

    owner.locator(f"{card} .vote-button.vote-no").click()  # the owner changes her mind
    expect(owner.locator(f"{card} .vote-button.vote-no")).to_have_attribute("aria-pressed", "true")
    expect(owner.locator(f"{card} .vote-button.vote-yes")).to_have_attribute("aria-pressed", "false")
    expect(lead.locator(f"{card} [data-count=no]")).to_have_text(str(after["counts"]["no"] + 1))
    expect(lead.locator(f"{card} [data-count=yes]")).to_have_text(str(after["counts"]["yes"] - 1))
    assert owner.evaluate("performance.getEntriesByType('navigation').length") == 1  # no one reloaded
    assert lead.evaluate("performance.getEntriesByType('navigation').length") == 1
