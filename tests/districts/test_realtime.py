"""district.* over real sockets: a post reaches the members in the district's room; a non-member
cannot join; the socket's post goes through the same service as the form and the API."""
from __future__ import annotations

from courtyard.districts import services


def test_a_post_reaches_a_member_in_the_district_room(w, connect):
    thread = w.thread()
    member, staff = connect(w.secretary_two), connect(w.station)
    assert member.emit("join_district", {"district_id": w.gu.id}) == {"ok": True, "district_id": w.gu.id}
    assert staff.emit("join_district", {"district_id": w.gu.id})["ok"]
    services.post(w.secretary_one, thread, body="芳古园一区的飞线已经清理了。")
    got = member.events("district.posted")
    assert [p["body"] for p in got] == ["芳古园一区的飞线已经清理了。"] and got[0]["thread_id"] == thread.id
    assert member.events("district.thread_updated")[0]["post_count"] == 1
    assert len(staff.events("district.posted")) == 1


def test_a_non_member_cannot_join_and_hears_nothing(w, connect):
    thread = w.thread()
    resident, other = connect(w.resident), connect(w.secretary_three)
    for sock in (resident, other):
        ack = sock.emit("join_district", {"district_id": w.gu.id})
        assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    assert resident.emit("join_district", {"district_id": "x"})["error"]["code"] == "not_found"
    services.post(w.secretary_one, thread, body="只有片区成员能看到")
    assert resident.events("district.posted") == [] and other.events("district.posted") == []


def test_posting_over_the_socket(w, connect):
    thread = w.thread()
    sock, listener = connect(w.secretary_two), connect(w.staff_one)
    listener.emit("join_district", {"district_id": w.gu.id})
    ack = sock.emit("post_district", {"thread_id": thread.id, "body": "二区同意一起申请"})
    assert ack["ok"] and ack["post"]["body"] == "二区同意一起申请"
    assert [p["id"] for p in listener.events("district.posted")] == [ack["post"]["id"]]
    bad = sock.emit("post_district", {"thread_id": thread.id, "body": " "})
    assert bad["ok"] is False and bad["error"]["code"] == "invalid"
    assert connect(w.resident).emit("post_district", {"thread_id": thread.id, "body": "x"})["error"]["code"] == "not_found"
    assert listener.events("district.posted") == []
