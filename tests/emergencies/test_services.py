"""Notices, updates, resolving, flags and visits through the services: what is stored, what is refused."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from courtyard import clock, events
from courtyard.audit import AuditEntry
from courtyard.emergencies import services
from courtyard.emergencies.models import HouseholdFlag, Notice, NoticeUpdate, Visit
from courtyard.errors import Conflict, Forbidden, Invalid, NotFound
from courtyard.extensions import db
from courtyard.notifications.models import Notification, OutboundMessage
from courtyard.realtime import rooms


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_notice_goes_to_the_chosen_courtyards_with_its_first_timeline_entry(w):
    expected = clock.now() + timedelta(hours=12)
    notice = w.notice(expected_end_at=expected.isoformat())
    assert notice.status.value == "active" and notice.kind.value == "heating"
    assert notice.courtyard_ids == sorted([w.east.id, w.west.id])
    assert [u.kind.value for u in notice.updates] == ["posted"]
    assert notice.updates[0].text.startswith("暖井下")
    assert abs((notice.expected_end_at - expected).total_seconds()) < 1


def test_updates_and_resolving_make_the_timeline(w):
    notice = w.notice()
    services.add_update(w.staff, notice, text="已完成一处管道更换焊接，第二处抢修中。")
    services.resolve_notice(w.staff, notice, text="凌晨3点20分恢复供暖，请自行开阀放气。")
    db.session.expire_all()
    notice = db.session.get(Notice, notice.id)
    assert [u.kind.value for u in notice.updates] == ["posted", "update", "resolved"]
    assert notice.status.value == "resolved" and notice.resolved_at is not None
    with pytest.raises(Conflict):
        services.add_update(w.staff, notice, text="再说一句")
    with pytest.raises(Conflict):
        services.resolve_notice(w.staff, notice)
    assert count(NoticeUpdate) == 3


@pytest.mark.parametrize("kw, fields", [
    ({"kind": "flood"}, {"kind"}),
    ({"title": ""}, {"title"}),
    ({"title": "停" * 101}, {"title"}),
    ({"body": "x" * 2001}, {"body"}),
    ({"title": "停水\ud800"}, {"title"}),
    ({"expected_end_at": "tomorrow"}, {"expected_end_at"}),
    ({"expected_end_at": "2020-01-01T08:00:00+08:00"}, {"expected_end_at"}),
    ({"kind": None, "title": None}, {"kind", "title"}),
])
def test_bad_input_names_the_fields_and_stores_nothing(w, kw, fields):
    with events.capture() as sent, pytest.raises(Invalid) as err:
        w.notice(**kw)
    assert set(err.value.fields) == fields
    assert count(Notice) == 0 and count(Notification) == 0 and sent == []


@pytest.mark.parametrize("ids", [[], None, "1", ["x"], [987654]])
def test_the_courtyards_must_be_of_the_community(w, ids):
    with pytest.raises(Invalid) as err:
        services.create_notice(w.staff, w.community, kind="water", title="停水", courtyard_ids=ids)
    assert set(err.value.fields) == {"courtyard_ids"}
    other = w.make.courtyard()
    with pytest.raises(Invalid):
        services.create_notice(w.staff, w.community, kind="water", title="停水", courtyard_ids=[w.east.id, other.id])
    assert count(Notice) == 0


def test_bad_updates_store_nothing(w):
    notice = w.notice()
    for kw in ({"text": ""}, {"text": None}, {"text": "x" * 1001}, {"text": "好", "expected_end_at": "nope"}):
        with pytest.raises(Invalid):
            services.add_update(w.staff, notice, **kw)
    assert count(NoticeUpdate) == 1
    with pytest.raises(Invalid):
        services.resolve_notice(w.staff, notice, text="x" * 1001)
    assert db.session.get(Notice, notice.id).status.value == "active"


def test_events_go_to_each_courtyard_after_the_commit_only(w):
    with events.capture() as sent:
        notice = w.notice()
    assert sorted(r for e, r, _ in sent if e == "notice.updated") == sorted(
        [rooms.courtyard(w.east.id), rooms.courtyard(w.west.id)])
    payload = next(p for e, _r, p in sent if e == "notice.updated")
    assert payload["id"] == notice.id and [u["kind"] for u in payload["updates"]] == ["posted"]
    with events.capture() as sent:
        services.add_update(w.staff, notice, text="抢修中")
    rooms_told = [r for e, r, p in sent if e == "notice.updated"]
    assert len(rooms_told) == 2
    assert [u["kind"] for u in next(p for e, _r, p in sent if e == "notice.updated")["updates"]] == ["posted", "update"]
    with events.capture() as sent, pytest.raises(Invalid):
        services.add_update(w.staff, notice, text="")
    assert sent == []


def test_a_failing_listener_stores_nothing_and_tells_no_one(w):
    from courtyard import signals

    def refuse(sender, **kw):
        raise RuntimeError("listener failed")

    signals.notice_posted.connect(refuse)
    try:
        with events.capture() as sent, pytest.raises(RuntimeError):
            w.notice()
    finally:
        signals.notice_posted.disconnect(refuse)
    db.session.rollback()
    assert count(Notice) == 0 and count(Notification) == 0 and sent == []


def test_every_member_of_the_chosen_courtyards_is_told_by_text_too(w):
    notice = w.notice()
    told = set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "emergency")))
    assert told == {w.lead.id, w.secretary.id, w.resident.id, w.west_resident.id, w.west_lead.id}
    assert w.third_resident.id not in told and w.staff.id not in told
    n = db.session.scalar(sa.select(Notification).where(Notification.user_id == w.resident.id))
    assert n.url == f"/notices/{notice.id}" and "供暖主管道破裂" in n.text and n.courtyard_id == w.east.id
    assert count(OutboundMessage) >= 0  # queued for channels that are configured (none here)
    services.add_update(w.staff, notice, text="第二处漏点焊接中")
    services.resolve_notice(w.staff, notice, text="已恢复供暖")
    texts = list(db.session.scalars(sa.select(Notification.text).where(Notification.user_id == w.resident.id)
                                    .order_by(Notification.id)))
    assert len(texts) == 3 and "第二处漏点焊接中" in texts[1] and "已恢复供暖" in texts[2]


def test_the_audit_log_hears_each_step(w):
    notice = w.notice()
    services.add_update(w.staff, notice, text="抢修中")
    services.resolve_notice(w.staff, notice)
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.subject_type == "notice")
                                      .order_by(AuditEntry.id)))
    assert actions == ["notice.posted", "notice.updated", "notice.resolved"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "notice.posted"))
    assert entry.actor_id == w.staff.id and entry.subject_id == notice.id
    assert entry.data["courtyard_ids"] == sorted([w.east.id, w.west.id])


def test_flags_are_set_changed_and_cleared(w):
    unit = w.unit()
    flags = services.set_household_flags(w.lead, unit, kinds=["living_alone", "limited_mobility"], note="独居老人，腿脚不便")
    assert {f.kind.value for f in flags} == {"living_alone", "limited_mobility"}
    flags = services.set_household_flags(w.staff, unit, kinds=["limited_mobility", "limited_mobility"],
                                         note="独居老人，腿脚不便")
    assert [f.kind.value for f in flags] == ["limited_mobility"] and flags[0].set_by_id == w.lead.id
    assert services.set_household_flags(w.secretary, unit, kinds=[]) == []
    for bad in (["rich"], "living_alone", [None]):
        with pytest.raises(Invalid) as err:
            services.set_household_flags(w.lead, unit, kinds=bad)
        assert set(err.value.fields) == {"kinds"}
    with pytest.raises(Invalid):
        services.set_household_flags(w.lead, unit, kinds=["empty_nest"], note="x" * 201)
    assert count(HouseholdFlag) == 0


def test_the_checklist_lists_flagged_flats_and_visits_tick_them(w):
    east_flat, west_flat, third_flat = w.unit(w.east, 2), w.unit(w.west, 1), w.unit(w.third, 0)
    for unit in (east_flat, west_flat, third_flat):
        services.set_household_flags(w.staff, unit, kinds=["empty_nest"], note="空巢老人")
    notice = w.notice()
    rows = services.checklist(w.staff, notice)
    assert [r["unit"].id for r in rows] == [east_flat.id, west_flat.id]  # not the courtyard left out
    assert all(r["visit"] is None for r in rows)
    assert [r["unit"].id for r in services.checklist(w.lead, notice)] == [east_flat.id]  # only what they lead
    visit, created = services.record_visit(w.lead, notice, unit_id=east_flat.id, outcome="needs_help",
                                           note="家中无取暖设备，已送电暖气")
    assert created and visit.visited_by_id == w.lead.id
    visit, created = services.record_visit(w.staff, notice, unit_id=east_flat.id, outcome="ok", note="已送电暖气")
    assert not created and count(Visit) == 1 and visit.outcome.value == "ok"
    rows = services.checklist(w.staff, notice)
    assert services.checklist_counts(rows) == {"total": 2, "visited": 1, "needs_help": 0}
    with pytest.raises(Forbidden):
        services.record_visit(w.lead, notice, unit_id=west_flat.id, outcome="ok")  # not their courtyard
    with pytest.raises(Invalid) as err:
        services.record_visit(w.staff, notice, unit_id=third_flat.id, outcome="fine")
    assert set(err.value.fields) == {"unit_id", "outcome"}
    with pytest.raises(Invalid):
        services.record_visit(w.staff, notice, unit_id="x", outcome="ok")
    services.resolve_notice(w.staff, notice)
    with pytest.raises(Conflict):
        services.record_visit(w.staff, notice, unit_id=west_flat.id, outcome="ok")
    assert count(Visit) == 1


def test_reading_lists_and_the_board(w, fake_clock):
    old = w.notice(title="电梯停运检修", kind="lift")
    services.resolve_notice(w.staff, old)
    fake_clock.advance(days=31)
    current = w.notice()
    assert [n.id for n in db.session.scalars(services.notices_for(w.resident))] == [current.id, old.id]
    assert [n.id for n in db.session.scalars(services.notices_for(w.resident, status="resolved"))] == [old.id]
    assert [n.id for n in db.session.scalars(services.notices_for(w.staff, courtyard_id=w.third.id))] == []
    with pytest.raises(Invalid):
        services.notices_for(w.resident, status="broken")
    with pytest.raises(Invalid):
        services.notices_for(w.resident, courtyard_id="x")
    assert [n.id for n in services.active_notices_of(w.resident, w.east)] == [current.id]
    assert [n.id for n in services.board_notices(w.third_resident, w.community.id)] == [current.id]  # old one gone
    assert services.board_notices(w.outsider, w.community.id) == []
    with pytest.raises(NotFound):
        services.get_notice(w.third_resident, current.id)


def test_flags_and_visits_are_in_the_audit_log_without_the_notes(w):
    """Who marked a neighbour as living alone, and who knocked: accountable, but the note about
    their health stays on the flag and the visit, not in the log."""
    unit = w.unit()
    services.set_household_flags(w.lead, unit, kinds=["living_alone"], note="独居，有心脏病")
    services.set_household_flags(w.lead, unit, kinds=["living_alone"], note="独居，有心脏病")  # nothing changed
    services.set_household_flags(w.staff, unit, kinds=[])
    notice = w.notice()
    services.set_household_flags(w.staff, unit, kinds=["empty_nest"])
    services.record_visit(w.lead, notice, unit_id=unit.id, outcome="needs_help", note="暖气不热，已送电暖气")
    services.record_visit(w.lead, notice, unit_id=unit.id, outcome="ok")
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.in_(
        ["household.flags_set", "notice.visit_recorded"])).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.data) for e in entries] == [
        ("household.flags_set", w.lead.id, {"kinds": ["living_alone"], "before": []}),
        ("household.flags_set", w.staff.id, {"kinds": [], "before": ["living_alone"]}),
        ("household.flags_set", w.staff.id, {"kinds": ["empty_nest"], "before": []}),
        ("notice.visit_recorded", w.lead.id, {"unit_id": unit.id, "outcome": "needs_help", "again": False}),
        ("notice.visit_recorded", w.lead.id, {"unit_id": unit.id, "outcome": "ok", "again": True}),
    ]
    assert entries[0].subject_type == "unit" and entries[0].courtyard_id == unit.building.courtyard.id
    assert "心脏" not in str([e.data for e in entries]) and "暖气" not in str([e.data for e in entries])
