"""notice.updated over real sockets: residents of the chosen courtyards hear each step; others do not."""
from __future__ import annotations

import pytest

from courtyard.emergencies import services
from courtyard.errors import Invalid


def test_the_chosen_courtyards_hear_each_step_and_nobody_else(w, connect):
    east, west = connect(w.resident), connect(w.west_resident)
    third, outsider = connect(w.third_resident), connect(w.outsider)
    notice = w.notice()
    for sock in (east, west):
        got = sock.events("notice.updated")
        assert [p["id"] for p in got] == [notice.id] and got[0]["status"] == "active"
    services.add_update(w.staff, notice, text="一处漏点已焊接")
    services.resolve_notice(w.staff, notice, text="已恢复供暖")
    got = east.events("notice.updated")
    assert [p["status"] for p in got] == ["active", "resolved"]
    assert [u["kind"] for u in got[-1]["updates"]] == ["posted", "update", "resolved"]
    assert got[-1]["updates"][1]["text"] == "一处漏点已焊接"
    assert len(west.events("notice.updated")) == 2
    assert third.events("notice.updated") == [] and outsider.events("notice.updated") == []


def test_nothing_is_sent_for_what_was_refused(w, connect):
    sock = connect(w.resident)
    notice = w.notice()
    sock.events("notice.updated")
    with pytest.raises(Invalid):
        services.add_update(w.staff, notice, text="  ")
    assert sock.events("notice.updated") == []


def test_a_visit_reaches_those_who_see_the_flat_on_the_checklist_and_nobody_else(w, connect):
    """visit.recorded: the community's staff, the street's administrators and the flat's courtyard's
    building lead and secretary — not its residents, nor the lead of another courtyard on the notice."""
    unit = w.unit()
    services.set_household_flags(w.staff, unit, kinds=["living_alone"], note="独居，84岁")
    notice = w.notice()
    readers = {name: connect(getattr(w, name)) for name in ("staff", "admin", "lead", "secretary")}
    others = {name: connect(getattr(w, name)) for name in ("resident", "west_lead", "other_staff", "outsider")}
    services.record_visit(w.lead, notice, unit_id=unit.id, outcome="needs_help", note="已送电暖气")
    for name, sock in readers.items():
        got = sock.events("visit.recorded")
        assert len(got) == 1, name
        assert got[0]["unit"] == {"id": unit.id, "label": unit.label} and got[0]["outcome"] == "needs_help"
        assert got[0]["note"] == "已送电暖气" and got[0]["notice_id"] == notice.id
        assert got[0]["visited_by"]["id"] == w.lead.id
    for name, sock in others.items():
        assert sock.events("visit.recorded") == [], name
    with pytest.raises(Invalid):
        services.record_visit(w.lead, notice, unit_id=unit.id, outcome="maybe")
    assert readers["staff"].events("visit.recorded") == []
