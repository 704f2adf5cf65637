"""A project's steps reach the people whose topics it is for: the topic's author and those who said
我也遇到, in their notification centre — once each, not its writer, not who muted the topic."""
from __future__ import annotations

import sqlalchemy as sa

from courtyard.deliberation import services as deliberation
from courtyard.extensions import db
from courtyard.notifications.models import Notification
from courtyard.notifications.payloads import render_text
from courtyard.projects import services


def _told(kind="project_progress") -> dict[int, list[Notification]]:
    out: dict[int, list[Notification]] = {}
    for n in db.session.scalars(sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)):
        out.setdefault(n.user_id, []).append(n)
    return out


def test_progress_status_and_milestones_reach_the_linked_topics_people(w, app):
    supporter = w.make.resident(w.east)
    deliberation.support(supporter, w.topic)
    project = w.project()  # linked to w.topic through its escalated task, confirmed by the street
    assert _told() == {}  # being taken into the pool is not news to them yet
    services.post_update(w.dept_staff, project, text="选址已确定在3号楼和5号楼之间的空地。")
    told = _told()
    assert set(told) == {w.resident.id, supporter.id}
    n = told[w.resident.id][0]
    assert n.url == f"/projects/{project.id}" and n.topic_id == w.topic.id
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        from flask_babel import force_locale
        with force_locale("zh_CN"):
            assert render_text(n) == ("民生项目“老旧小区电动车集中充电棚改造”（关于“电动车楼道充电，飞线隐患大”）"
                                      "有新进展：选址已确定在3号楼和5号楼之间的空地。")
    services.set_status(w.admin, project, status="approved")
    milestone = project.milestones[0]
    services.reach_milestone(w.dept_staff, project, milestone.id)
    kinds = [n.data["step"] for n in _told()[supporter.id]]
    assert kinds == ["progress", "status", "milestone"]
    assert w.dept_staff.id not in _told() and w.west_resident.id not in _told()


def test_a_muted_topic_and_an_unconfirmed_link_tell_nobody(w):
    from courtyard.notifications import services as notifications
    project = w.project()
    notifications.mute(w.resident, w.topic)
    services.add_link(w.staff, project, topic_id=w.west_topic.id)  # community staff: proposed, not confirmed
    services.post_update(w.dept_staff, project, text="方案设计中。")
    assert _told() == {}
