"""/api/v1 proposals and ballots (CONTRACT §4 "Proposals and ballots", §2 errors)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from courtyard import clock, events

from .conftest import assert_error

TALLY_KEYS = {"proposal_id", "status", "rule", "counts", "eligible", "participation", "quorum_met", "passing"}


def later(**kw) -> str:
    return (clock.now() + timedelta(**kw)).isoformat()


@pytest.fixture
def draft(v, api):
    topic = v.topic()
    r = api.as_(v.secretary).post(f"/topics/{topic.id}/proposals", {"title": "北墙装充电桩", "body": "10个，物业出资"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def open_(api, v, proposal_id, **settings):
    body = {"rule": "majority", "closes_at": later(days=3), **settings}
    return api.as_(v.secretary).post(f"/proposals/{proposal_id}/ballot", body)


def test_propose_open_vote_close(v, api):
    a, b = v.resident(), v.resident()
    topic = v.topic(author=a)
    r = api.as_(a).post(f"/topics/{topic.id}/proposals", {"title": "北墙装充电桩", "body": "10个"})
    assert r.status_code == 201
    p = r.get_json()
    assert (p["status"], p["rule"], p["tally"], p["author"]["id"]) == ("draft", None, None, a.id)

    r = open_(api, v, p["id"], rule="majority", quorum=0.5, secret=False)
    assert r.status_code == 200, r.get_json()
    opened = r.get_json()
    assert (opened["status"], opened["rule"], opened["quorum"], opened["secret"]) == ("voting", "majority", "1/2", False)
    assert opened["tally"]["eligible"]["people"] == 3

    r = api.as_(a).post(f"/proposals/{p['id']}/votes", {"choice": "yes"})
    assert r.status_code == 201
    assert r.get_json()["choice"] == "yes" and set(r.get_json()["tally"]) >= TALLY_KEYS
    r = api.as_(a).post(f"/proposals/{p['id']}/votes", {"choice": "no"})
    assert r.status_code == 200 and r.get_json()["replaced"]
    assert api.as_(b).post(f"/proposals/{p['id']}/votes", {"choice": "yes"}).status_code == 201

    t = api.as_(b).get(f"/proposals/{p['id']}/tally").get_json()
    assert set(t) >= TALLY_KEYS
    assert t["counts"] == {"yes": 1, "no": 1, "abstain": 0}
    assert set(t["eligible"]) == set(t["participation"]) == {"people", "households", "area_m2"}
    assert t["participation"]["people"] == 2 and t["quorum_met"] and not t["passing"]

    r = api.as_(v.secretary).post(f"/proposals/{p['id']}/close")
    assert r.status_code == 200
    final = r.get_json()
    assert set(final) >= TALLY_KEYS and final["status"] == "rejected" and final["counts"]["yes"] == 1
    assert_error(api.as_(b).post(f"/proposals/{p['id']}/votes", {"choice": "no"}), 409)
    assert_error(api.as_(v.secretary).post(f"/proposals/{p['id']}/close"), 409)
    got = api.as_(a).get(f"/proposals/{p['id']}").get_json()
    assert got["status"] == "rejected" and got["tally"] == final and got["my_vote"]["choice"] == "no"
    assert not got["closed_automatically"] and got["closed_by"]["id"] == v.secretary.id


def test_list_proposals_is_paginated(v, api, draft):
    r = api.as_(v.secretary).get(f"/topics/{draft['topic_id']}/proposals?per_page=1")
    body = r.get_json()
    assert r.status_code == 200 and body["total"] == 1 and body["items"][0]["id"] == draft["id"]
    assert_error(api.as_(v.secretary).get(f"/topics/{draft['topic_id']}/proposals?per_page=0"), 422, "per_page")


def test_who_may_do_what(v, api, make, draft):
    resident = v.resident()
    stranger = make.resident(make.courtyard())
    pid, tid = draft["id"], draft["topic_id"]
    assert_error(api.as_(None).post(f"/topics/{tid}/proposals", {"title": "x", "body": "y"}), 401)
    assert_error(api.as_(stranger).post(f"/topics/{tid}/proposals", {"title": "x", "body": "y"}), 404)
    assert_error(api.as_(stranger).get(f"/proposals/{pid}"), 404)
    assert_error(api.as_(stranger).get(f"/proposals/{pid}/tally"), 404)
    assert_error(api.as_(resident).post(f"/proposals/{pid}/ballot", {"rule": "majority", "closes_at": later(days=1)}),
                 403)
    assert_error(api.as_(resident).post(f"/proposals/{pid}/ballot", {}), 403)  # 403 before the body's checks
    assert_error(api.as_(resident).get(f"/proposals/{pid}/tally"), 409)  # a draft has no tally yet
    assert_error(api.as_(resident).post(f"/proposals/{pid}/votes", {"choice": "yes"}), 409)
    assert open_(api, v, pid).status_code == 200
    assert_error(open_(api, v, pid), 409)
    assert_error(api.as_(stranger).post(f"/proposals/{pid}/votes", {"choice": "yes"}), 404)
    assert_error(api.as_(resident).post(f"/proposals/{pid}/close"), 403)
    staff = make.community_staff(v.courtyard.building.community)
    assert_error(api.as_(staff).post(f"/proposals/{pid}/votes", {"choice": "yes"}), 403)  # not on the roll
    assert_error(api.as_(resident).get("/proposals/999999"), 404)


def test_bad_input_is_a_clear_error(v, api, draft):
    pid, tid = draft["id"], draft["topic_id"]
    sec = api.as_(v.secretary)
    assert_error(sec.post(f"/topics/{tid}/proposals", {"title": "", "body": "y"}), 422, "title")
    assert_error(sec.post(f"/topics/{tid}/proposals", {"body": "y"}), 422, "title")
    assert_error(sec.post(f"/topics/{tid}/proposals", {"title": "x\x00", "body": "y"}), 422, "title")
    r = sec.client.post(f"/api/v1/topics/{tid}/proposals", data="not json", headers=sec._headers(
        {"Content-Type": "application/json"}))
    assert_error(r, 400)
    assert_error(sec.post(f"/proposals/{pid}/ballot", {"rule": "dictator", "closes_at": later(days=1)}), 422, "rule")
    assert_error(sec.post(f"/proposals/{pid}/ballot", {"rule": "majority", "closes_at": "tomorrow"}), 422, "closes_at")
    assert_error(sec.post(f"/proposals/{pid}/ballot", {"rule": "majority", "closes_at": 5}), 422, "closes_at")
    assert_error(sec.post(f"/proposals/{pid}/ballot", {"rule": "majority", "closes_at": later(minutes=1)}), 422,
                 "closes_at")
    assert_error(sec.post(f"/proposals/{pid}/ballot", {"rule": "majority", "closes_at": later(days=1),
                                                       "quorum": 2}), 422, "quorum")
    assert_error(sec.post(f"/proposals/{pid}/ballot", {"rule": "majority", "closes_at": later(days=1),
                                                       "quorum": [1]}), 422, "quorum")
    assert open_(api, v, pid).status_code == 200
    assert_error(sec.post(f"/proposals/{pid}/votes", {"choice": "maybe"}), 422, "choice")
    assert_error(sec.post(f"/proposals/{pid}/votes", {"choice": None}), 422, "choice")
    assert_error(sec.post(f"/proposals/{pid}/votes", {"choice": "yes", "on_behalf_of": "x"}), 422, "on_behalf_of")


def test_a_secret_ballot_reveals_no_one_s_choice_to_anyone_else(v, api, make, connect):
    """Votes yes and no; then everything anyone else can read — every response and every event —
    carries no choice of theirs."""
    lead = make.building_lead(v.courtyard)
    a, b, c = v.resident(), v.resident(), v.resident()
    p = v.ballot(secret=True)
    viewers = [v.secretary, lead, c]
    sockets = {u.id: connect(u) for u in viewers}
    for s in sockets.values():
        assert s.join(p.topic_id)["ok"]
    with events.capture() as sent:
        assert api.as_(a).post(f"/proposals/{p.id}/votes", {"choice": "yes"}).status_code == 201
        assert api.as_(b).post(f"/proposals/{p.id}/votes", {"choice": "no"}).status_code == 201
        seen = []
        for viewer in viewers:
            client = api.as_(viewer)
            seen += [client.get(f"/proposals/{p.id}").get_json(), client.get(f"/proposals/{p.id}/tally").get_json(),
                     client.get(f"/topics/{p.topic_id}/proposals").get_json(),
                     client.get(f"/proposals/{p.id}/turnout").get_json()]
        closed = api.as_(v.secretary).post(f"/proposals/{p.id}/close").get_json()
        seen.append(closed)
    seen += [payload for _, _, payload in sent]
    for s in sockets.values():
        seen += [e["args"][0] for e in s.received() if e["args"]]
    assert closed["counts"] == {"yes": 1, "no": 1, "abstain": 0}

    def choices_in(value):
        """Every (who, choice) pair anywhere in a JSON value."""
        if isinstance(value, dict):
            if value.get("choice") is not None:
                yield value
            for item in value.values():
                yield from choices_in(item)
        elif isinstance(value, list):
            for item in value:
                yield from choices_in(item)

    leaks = [found for body in seen for found in choices_in(body)]
    assert leaks == []
    turnout = api.as_(v.secretary).get(f"/proposals/{p.id}/turnout").get_json()["items"]
    assert {i["user"]["id"] for i in turnout if i["took_part"]} == {a.id, b.id}
    assert_error(api.as_(c).get(f"/proposals/{p.id}/turnout"), 403)
    assert api.as_(a).get(f"/proposals/{p.id}").get_json()["my_vote"]["choice"] == "yes"


def test_assisted_vote_through_the_api(v, api, make):
    lead = make.building_lead(v.courtyard)
    grandma = v.resident()
    p = v.ballot()
    r = api.as_(lead).post(f"/proposals/{p.id}/votes", {"choice": "yes", "on_behalf_of": grandma.id,
                                                        "witness": "楼下李阿姨"})
    assert r.status_code == 201 and r.get_json()["assisted"]
    mine = api.as_(grandma).get(f"/proposals/{p.id}").get_json()["my_vote"]
    assert mine["assisted"] and mine["assisted_by"]["id"] == lead.id and mine["witness"] == "楼下李阿姨"
    assert api.as_(lead).get(f"/proposals/{p.id}").get_json()["my_vote"] is None  # the lead's own vote is apart
    r = api.as_(grandma).post(f"/proposals/{p.id}/votes", {"choice": "no"})
    assert r.status_code == 200 and not r.get_json()["assisted"]
    assert_error(api.as_(lead).post(f"/proposals/{p.id}/votes", {"choice": "yes", "on_behalf_of": grandma.id,
                                                                 "witness": "李"}), 409)


def test_the_closer_runs_by_itself(v, api, fake_clock, app):
    from courtyard import scheduler
    a = v.resident()
    p = v.ballot(minutes=30)
    api.as_(a).post(f"/proposals/{p.id}/votes", {"choice": "yes"})
    fake_clock.advance(minutes=31)
    scheduler.run_due(app)
    got = api.as_(a).get(f"/proposals/{p.id}").get_json()
    assert got["status"] == "adopted" and got["closed_automatically"] and got["closed_by"] is None
    assert got["tally"]["counts"]["yes"] == 1
