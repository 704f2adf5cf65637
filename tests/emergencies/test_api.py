"""The JSON API: shapes, statuses and CONTRACT §2 errors for every route, bad input included."""
from __future__ import annotations

from datetime import timedelta

import pytest

from courtyard import clock
from courtyard.emergencies import services

from .conftest import assert_error


def test_post_read_update_resolve(api, w):
    staff = api.as_(w.staff)
    r = staff.post(f"/communities/{w.community.id}/notices", {
        "kind": "heating", "title": "供暖主管道破裂，暂停供暖", "body": "抢修中，请老人注意保暖。",
        "courtyard_ids": [w.east.id, w.west.id],
        "expected_end_at": (clock.now() + timedelta(hours=10)).isoformat()})
    assert r.status_code == 201, r.get_json()
    notice = r.get_json()
    assert set(notice) == {"id", "community_id", "kind", "title", "body", "status", "started_at", "expected_end_at",
                           "resolved_at", "courtyard_ids", "courtyards", "created_by", "updates"}
    assert notice["courtyards"][0]["name"].endswith("55号院1号楼")
    nid = notice["id"]
    resident = api.as_(w.resident)
    assert resident.get(f"/notices/{nid}").get_json()["updates"][0]["kind"] == "posted"
    listed = resident.get("/notices?status=active").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == nid
    assert resident.get(f"/notices?courtyard_id={w.west.id}").get_json()["total"] == 1
    r = staff.post(f"/notices/{nid}/updates", {"text": "已完成一处焊接"})
    assert r.status_code == 201 and [u["kind"] for u in r.get_json()["updates"]] == ["posted", "update"]
    r = staff.post(f"/notices/{nid}/resolve", {"text": "已恢复供暖"})
    assert r.status_code == 200 and r.get_json()["status"] == "resolved" and r.get_json()["resolved_at"]
    assert_error(staff.post(f"/notices/{nid}/resolve", {}), 409)
    assert_error(staff.post(f"/notices/{nid}/updates", {"text": "再说"}), 409)


@pytest.mark.parametrize("body, fields", [
    ({"kind": "flood", "title": "x", "courtyard_ids": [1]}, {"kind"}),
    ({"kind": "water", "title": "", "courtyard_ids": []}, {"title", "courtyard_ids"}),
    ({"kind": "water", "title": "停水", "courtyard_ids": "all"}, {"courtyard_ids"}),
    ({"kind": "water", "title": "停水", "courtyard_ids": [0]}, {"courtyard_ids"}),
    ({"kind": "water", "title": 5}, {"title"}),
    ({"kind": "water", "title": "停水", "expected_end_at": "soon"}, {"courtyard_ids", "expected_end_at"}),
])
def test_bad_notices_are_named_and_not_stored(api, w, body, fields):
    r = api.as_(w.staff).post(f"/communities/{w.community.id}/notices", body)
    err = assert_error(r, 422)
    assert fields <= set(err["fields"]), err
    assert api.as_(w.staff).get("/notices").get_json()["total"] == 0


def test_errors_of_every_route(api, w):
    notice = w.notice()
    resident, outsider, staff = api.as_(w.resident), api.as_(w.outsider), api.as_(w.staff)
    assert_error(api.as_(None).get("/notices"), 401)
    assert_error(resident.post(f"/communities/{w.community.id}/notices", {"kind": "water"}), 403)
    assert_error(staff.post("/communities/987654/notices", {}), 404)
    assert_error(staff.post(f"/communities/{w.community.id}/notices", "not json"), 400)
    assert_error(staff.post(f"/communities/{w.community.id}/notices", data="x", content_type="text/plain"), 400)
    assert_error(outsider.get(f"/notices/{notice.id}"), 404)
    assert_error(resident.get("/notices/987654"), 404)
    assert_error(resident.get("/notices?status=nope"), 422)
    assert_error(resident.post(f"/notices/{notice.id}/updates", {"text": "x"}), 403)
    assert_error(staff.post(f"/notices/{notice.id}/updates", {"text": ""}), 422, "text")
    assert_error(staff.post(f"/notices/{notice.id}/updates", {"text": ["x"]}), 422, "text")
    assert_error(resident.post(f"/notices/{notice.id}/resolve", {}), 403)
    assert_error(resident.get(f"/notices/{notice.id}/checklist"), 403)
    assert_error(resident.post(f"/notices/{notice.id}/visits", {"unit_id": w.unit().id, "outcome": "ok"}), 403)
    assert_error(staff.post(f"/notices/{notice.id}/visits", {"unit_id": "x", "outcome": "ok"}), 422, "unit_id")
    assert_error(staff.post(f"/notices/{notice.id}/visits", {"unit_id": w.unit().id, "outcome": "great"}), 422,
                 "outcome")
    assert_error(resident.get(f"/courtyards/{w.east.id}/households"), 403)
    assert_error(outsider.get(f"/courtyards/{w.east.id}/households"), 404)
    assert_error(resident.request("PUT", f"/units/{w.unit().id}/flags", {"kinds": []}), 403)
    lead = api.as_(w.lead)
    assert_error(lead.request("PUT", f"/units/{w.unit().id}/flags", {"kinds": ["rich"]}), 422, "kinds")
    assert_error(lead.request("PUT", f"/units/{w.unit().id}/flags", {"note": "x"}), 422, "kinds")
    assert_error(lead.request("PUT", "/units/987654/flags", {"kinds": []}), 404)


def test_households_flags_checklist_and_visits(api, w):
    lead, staff = api.as_(w.lead), api.as_(w.staff)
    unit = w.unit(w.east, 3)
    r = lead.request("PUT", f"/units/{unit.id}/flags", {"kinds": ["living_alone", "limited_mobility"],
                                                        "note": "82岁独居，行动不便"})
    assert r.status_code == 200, r.get_json()
    assert {f["kind"] for f in r.get_json()["flags"]} == {"living_alone", "limited_mobility"}
    households = lead.get(f"/courtyards/{w.east.id}/households").get_json()["items"]
    assert len(households) == 6 and [h["unit"]["id"] for h in households if h["flags"]] == [unit.id]
    notice = w.notice()
    checklist = staff.get(f"/notices/{notice.id}/checklist").get_json()
    assert checklist["counts"] == {"total": 1, "visited": 0, "needs_help": 0}
    assert checklist["items"][0]["visit"] is None and checklist["items"][0]["unit"]["label"] == unit.label
    r = lead.post(f"/notices/{notice.id}/visits", {"unit_id": unit.id, "outcome": "needs_help", "note": "无取暖设备"})
    assert r.status_code == 201 and r.get_json()["outcome"] == "needs_help"
    r = staff.post(f"/notices/{notice.id}/visits", {"unit_id": unit.id, "outcome": "ok", "note": "已送电暖气"})
    assert r.status_code == 200 and r.get_json()["visited_by"]["id"] == w.staff.id
    assert staff.get(f"/notices/{notice.id}/checklist").get_json()["counts"]["visited"] == 1
    services.resolve_notice(w.staff, notice)
    assert_error(staff.post(f"/notices/{notice.id}/visits", {"unit_id": unit.id, "outcome": "ok"}), 409)
