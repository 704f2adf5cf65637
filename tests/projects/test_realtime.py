"""project.updated over real sockets: residents of the linked courtyards and the owner department
hear each step; residents of other courtyards and other departments do not."""
from __future__ import annotations

import pytest

from courtyard.errors import Invalid
from courtyard.projects import services


def test_progress_reaches_the_linked_courtyards_and_the_department_and_nobody_else(w, connect):
    east, west, dept = connect(w.resident), connect(w.west_resident), connect(w.dept_staff)
    outsider, other_dept, prop = connect(w.outsider), connect(w.other_dept_staff), connect(w.property_staff)
    project = w.project()
    got = east.events("project.updated")
    assert [p["id"] for p in got] == [project.id] and got[0]["status"] == "proposed"
    assert got[0]["courtyard_ids"] == [w.east.id] and got[0]["progress"] == {"done": 0, "total": 4, "percent": 0}
    assert len(dept.events("project.updated")) == 1
    services.set_status(w.admin, project, status="approved")
    services.set_status(w.dept_staff, project, status="in_progress")
    services.post_update(w.dept_staff, project, text="充电棚钢结构已进场")
    services.reach_milestone(w.dept_staff, project, project.milestones[0].id)
    got = east.events("project.updated")
    assert [p["seq"] for p in got] == sorted(p["seq"] for p in got) and len(got) == 4
    last = got[-1]
    assert last["status"] == "in_progress" and last["progress"]["done"] == 1
    assert [u["kind"] for u in last["updates"]] == ["created", "status", "status", "progress", "milestone"]
    assert last["updates"][3]["text"] == "充电棚钢结构已进场"
    assert len(dept.events("project.updated")) == 4
    assert west.events("project.updated") == []
    # linking the west courtyard's topic brings its residents in, from then on
    services.add_link(w.admin, project, topic_id=w.west_topic.id)
    assert [p["courtyard_ids"] for p in west.events("project.updated")] == [[w.east.id, w.west.id]]
    for sock in (outsider, other_dept, prop):
        assert sock.events("project.updated") == []


def test_nothing_is_sent_for_what_was_refused(w, connect):
    sock = connect(w.resident)
    project = w.project()
    sock.events("project.updated")
    with pytest.raises(Invalid):
        services.post_update(w.dept_staff, project, text="  ")
    assert sock.events("project.updated") == []
