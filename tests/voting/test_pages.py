"""The voting pages, without JavaScript: propose, open, vote, vote for a neighbour, close, the record."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from courtyard import clock
from courtyard.extensions import db
from courtyard.voting import services
from courtyard.voting.models import Proposal, ProposalStatus, Vote

from ..web.browser import Browser


@pytest.fixture
def browse(app):
    def open_as(user) -> Browser:
        b = Browser(app.test_client()).english()
        b.login(user)
        return b
    return open_as


def test_the_topic_page_shows_proposals_and_big_vote_buttons(v, browse):
    a = v.resident()
    p = v.ballot("civil_code")
    html = browse(a).text(f"/topics/{p.topic_id}")
    assert 'id="proposals"' in html and f'id="proposal-{p.id}"' in html
    assert 'name="choice" value="yes"' in html and 'name="choice" value="abstain"' in html
    assert "Floor area" in html and "Owners (one per flat)" in html  # the quorum meter, by heads and by area
    assert "<meter" in html and "js/ballot.js" in html


def test_propose_then_open_then_vote_then_close(v, browse):
    a = v.resident()
    topic = v.topic(author=a)
    resident = browse(a)
    r = resident.post(f"/topics/{topic.id}/proposals/new", {"proposal-title": "北墙装10个充电桩",
                                                            "proposal-body": "物业出资"})
    assert r.status_code == 302
    p = db.session.scalar(sa.select(Proposal))
    assert p.title == "北墙装10个充电桩" and p.status == ProposalStatus.draft

    assert resident.get(f"/topics/{topic.id}/ballots/new").status_code == 302  # not for residents
    secretary = browse(v.secretary)
    form = secretary.text(f"/topics/{topic.id}/ballots/new?proposal={p.id}")
    closes = re.search(r'name="closes_at"[^>]*value="([^"]+)"', form).group(1)
    r = secretary.post(f"/topics/{topic.id}/ballots/new", {"proposal_ids": str(p.id), "rule": "household",
                                                           "closes_at": closes, "quorum": "0.5", "secret": "y"})
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.refresh(p)
    assert (p.status, p.rule.value, p.secret, str(p.quorum)) == (ProposalStatus.voting, "household", True, "0.5000")
    local = p.closes_at.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    assert local == closes  # the form's time is Beijing time

    r = resident.post(f"/proposals/{p.id}/vote", {"choice": "yes", "next": f"/topics/{topic.id}#proposal-{p.id}"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/topics/{topic.id}#proposal-{p.id}")
    html = resident.text(f"/topics/{topic.id}")
    assert re.search(r'value="yes" class="vote-button vote-yes is-mine"', html)
    assert "You voted “Yes”." in html

    r = secretary.post(f"/proposals/{p.id}/close")
    assert r.status_code == 302
    record = resident.text(f"/proposals/{p.id}/record")
    assert "Decision record" in record and "北墙装10个充电桩" in record and v.secretary.display_name in record
    assert "Adopted" in record


def test_form_errors_are_shown_on_the_form(v, browse):
    topic = v.topic()
    secretary = browse(v.secretary)
    r = secretary.post(f"/topics/{topic.id}/proposals/new", {"proposal-title": "", "proposal-body": "x"})
    assert r.status_code == 422 and "This field is required." in r.get_data(as_text=True)
    p = v.proposal(topic)
    r = secretary.post(f"/topics/{topic.id}/ballots/new", {"proposal_ids": str(p.id), "rule": "majority",
                                                           "closes_at": "2020-01-01T08:00"})
    assert r.status_code == 422 and "between 5 minutes and 90 days" in r.get_data(as_text=True)
    r = secretary.post(f"/topics/{topic.id}/ballots/new", {"rule": "majority", "closes_at": "2020-01-01T08:00"})
    assert r.status_code == 422 and "Choose at least one proposal." in r.get_data(as_text=True)
    r = secretary.post(f"/topics/{topic.id}/ballots/new", {"proposal_ids": "999999", "rule": "majority"})
    assert r.status_code == 422
    r = secretary.post(f"/proposals/{p.id}/vote", {"choice": "yes"})
    assert r.status_code == 302  # a draft: flashed, not a 500
    assert "has not been put to a vote" in secretary.text(r.headers["Location"])


def test_a_building_lead_records_a_vote_for_a_neighbour(v, browse, make):
    lead = make.building_lead(v.courtyard)
    grandma = v.resident()
    p = v.ballot(secret=True)
    page = browse(lead).text(f"/proposals/{p.id}")
    assert 'id="assist"' in page and f'value="{grandma.id}"' in page
    r = browse(lead).post(f"/proposals/{p.id}/assisted-vote", {"on_behalf_of": str(grandma.id), "choice": "no",
                                                                "witness": "王大爷"})
    assert r.status_code == 302
    vote = db.session.scalar(sa.select(Vote))
    assert (vote.user_id, vote.assisted_by_id, vote.choice.value) == (grandma.id, lead.id, "no")
    html = browse(grandma).text(f"/proposals/{p.id}")
    assert f"{lead.display_name} recorded your vote “No” for you (witness: 王大爷)." in html
    r = browse(lead).post(f"/proposals/{p.id}/assisted-vote", {"on_behalf_of": str(grandma.id), "choice": "no",
                                                                "witness": ""})
    assert r.status_code == 422 and "This field is required." in r.get_data(as_text=True)
    assert browse(grandma).text(f"/proposals/{p.id}").count('id="assist"') == 0  # not for residents


def test_secret_ballot_pages_show_who_took_part_but_not_how(v, browse):
    a, b = v.resident(), v.resident()
    p = v.ballot(secret=True)
    services.cast_vote(a, p, "yes")
    services.cast_vote(b, p, "no")
    page = browse(v.secretary).text(f"/proposals/{p.id}")
    turnout = page[page.index('id="turnout-title"'):page.index('id="ballot-strings"')]
    assert a.display_name in turnout and "took part" in turnout
    assert "Yes" not in turnout and "No" not in turnout.replace("Not yet", "")
    services.close_ballot(v.secretary, p)
    for viewer in (v.secretary, b):
        record = browse(viewer).text(f"/proposals/{p.id}/record")
        roll = record[record.index("Roll and participation"):]
        assert "<th scope=\"col\">Vote</th>" not in roll
    assert 'id="turnout-title"' not in browse(b).text(f"/proposals/{p.id}")


def test_the_record_needs_a_closed_ballot_and_a_reader(v, browse, make):
    p = v.ballot()
    assert browse(v.secretary).get(f"/proposals/{p.id}/record").status_code == 409
    assert browse(make.resident(make.courtyard())).get(f"/proposals/{p.id}").status_code == 404
    assert browse(v.secretary).get("/proposals/999999").status_code == 404


def test_pages_in_chinese_by_default(v, app):
    a = v.resident()
    p = v.ballot("civil_code")
    b = Browser(app.test_client())
    b.login(a)
    html = b.text(f"/topics/{p.topic_id}")
    assert "赞成" in html and "反对" in html and "弃权" in html
