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
