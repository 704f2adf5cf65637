"""Ballots reach their roll: the closing reminders' rule, the not-yet-voted list and its
reminders (rate-limited across processes), hidden totals, the ballot form and live roll pages."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from courtyard import clock, events
from courtyard.errors import Conflict, Forbidden, Invalid, RateLimited
from courtyard.extensions import db
from courtyard.notifications.models import Notification
from courtyard.places.models import Membership
from courtyard.voting import services
from courtyard.voting.models import BallotReminder
from courtyard.voting.services import closing_reminders_due

from ..web.browser import Browser


def unit_of(user):
    return db.session.query(Membership).filter_by(user_id=user.id).one().unit


@pytest.fixture
def browse(app):
    def open_as(user) -> Browser:
        b = Browser(app.test_client()).english()
        b.login(user)
        return b
    return open_as


# --- the rule of the closing reminders (pure) ------------------------------------------------

T0 = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
H = timedelta(hours=1)


@pytest.mark.parametrize("opened_for, elapsed, sent, due", [
    (48 * H, 0 * H, {}, []),
    (48 * H, 23 * H, {}, []),  # 25 h to go
    (48 * H, 24 * H, {}, [24]),  # exactly 24 h to go
    (48 * H, 30 * H, {24: True}, []),
    (48 * H, 46 * H, {24: True}, [2]),
    (48 * H, 46 * H, {}, [2]),  # the 24 h one was missed: only the nearest
    (48 * H, 47 * H, {24: True, 2: True}, []),
    (48 * H, 48 * H, {}, []),  # closed
    (24 * H, 0 * H, {}, [24]),  # opened with exactly 24 h
    (23 * H, 0 * H, {}, []),  # less than 24 h: no 24 h reminder
    (23 * H, 21 * H, {}, [2]),
    (2 * H, 0 * H, {}, [2]),
    (1 * H, 0 * H, {}, []),  # less than 2 h: none
    (1 * H, 50 * timedelta(minutes=1), {}, []),
])
def test_which_closing_reminder_is_due(opened_for, elapsed, sent, due):
    assert closing_reminders_due(T0, T0 + opened_for, T0 + elapsed, sent) == due


# --- the not-yet-voted list --------------------------------------------------------------------

def test_the_list_shows_households_without_a_vote_and_shrinks_as_they_vote(v, make):
    lead = make.building_lead(v.courtyard)
    owner = v.resident()
    tenant = v.resident(unit=unit_of(owner), is_owner=False)
    other = v.resident()
    p = v.ballot("majority")
    waiting = {h.key: h for h in services.roll_households(lead, p, voted=False)}
    assert waiting[f"h:{unit_of(owner).id}"].waiting == (owner, tenant)
    assert f"h:{unit_of(other).id}" in waiting
    assert f"u:{v.secretary.id}" in waiting and f"u:{lead.id}" in waiting  # people without a flat
    services.cast_vote(owner, p, "yes")
    h = next(h for h in services.roll_households(lead, p) if h.key == f"h:{unit_of(owner).id}")
    assert h.waiting == (tenant,) and not h.voted  # majority: the tenant still votes for themself
    services.cast_vote(tenant, p, "no")
    keys = {h.key for h in services.roll_households(lead, p, voted=False)}
    assert f"h:{unit_of(owner).id}" not in keys and f"h:{unit_of(other).id}" in keys


def test_under_the_unit_rules_one_vote_takes_the_flat_off_the_list(v, make):
    owner = v.resident()
    tenant = v.resident(unit=unit_of(owner), is_owner=False)
    p = v.ballot("household")
    services.cast_vote(tenant, p, "yes")
    keys = {h.key for h in services.roll_households(v.secretary, p, voted=False)}
    assert f"h:{unit_of(owner).id}" not in keys


def test_civil_code_lists_flats_no_one_can_vote_for_without_a_reminder(v):
    v.resident()
    p = v.ballot("civil_code")
    waiting = services.roll_households(v.secretary, p, voted=False)
    assert len(waiting) == 6  # six flats, one owner on the platform
    empty = [h for h in waiting if not h.people]
    assert len(empty) == 5 and not any(h.can_remind for h in empty)


def test_only_moderators_see_the_list_or_remind(v, make):
    a = v.resident()
    p = v.ballot()
    with pytest.raises(Forbidden):
        services.roll_households(a, p)
    with pytest.raises(Forbidden):
        services.remind_household(a, p, unit_id=unit_of(a).id)
    staff = make.community_staff(v.courtyard.building.community)
    assert services.roll_households(staff, p)  # community staff moderate the courtyard too


# --- reminders -------------------------------------------------------------------------------

def test_a_household_is_reminded_at_most_once_in_12_hours(v, make, fake_clock):
    lead = make.building_lead(v.courtyard)
    a = v.resident()
    p = v.ballot(minutes=3 * 24 * 60)
    h = services.remind_household(lead, p, unit_id=unit_of(a).id)
    assert h.reminded_at == clock.now() and h.next_reminder_at == clock.now() + timedelta(hours=12)
    assert not h.can_remind
    fake_clock.advance(hours=11, minutes=59)
    with pytest.raises(RateLimited) as refused:
        services.remind_household(v.secretary, p, unit_id=unit_of(a).id)  # another moderator: the same limit
    assert refused.value.retry_after == 60
    again = (clock.now() + timedelta(minutes=1)).astimezone(clock.LOCAL_TZ).strftime("%H:%M")
    assert again in str(refused.value.message)  # says when it can be sent again
    fake_clock.advance(minutes=1)
    services.remind_household(v.secretary, p, unit_id=unit_of(a).id)
    row = db.session.query(BallotReminder).one()
    assert row.times == 2 and row.last_sent_by_id == v.secretary.id
    assert db.session.query(Notification).filter_by(kind="ballot_reminder", user_id=a.id).count() == 2


def test_the_limit_holds_when_two_processes_insert_at_once(v, make, fake_clock):
    a = v.resident()
    p = v.ballot()
    # another process's row, committed after this one looked: the unique constraint refuses the second
    db.session.add(BallotReminder(proposal_id=p.id, household=f"h:{unit_of(a).id}", last_sent_at=clock.now(),
                                  last_sent_by_id=v.secretary.id, times=1))
    db.session.commit()
    with pytest.raises(RateLimited):
        services.remind_household(v.secretary, p, unit_id=unit_of(a).id)
    assert db.session.query(Notification).filter_by(kind="ballot_reminder").count() == 0


def test_reminders_need_an_open_ballot_a_household_on_the_roll_and_someone_waiting(v, make):
    a = v.resident()
    p = v.ballot()
    with pytest.raises(Invalid):
        services.remind_household(v.secretary, p)
    with pytest.raises(Invalid):
        services.remind_household(v.secretary, p, unit_id=999999)
    with pytest.raises(Invalid):
        services.remind_household(v.secretary, p, unit_id="x")
    services.cast_vote(a, p, "yes")
    with pytest.raises(Conflict):
        services.remind_household(v.secretary, p, unit_id=unit_of(a).id)
    services.close_ballot(v.secretary, p)
    with pytest.raises(Conflict):
        services.remind_household(v.secretary, p, unit_id=unit_of(a).id)


def test_a_person_without_a_flat_is_reminded_by_their_id(v, make):
    lead = make.building_lead(v.courtyard)
    p = v.ballot()
    h = services.remind_household(lead, p, user_id=v.secretary.id)
    assert h.key == f"u:{v.secretary.id}"
    assert db.session.query(Notification).filter_by(kind="ballot_reminder", user_id=v.secretary.id).count() == 1


# --- the API ---------------------------------------------------------------------------------

def test_roll_and_reminders_through_the_api(v, make, api):
    lead = make.building_lead(v.courtyard)
    a, b = v.resident(), v.resident()
    p = v.ballot("household", secret=True)
    services.cast_vote(a, p, "yes")
    r = api.as_(lead).get(f"/proposals/{p.id}/roll?voted=false")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["waiting"] == len(body["items"]) and body["households"] >= body["waiting"]
    assert [i["household"] for i in body["items"]] == [f"h:{unit_of(b).id}"]
    assert "choice" not in json.dumps(body) and "yes" not in json.dumps(body)
    assert api.as_(lead).get(f"/proposals/{p.id}/roll?voted=true").get_json()["items"][0]["voted"] is True
    assert api.as_(lead).get(f"/proposals/{p.id}/roll?voted=maybe").status_code == 422
    assert api.as_(a).get(f"/proposals/{p.id}/roll").status_code == 403
    sent = api.as_(lead).post(f"/proposals/{p.id}/reminders", {"unit_id": unit_of(b).id})
    assert sent.status_code == 201 and sent.get_json()["can_remind"] is False
    again = api.as_(lead).post(f"/proposals/{p.id}/reminders", {"unit_id": unit_of(b).id})
    assert again.status_code == 429 and again.get_json()["error"]["code"] == "rate_limited"
    assert 12 * 3600 - 60 <= int(again.headers["Retry-After"]) <= 12 * 3600
    assert api.as_(lead).post(f"/proposals/{p.id}/reminders", {"unit_id": "abc"}).status_code == 422
    assert api.as_(a).post(f"/proposals/{p.id}/reminders", {"unit_id": unit_of(b).id}).status_code == 403


# --- hidden totals ---------------------------------------------------------------------------

def test_hidden_totals_need_a_secret_ballot(v, api):
    p = v.proposal()
    with pytest.raises(Invalid) as err:
        services.open_ballot(v.secretary, p, rule="majority", closes_at=clock.now() + timedelta(hours=1),
                             hide_totals=True)
    assert "hide_totals" in err.value.fields
    r = api.as_(v.secretary).post(f"/proposals/{p.id}/ballot", {
        "rule": "majority", "closes_at": (clock.now() + timedelta(hours=1)).isoformat(), "hide_totals": "yes"})
    assert r.status_code == 422


def tallies_in(body):
    """Every tally object inside an answer or event payload."""
    if isinstance(body, dict):
        if "totals_hidden" in body:
            yield body
        for value in body.values():
            yield from tallies_in(value)
    elif isinstance(body, list):
        for value in body:
            yield from tallies_in(value)


def test_while_voting_no_answer_or_event_reveals_the_counts(v, make, api, browse):
    a, b = v.resident(), v.resident()
    p = v.proposal()
    opened = api.as_(v.secretary).post(f"/proposals/{p.id}/ballot", {
        "rule": "majority", "closes_at": (clock.now() + timedelta(hours=2)).isoformat(), "secret": True,
        "hide_totals": True})
    assert opened.status_code == 200 and opened.get_json()["hide_totals"] is True
    answers = [opened.get_json()]
    with events.capture() as sent:
        answers.append(api.as_(a).post(f"/proposals/{p.id}/votes", {"choice": "yes"}).get_json())
        answers.append(api.as_(b).post(f"/proposals/{p.id}/votes", {"choice": "no"}).get_json())
    for user in (a, v.secretary):
        answers.append(api.as_(user).get(f"/proposals/{p.id}/tally").get_json())
        answers.append(api.as_(user).get(f"/proposals/{p.id}").get_json())
        answers.append(api.as_(user).get(f"/topics/{p.topic_id}/proposals").get_json())
    tallied = [payload for e, _room, payload in sent if e == "vote.tallied"]
    assert tallied and all(t["counts"] is None and t["passing"] is None for t in tallied)
    found = [t for body in answers + tallied for t in tallies_in(body)]
    assert len(found) >= len(answers) + len(tallied)
    for t in found:
        assert t["totals_hidden"] is True and t["counts"] is None and t["area_m2"] is None and t["passing"] is None
        assert [th["kind"] for th in t["thresholds"]] == ["participation"]
    tally = answers[-2]["tally"]
    assert tally["totals_hidden"] is True and tally["participation"]["people"] == 2  # turnout is shown
    assert answers[1]["tally"]["counts"] is None  # the voter's own ack too (their own choice is in the ack)
    for user in (a, v.secretary):  # the pages: neither the topic's nor the ballot's shows a count
        for path in (f"/topics/{p.topic_id}", f"/proposals/{p.id}"):
            html = browse(user).text(path)
            assert 'data-count="yes"></span>' in html and 'data-count="no"></span>' in html
            assert '<p class="outlook" data-field="outlook" hidden></p>' in html
            assert "the totals are shown when voting closes" in html
    with events.capture() as sent:
        services.close_ballot(v.secretary, p)
    [decided] = [payload for e, _room, payload in sent if e == "proposal.decided"]
    assert decided["tally"]["counts"] == {"yes": 1, "no": 1, "abstain": 0}
    final = api.as_(a).get(f"/proposals/{p.id}/tally").get_json()
    assert final["totals_hidden"] is False and final["passing"] is False and final["counts"]["yes"] == 1


# --- pages -----------------------------------------------------------------------------------

def test_the_ballot_form_preselects_a_sole_draft_and_offers_hidden_totals(v, browse):
    topic = v.topic()
    p = v.proposal(topic)
    html = browse(v.secretary).text(f"/topics/{topic.id}/ballots/new")
    assert re.search(rf'value="{p.id}"\s+checked', html)
    assert 'name="hide_totals"' in html
    v.proposal(topic, title="另一个方案")
    html = browse(v.secretary).text(f"/topics/{topic.id}/ballots/new")
    assert "checked>" not in re.sub(r'name="rule"[^>]*checked', "", html).split('name="rule"')[0]


def test_the_form_opens_a_ballot_with_hidden_totals(v, browse):
    topic = v.topic()
    p = v.proposal(topic)
    closes = (clock.now() + timedelta(days=2)).astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    secretary = browse(v.secretary)
    r = secretary.post(f"/topics/{topic.id}/ballots/new", {"proposal_ids": str(p.id), "rule": "majority",
                                                           "closes_at": closes, "hide_totals": "y"})
    assert r.status_code == 422 and "Only a secret ballot can hide" in r.get_data(as_text=True)
    r = secretary.post(f"/topics/{topic.id}/ballots/new", {"proposal_ids": str(p.id), "rule": "majority",
                                                           "closes_at": closes, "secret": "y", "hide_totals": "y"})
    assert r.status_code == 302
    db.session.refresh(p)
    assert p.secret and p.hide_totals


def test_the_not_yet_voted_page_reminds_and_links_to_the_assisted_vote(v, make, browse):
    lead = make.building_lead(v.courtyard)
    a, b = v.resident(), v.resident()
    p = v.ballot()
    services.cast_vote(a, p, "yes")
    card = browse(lead).text(f"/topics/{p.topic_id}")
    assert f'href="/proposals/{p.id}/roll"' in card and 'data-testid="roll-link"' in card
    assert 'data-testid="roll-link"' not in browse(b).text(f"/topics/{p.topic_id}")
    page = browse(lead)
    html = page.text(f"/proposals/{p.id}/roll")
    assert 'data-testid="roll-not-voted"' in html and b.display_name in html and a.display_name not in html
    assert f'data-household="h:{unit_of(b).id}"' in html and 'data-testid="remind-button"' in html
    assert f"/proposals/{p.id}?on_behalf_of={b.id}#assist" in html
    assert page.get(f"/proposals/{p.id}/roll?fragment=1").get_data(as_text=True).lstrip().startswith("<div")
    r = page.post(f"/proposals/{p.id}/reminders", {"unit_id": str(unit_of(b).id)})
    assert r.status_code == 302
    html = page.text(f"/proposals/{p.id}/roll")
    assert "Reminder sent to" in html and 'data-testid="remind-later"' in html
    r = page.post(f"/proposals/{p.id}/reminders", {"unit_id": str(unit_of(b).id)})
    assert "remind it again at" in page.text(f"/proposals/{p.id}/roll")
    page.post(f"/proposals/{p.id}/reminders", {"unit_id": str(unit_of(b).id)}, csrf=False)  # refused: no token
    assert db.session.query(Notification).filter_by(kind="ballot_reminder", user_id=b.id).count() == 1
    assist = page.text(f"/proposals/{p.id}?on_behalf_of={b.id}")
    assert re.search(rf'<option selected value="{b.id}">|<option value="{b.id}" selected>', assist)
    assert browse(b).get(f"/proposals/{p.id}/roll").status_code == 403


def test_the_turnout_list_is_rendered_alone_for_live_updates(v, browse):
    a, b = v.resident(), v.resident()
    p = v.ballot()
    services.cast_vote(a, p, "yes")
    html = browse(v.secretary).text(f"/proposals/{p.id}/turnout")
    assert html.lstrip().startswith("<div") and "data-live-roll" in html
    assert html.count('data-took-part="true"') == 1 and "1 of" in html
    page = browse(b).text(f"/proposals/{p.id}")
    assert f'data-src="/proposals/{p.id}/turnout"' in page and "js/roll.js" in page
