"""task.updated over Socket.IO (CONTRACT §5): to the topic's room and to the assignee organization's room."""
from __future__ import annotations

from courtyard.tasks import services


def test_org_staff_and_the_topic_room_hear_every_step(w, connect):
    topic = w.topic()
    staff = connect(w.staff)          # joins org:<id> on connect
    neighbour = connect(w.neighbour)  # follows the topic page
    assert neighbour.join(topic)["ok"]
    outsider = connect(w.other_staff)
    task = w.task(topic)
    services.add_update(w.staff, task, status="accepted")
    for sock in (staff, neighbour):
        got = sock.events("task.updated")
        assert [(t["id"], t["status"]) for t in got] == [(task.id, "assigned"), (task.id, "accepted")]
        assert got[-1]["seq"] > got[0]["seq"]
        assert got[-1]["timeline"][-1]["kind"] == "status"
    assert outsider.events("task.updated") == []


def test_a_new_organization_member_hears_after_reconnecting(w, connect, make):
    newcomer = make.user()
    sock = connect(newcomer)
    w.make.org_staff(w.org, user=newcomer)
    w.task()
    assert sock.events("task.updated") == []  # rooms are joined at the handshake
    again = connect(newcomer)
    services.add_update(w.staff, db_task(w), status="accepted")
    assert [t["status"] for t in again.events("task.updated")] == ["accepted"]


def db_task(w):
    from courtyard.extensions import db
    from courtyard.tasks.models import Task
    return db.session.query(Task).one()
