"""Districts through the services: who may read, post, raise and mark cases; what is stored,
what is refused (clear errors, nothing changed), which events go out and what the audit log keeps."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard import events
from courtyard.audit import AuditEntry
from courtyard.districts import permissions, services
from courtyard.districts.models import DistrictPost, DistrictThread, ExperienceCase
from courtyard.errors import Conflict, Forbidden, Invalid, NotFound
from courtyard.extensions import db
from courtyard.realtime import rooms


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_members_are_station_staff_community_staff_secretaries_and_street_admins(w):
    for member in (w.station, w.staff_one, w.secretary_one, w.secretary_two, w.admin):
        assert permissions.is_member(member, w.gu), member.login
    for outsider in (w.resident, w.lead_one, w.secretary_three, w.staff_loose, w.secretary_loose, w.stranger, None):
        assert not permissions.is_member(outsider, w.gu)
    assert [d.name for d in services.districts_for(w.secretary_two)] == ["芳古片区"]
    assert [d.name for d in services.districts_for(w.admin)] == ["芳古片区", "芳城片区"]
    assert services.districts_for(w.resident) == []
    assert permissions.can_use_districts(w.secretary_three) and not permissions.can_use_districts(w.resident)


def test_a_resident_cannot_see_the_district_courtyard(w):
    thread = w.thread()
    for outsider in (w.resident, w.lead_one, w.secretary_three):
        with pytest.raises(NotFound):
            services.get_district(outsider, w.gu.id)
        with pytest.raises(NotFound):
            services.get_thread(outsider, thread.id)
        with pytest.raises(NotFound):
            services.post(outsider, thread, body="我也想说")
        with pytest.raises(NotFound):
            services.create_thread(outsider, w.gu, title="x", body="y")
    assert db.session.scalars(permissions.visible_threads(w.resident)).all() == []
    assert [t.id for t in db.session.scalars(permissions.visible_threads(w.secretary_two))] == [thread.id]
    assert count(DistrictPost) == 0


def test_a_thread_and_its_posts_go_to_the_district_room_after_the_commit(w):
    with events.capture() as sent:
        thread = w.thread()
        post = services.post(w.secretary_two, thread, body="芳古园二区也是，车棚里只有两个插座。")
    assert [(e, r) for e, r, _ in sent] == [
        ("district.thread_created", rooms.district(w.gu.id)), ("district.posted", rooms.district(w.gu.id)),
        ("district.thread_updated", rooms.district(w.gu.id))]
    assert sent[1][2]["body"].startswith("芳古园二区") and sent[1][2]["author"]["id"] == w.secretary_two.id
    assert sent[2][2]["post_count"] == 1
    db.session.expire_all()
    assert db.session.get(DistrictThread, thread.id).post_count == 1
    assert [p.id for p in db.session.scalars(services.posts_of(w.station, thread))] == [post.id]
    assert [p.id for p in db.session.scalars(services.posts_of(w.station, thread, after=post.id))] == []


@pytest.mark.parametrize("kw, fields", [
    ({"title": ""}, {"title"}),
    ({"title": "充" * 101}, {"title"}),
    ({"body": "  "}, {"body"}),
    ({"body": "x" * 4001}, {"body"}),
    ({"category": "weather"}, {"category"}),
    ({"title": None, "body": None}, {"title", "body"}),
    ({"title": "充电\ud800"}, {"title"}),
])
def test_bad_threads_name_their_fields_and_store_nothing(w, kw, fields):
    with events.capture() as sent, pytest.raises(Invalid) as err:
        w.thread(**kw)
    assert set(err.value.fields) == fields
    assert sent == [] and count(DistrictThread) == 0


def test_bad_posts_are_refused_and_a_resolved_thread_takes_none(w):
    thread = w.thread()
    for body in ("", "   ", "x" * 2001, None, 5):
        with pytest.raises(Invalid):
            services.post(w.staff_one, thread, body=body)
    services.set_thread_status(w.station, thread, "resolved")
    with events.capture() as sent, pytest.raises(Conflict):
        services.post(w.staff_one, thread, body="还有一句")
    assert sent == [] and count(DistrictPost) == 0
    with pytest.raises(Conflict):
        services.set_thread_status(w.station, thread, "resolved")
    with pytest.raises(Invalid):
        services.set_thread_status(w.station, thread, "closed")


def test_resolving_is_for_the_author_and_the_district_staff(w):
    thread = w.thread()
    with pytest.raises(Forbidden):
        services.set_thread_status(w.secretary_two, thread, "resolved")
    services.set_thread_status(w.secretary_one, thread, "resolved")
    assert thread.status.value == "resolved" and thread.resolved_at is not None
    services.set_thread_status(w.station, thread, "open")
    assert thread.status.value == "open" and thread.resolved_at is None


def test_a_secretary_raises_a_topic_to_its_district_once(w):
    topic = w.topic()
    with events.capture() as sent:
        thread = services.raise_topic(w.secretary_one, topic, reason="需要电力增容，社区单独办不下来。")
    assert thread.district_id == w.gu.id and thread.source_topic_id == topic.id and thread.community_id == w.one.id
    assert thread.title == topic.title and thread.category.value == "facilities"
    assert [(e, r) for e, r, _p in sent] == [("notification.created", rooms.user(w.station.id)),
                                             ("district.thread_created", rooms.district(w.gu.id))]
    assert services.thread_of_topic(topic).id == thread.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "topic.raised_to_district"))
    assert entry.actor_id == w.secretary_one.id and entry.courtyard_id == w.cy_one.id
    assert entry.data == {"district_id": w.gu.id, "thread_id": thread.id}
    with pytest.raises(Conflict):
        services.raise_topic(w.staff_one, topic, reason="再报一次")
    assert count(DistrictThread) == 1


def test_who_may_raise_and_what_cannot_be_raised(w):
    topic = w.topic()
    for wrong in (w.resident, w.lead_one):
        with pytest.raises(Forbidden):
            services.raise_topic(wrong, topic, reason="x")
    with pytest.raises(NotFound):
        services.raise_topic(w.secretary_two, topic, reason="x")  # another courtyard's topic: not readable
    with pytest.raises(Invalid) as err:
        services.raise_topic(w.secretary_one, topic, reason="  ")
    assert set(err.value.fields) == {"reason"}
    loose = w.topic(courtyard=w.cy_loose, author=w.secretary_loose)
    with pytest.raises(Invalid) as err:
        services.raise_topic(w.secretary_loose, loose, reason="需要协调")
    assert "左安门社区" in str(err.value.fields["district"])
    assert count(DistrictThread) == 0 and count(AuditEntry, AuditEntry.action == "topic.raised_to_district") == 0


def test_the_district_staff_mark_solved_topics_and_resolved_threads_as_cases(w):
    topic = w.solved_topic()
    case = services.mark_case(w.station, topic_id=topic.id, summary="物业出资装了 8 个扫码充电口，飞线当周清除。")
    assert case.district_id == w.gu.id and case.community_id == w.one.id and case.title == topic.title
    assert case.category.value == "facilities"
    with pytest.raises(Conflict):
        services.mark_case(w.admin, topic_id=topic.id, summary="再来")
    thread = w.thread()
    with pytest.raises(Invalid) as err:
        services.mark_case(w.station, thread_id=thread.id, summary="还没解决")
    assert set(err.value.fields) == {"thread_id"}
    services.set_thread_status(w.station, thread, "resolved")
    services.mark_case(w.station, thread_id=thread.id, summary="街道统一申请补贴。")
    assert [c.title for c in db.session.scalars(services.cases(w.resident))] == [thread.title, topic.title]
    assert db.session.scalars(services.cases(w.resident, district_id=w.cheng.id)).all() == []
    assert len(db.session.scalars(services.cases(w.resident, category="facilities")).all()) == 2
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("district.case%"))).all()
    assert actions == ["district.case_marked", "district.case_marked"]


def test_who_may_mark_cases_and_what_cannot_be_one(w):
    solved = w.solved_topic()
    for wrong in (w.secretary_one, w.staff_one, w.resident):
        with pytest.raises(Forbidden):
            services.mark_case(wrong, topic_id=solved.id, summary="x")
    open_topic = w.topic(title="楼道灯坏了")
    for kw, field in (({"topic_id": open_topic.id}, "topic_id"), ({}, "topic_id"),
                      ({"topic_id": solved.id, "thread_id": 1}, "topic_id"), ({"topic_id": "x"}, "topic_id"),
                      ({"topic_id": 987654}, "topic_id"), ({"thread_id": 987654}, "thread_id")):
        with pytest.raises(Invalid) as err:
            services.mark_case(w.station, summary="怎么解决的", **kw)
        assert field in err.value.fields
    with pytest.raises(Invalid) as err:
        services.mark_case(w.station, topic_id=solved.id, summary=" ")
    assert set(err.value.fields) == {"summary"}
    other = w.solved_topic(courtyard=w.cy_three, author=w.secretary_three)
    with pytest.raises(Invalid) as err:  # 芳城片区's topic: the 芳古 station staff do not even see it
        services.mark_case(w.station, topic_id=other.id, summary="x")
    assert set(err.value.fields) == {"topic_id"}
    assert count(ExperienceCase) == 0


def test_cases_are_readable_by_anyone_signed_in_with_the_topic_only_for_its_readers(w):
    topic = w.solved_topic()
    case = services.mark_case(w.station, topic_id=topic.id, summary="物业出资装了充电口。")
    assert services.case_topic_link(w.resident, case) == topic
    assert services.case_topic_link(w.secretary_three, case) is None
    assert services.get_case(w.secretary_three, case.id).summary == "物业出资装了充电口。"
    with pytest.raises(Forbidden):
        services.cases(None)
    with pytest.raises(Invalid):
        services.cases(w.resident, category="weather")
    with pytest.raises(Forbidden):
        services.remove_case(w.secretary_one, case)
    services.remove_case(w.station, case)
    assert count(ExperienceCase) == 0 and topic.status.value == "decided"


def test_street_admins_manage_districts(w):
    with pytest.raises(Forbidden):
        services.create_district(w.station, name="芳群片区")
    with pytest.raises(Invalid) as err:
        services.create_district(w.admin, name="芳古片区")
    assert set(err.value.fields) == {"name"}
    with pytest.raises(Invalid):
        services.create_district(w.admin, name="")
    services.update_district(w.admin, w.cheng, name="芳城片区", station_name="芳城片区治理服务站")
    assert w.cheng.station_name == "芳城片区治理服务站"
    services.set_community_district(w.admin, w.loose, district_id=w.cheng.id)
    assert permissions.is_member(w.staff_loose, w.cheng)
    services.set_community_district(w.admin, w.loose, district_id=None)
    assert not permissions.is_member(w.staff_loose, w.cheng)
    with pytest.raises(Invalid):
        services.set_community_district(w.admin, w.loose, district_id=987654)
    with pytest.raises(Forbidden):
        services.set_community_district(w.station, w.loose, district_id=w.gu.id)
    _row, created = services.add_district_staff(w.admin, w.gu, user_id=w.station.id)
    assert created is False
    services.remove_district_staff(w.admin, w.gu, user_id=w.station.id)
    assert not permissions.is_member(w.station, w.gu)
    with pytest.raises(NotFound):
        services.remove_district_staff(w.admin, w.gu, user_id=w.station.id)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action.in_(["district.created", "district.changed", "district.community_set",
                               "role.district_staff", "role.district_staff_removed"]))).all()
    assert actions.count("district.created") == 2 and "role.district_staff_removed" in actions
    assert actions.count("district.community_set") == 5


def test_the_station_is_told_of_a_raised_topic(w, make):
    from courtyard.notifications.models import Notification
    second = make.user("station2")
    services.add_district_staff(w.admin, w.gu, user_id=second.id)
    services.add_district_staff(w.admin, w.gu, user_id=w.staff_one.id)  # the raiser is not told
    with events.capture() as sent:
        thread = services.raise_topic(w.staff_one, w.topic(), reason="需要电力增容")
    rows = db.session.scalars(sa.select(Notification).where(Notification.kind == "district_raised")
                              .order_by(Notification.user_id)).all()
    assert [n.user_id for n in rows] == sorted([w.station.id, second.id])
    assert rows[0].url == f"/districts/{w.gu.id}/threads/{thread.id}"
    assert "芳古园一区社区" in rows[0].text and "芳古片区" in rows[0].text
    assert {r for e, r, _ in sent if e == "notification.created"} == {rooms.user(w.station.id), rooms.user(second.id)}
