"""Tasks through their services: dispatch, the lifecycle, who may do what, ratings, notifications, events."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from courtyard import clock, events
from courtyard.audit import AuditEntry
from courtyard.deliberation import permissions as topic_permissions
from courtyard.deliberation import services as deliberation
from courtyard.deliberation.models import TopicInvitation
from courtyard.errors import Conflict, Forbidden, Invalid, NotFound
from courtyard.extensions import db
from courtyard.notifications.models import Notification
from courtyard.tasks import permissions, rules, services
from courtyard.tasks import policy as service_policy
from courtyard.tasks.models import Task, TaskRating, TaskStatus


def kinds_for(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def actions(task) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.subject_type == "task", AuditEntry.subject_id == task.id).order_by(AuditEntry.id)))


# --- dispatching ---------------------------------------------------------------------------

def test_a_topic_becomes_a_task_for_the_buildings_property_company(w, fake_clock):
    topic = w.topic()
    with events.capture() as sent:
        task = w.task(topic)
    assert task.status == TaskStatus.assigned
    assert task.assignee_org_id == w.org.id
    assert task.title == topic.title
    assert task.due_at == fake_clock.now() + timedelta(hours=rules.DEFAULT_SERVICE_HOURS["repairs"])
    assert [u.kind.value for u in task.updates] == ["created"]
    assert task.updates[0].author_id == w.secretary.id
    # the property company is brought into the discussion (进院解题) and told
    assert db.session.scalar(sa.select(sa.exists().where(TopicInvitation.topic_id == topic.id,
                                                         TopicInvitation.organization_id == w.org.id)))
    assert topic_permissions.can_view_topic(w.staff, topic)
    assert kinds_for(w.staff) == ["task_assigned"]
    rooms = sorted(room for event, room, _ in sent if event == "task.updated")
    assert rooms == [f"org:{w.org.id}", f"topic:{topic.id}"]
    payload = next(p for e, _, p in sent if e == "task.updated")
    assert payload["status"] == "assigned" and payload["overdue"] is False and payload["escalation_level"] == 0
    assert actions(task) == ["task.created"]


def test_the_community_service_time_sets_the_due_date(w, fake_clock):
    service_policy.set_policy(w.community_staff, w.community, reminder_hours=6, level1_after_hours=12,
                        level2_after_hours=48, service_hours_by_category={"repairs": 10})
    task = w.task()
    assert task.due_at == fake_clock.now() + timedelta(hours=10)
    other = w.make.courtyard(property_org=w.org)  # another community keeps the street's default
    assert (service_policy.service_hours(other.building.community_id, "repairs")
            == rules.DEFAULT_SERVICE_HOURS["repairs"])


def test_the_streets_default_applies_where_a_community_set_nothing(w, fake_clock):
    service_policy.set_policy(w.admin, None, reminder_hours=6, level1_after_hours=12, level2_after_hours=48,
                        service_hours_by_category={"repairs": 30})
    assert service_policy.service_hours(w.community.id, "repairs") == 30
    service_policy.set_policy(w.community_staff, w.community, reminder_hours=6, level1_after_hours=12,
                        level2_after_hours=48, service_hours_by_category={"repairs": 5})
    assert service_policy.service_hours(w.community.id, "repairs") == 5
    service_policy.set_policy(w.community_staff, w.community, reminder_hours=6, level1_after_hours=12,
                        level2_after_hours=48, service_hours_by_category={"repairs": ""})
    assert service_policy.service_hours(w.community.id, "repairs") == 30


def test_dispatch_to_a_department_with_a_title_and_due_date(w, fake_clock):
    due = fake_clock.now() + timedelta(days=2)
    task = w.task(assignee_org_id=w.department.id, title="消防通道划线立牌", due_at=due.isoformat())
    assert (task.assignee_org_id, task.title, task.due_at) == (w.department.id, "消防通道划线立牌", due)


def test_a_due_date_without_a_zone_is_beijing_time(w, fake_clock):
    local = (fake_clock.now() + timedelta(days=3)).astimezone(clock.LOCAL_TZ).replace(tzinfo=None, microsecond=0)
    task = w.task(due_at=local.isoformat())
    assert task.due_at == local.replace(tzinfo=clock.LOCAL_TZ)


@pytest.mark.parametrize("due, field", [("tomorrow", "due_at"), ("2001-01-01T00:00:00+08:00", "due_at"),
                                        ("2999-01-01T00:00:00+08:00", "due_at"), ("0001-01-01T00:00", "due_at"),
                                        (True, "due_at"), ("2026-02-30T10:00", "due_at")])
def test_a_bad_due_date_is_invalid(w, due, field):
    with pytest.raises(Invalid) as err:
        w.task(due_at=due)
    assert field in err.value.fields


def test_who_may_dispatch(w):
    topic = w.topic()
    for person in (w.secretary, w.lead, w.community_staff, w.admin):
        services.create_task(person, topic, assignee_org_id=w.make.organization().id)
    for person in (w.author, w.neighbour):
        with pytest.raises(Forbidden):
            services.create_task(person, topic)
    for person in (w.outsider, w.other_community_staff, w.other_staff, w.staff):  # staff: not invited yet
        with pytest.raises(NotFound):
            services.create_task(person, topic)


def test_dispatch_refuses_unknown_orgs_closed_topics_and_twins(w, make):
    topic = w.topic()
    with pytest.raises(Invalid) as err:
        services.create_task(w.secretary, topic, assignee_org_id=999999)
    assert "assignee_org_id" in err.value.fields
    bare = make.courtyard(w.community)  # no property company
    lonely = deliberation.create_topic(make.resident(bare), bare, title="路灯坏了", body="一直不亮", category="safety")
    with pytest.raises(Invalid) as err:
        services.create_task(w.community_staff, lonely)
    assert "assignee_org_id" in err.value.fields
    w.task(topic)
    with pytest.raises(Conflict):
        w.task(topic)
    deliberation.change_status(w.secretary, topic, "closed")
    with pytest.raises(Conflict):
        services.create_task(w.secretary, topic, assignee_org_id=w.other_org.id)


def test_only_an_adopted_proposal_becomes_a_task(w, fake_clock):
    from courtyard.voting import services as voting
    topic = w.topic()
    proposal = voting.create_proposal(w.secretary, topic, title="重做2单元屋面防水", body="费用由维修资金列支。")
    with pytest.raises(Conflict):
        services.create_task_from_proposal(w.secretary, proposal)
    voting.open_ballot(w.secretary, proposal, rule="majority", closes_at=fake_clock.now() + timedelta(hours=1))
    for person in (w.author, w.neighbour, w.lead):
        voting.cast_vote(person, proposal, "yes")
    voting.close_ballot(w.secretary, proposal)
    db.session.refresh(proposal)
    assert proposal.status.value == "adopted"
    task = services.create_task_from_proposal(w.secretary, proposal)
    assert (task.proposal_id, task.title, task.topic_id) == (proposal.id, proposal.title, topic.id)


# --- the lifecycle -------------------------------------------------------------------------

def test_the_whole_loop(w):
    task = w.task()
    services.add_update(w.staff, task, status="accepted")
    services.add_update(w.staff, task, status="in_progress", note="已订购防水卷材，周一上屋面。")
    services.add_update(w.staff, task, note="屋面已清理干净。")
    photo = w.photo()
    services.add_update(w.staff, task, status="done", note="防水层已重做。", photo_ids=[photo])
    assert task.status == TaskStatus.done and task.done_at is not None
    services.verify(w.author, task, accepted=True, note="看过了，不漏了。")
    assert task.status == TaskStatus.verified and task.verified_at is not None
    rating, created = services.rate(w.neighbour, task, score="satisfied")
    assert created
    timeline = [(u.kind.value, u.to_status.value if u.to_status else None) for u in task.updates]
    assert timeline == [("created", "assigned"), ("status", "accepted"), ("status", "in_progress"), ("note", None),
                        ("status", "done"), ("verified", "verified")]
    assert [p.upload_id for p in task.updates[4].photos] == [photo]
    assert all(u.created_at is not None for u in task.updates)
    assert actions(task) == ["task.created", "task.status", "task.status", "task.status", "task.verified"]
    assert task.seq > 1


@pytest.mark.parametrize("path, illegal", [
    ((), "in_progress"), ((), "done"), ((), "verified"), ((), "reopened"), ((), "assigned"),
    (("accepted",), "accepted"), (("accepted",), "done"),
    (("accepted", "in_progress"), "accepted"), (("accepted", "in_progress"), "verified"),
])
@pytest.mark.parametrize("body", [{}, {"note": "修好了"}, {"note": "修好了", "photo": True}])
def test_illegal_transitions_are_conflicts(w, path, illegal, body):
    """A skip is a Conflict whatever comes with it: no note, a note, a note and a photo."""
    task = w.task()
    for step in path:
        services.add_update(w.staff, task, status=step)
    before = (task.status, task.seq, len(task.updates))
    photos = [w.photo()] if body.get("photo") else None
    with pytest.raises(Conflict):
        services.add_update(w.staff, task, status=illegal, note=body.get("note"), photo_ids=photos)
    db.session.refresh(task)
    assert (task.status, task.seq, len(task.updates)) == before


def test_a_verified_task_cannot_move_or_take_notes(w):
    task = w.done(w.task())
    services.verify(w.secretary, task, accepted=True)
    with pytest.raises(Conflict):
        services.add_update(w.staff, task, note="补充说明")
    with pytest.raises(Conflict):
        services.verify(w.secretary, task, accepted=False)


def test_done_needs_a_note_and_a_photo(w):
    task = w.task()
    services.add_update(w.staff, task, status="accepted")
    services.add_update(w.staff, task, status="in_progress")
    with pytest.raises(Invalid) as err:
        services.add_update(w.staff, task, status="done")
    assert set(err.value.fields) == {"note", "photo_ids"}
    with pytest.raises(Invalid) as err:
        services.add_update(w.staff, task, status="done", note="修好了")
    assert set(err.value.fields) == {"photo_ids"}
    someone_elses = w.photo(w.neighbour)
    with pytest.raises(Invalid) as err:
        services.add_update(w.staff, task, status="done", note="修好了", photo_ids=[someone_elses])
    assert set(err.value.fields) == {"photo_ids"}
    for bad in ([999999], ["x"], [True], [0], list(range(1, 12))):
        with pytest.raises(Invalid):
            services.add_update(w.staff, task, status="done", note="修好了", photo_ids=bad)
    assert task.status == TaskStatus.in_progress


def test_a_note_alone_needs_text_and_a_status_must_be_known(w):
    task = w.task()
    with pytest.raises(Invalid) as err:
        services.add_update(w.staff, task)
    assert "note" in err.value.fields
    with pytest.raises(Invalid) as err:
        services.add_update(w.staff, task, status="finished")
    assert "status" in err.value.fields


def test_only_the_assignee_organizations_staff_move_it(w):
    task = w.task()
    for person in (w.secretary, w.author, w.community_staff, w.admin):
        with pytest.raises(Forbidden):
            services.add_update(person, task, status="accepted")
    for person in (w.outsider, w.other_staff, w.dept_staff):
        with pytest.raises(NotFound):
            services.add_update(person, task, status="accepted")
    assert task.status == TaskStatus.assigned


def test_reopen_and_finish_again(w):
    task = w.done(w.task())
    with events.capture() as sent:
        services.verify(w.lead, task, accepted=False, note="北屋还在渗水。")
    assert task.status == TaskStatus.reopened
    assert [e for e, _, _ in sent].count("task.updated") == 2
    assert "task_reopened" in kinds_for(w.staff)
    with pytest.raises(Conflict):
        services.add_update(w.staff, task, status="done", note="好了", photo_ids=[w.photo()])
    w.done(task, note="北屋也补好了。")
    services.verify(w.secretary, task, accepted=True)
    assert task.status == TaskStatus.verified
    assert actions(task)[-4:] == ["task.reopened", "task.status", "task.status", "task.verified"]


def test_who_may_accept_the_work(w):
    task = w.done(w.task())
    for person in (w.neighbour, w.staff, w.community_staff, w.admin):
        with pytest.raises(Forbidden):
            services.verify(person, task, accepted=True)
    with pytest.raises(NotFound):
        services.verify(w.outsider, task, accepted=True)
    assert permissions.can_verify_task(w.author, task) and permissions.can_verify_task(w.secretary, task)
    assert permissions.can_verify_task(w.lead, task)
    with pytest.raises(Invalid):
        services.verify(w.author, task, accepted="yes")


def test_verification_waits_for_done(w):
    task = w.task()
    with pytest.raises(Conflict):
        services.verify(w.author, task, accepted=True)


def test_two_staff_pressing_the_same_button_one_wins(w):
    task = w.task()
    colleague = w.make.org_staff(w.org)
    stale = task.status
    services.add_update(w.staff, task, status="accepted")
    # The colleague's page still showed "assigned": the conditional UPDATE refuses the second step.
    sa.orm.attributes.set_committed_value(task, "status", stale)
    with pytest.raises(Conflict):
        services.add_update(colleague, task, status="accepted")
    db.session.refresh(task)
    assert task.status == TaskStatus.accepted
    assert [u.kind.value for u in task.updates].count("status") == 1


def test_when_done_those_who_can_accept_are_asked(w):
    topic = w.topic()
    deliberation.support(w.neighbour, topic)
    task = w.task(topic)
    w.done(task)
    assert "task_done" in kinds_for(w.author)
    assert "task_done" in kinds_for(w.lead)
    assert "task_done" in kinds_for(w.secretary)
    assert "task_done" not in kinds_for(w.neighbour)
    # accepted, in progress, done: the steps of one entry (notifications/grouping.py)
    [entry] = [n for n in Notification.query.filter_by(user_id=w.neighbour.id) if n.kind.startswith("task_")]
    assert entry.kind == "task_status" and entry.data["count"] == 3
    assert [s["data"]["status"] for s in entry.data["steps"]] == ["accepted", "in_progress", "done"]
    assert not [k for k in kinds_for(w.staff) if k != "task_assigned"]  # not told of their own steps


# --- ratings -------------------------------------------------------------------------------

def test_ratings_once_each_and_changeable(w):
    task = w.task()
    with pytest.raises(Conflict):
        services.rate(w.neighbour, task, score="satisfied")
    w.done(task)
    _, created = services.rate(w.neighbour, task, score="unsatisfied")
    assert created
    _, created = services.rate(w.neighbour, task, score="basically_satisfied")
    assert not created
    services.rate(w.author, task, score="satisfied")
    assert services.rating_counts(task) == {"satisfied": 1, "basically_satisfied": 1, "unsatisfied": 0}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TaskRating)) == 2
    with pytest.raises(Invalid):
        services.rate(w.author, task, score="great")
    for person in (w.staff, w.community_staff):
        with pytest.raises(Forbidden):
            services.rate(person, task, score="satisfied")
    with pytest.raises(NotFound):
        services.rate(w.outsider, task, score="satisfied")


def test_one_rating_per_person_is_a_constraint(w):
    task = w.done(w.task())
    services.rate(w.neighbour, task, score="satisfied")
    db.session.add(TaskRating(task_id=task.id, user_id=w.neighbour.id, score="unsatisfied",
                              created_at=clock.now(), updated_at=clock.now()))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- who sees what -------------------------------------------------------------------------

def test_list_query_and_object_check_agree(w, make):
    mine = w.task()
    elsewhere_cy = make.courtyard(property_org=w.other_org)
    elsewhere_topic = deliberation.create_topic(make.resident(elsewhere_cy), elsewhere_cy, title="楼道灯", body="不亮",
                                                category="facilities")
    theirs = services.create_task(make.community_staff(elsewhere_cy.building.community), elsewhere_topic)
    people = [w.secretary, w.lead, w.author, w.neighbour, w.staff, w.other_staff, w.dept_staff, w.community_staff,
              w.admin, w.outsider, w.other_community_staff]
    for person in people:
        listed = set(db.session.scalars(permissions.visible_tasks(person).with_only_columns(Task.id)))
        checked = {t.id for t in (mine, theirs) if permissions.can_view_task(person, t)}
        assert listed == checked, person.display_name
    sees_mine = {p.id for p in people if permissions.can_view_task(p, mine)}
    assert sees_mine == {w.secretary.id, w.lead.id, w.author.id, w.neighbour.id, w.staff.id, w.community_staff.id,
                         w.admin.id}
    assert permissions.can_view_task(w.other_staff, theirs) and not permissions.can_view_task(w.staff, theirs)


def test_the_assignee_sees_its_task_even_after_the_invitation_is_withdrawn(w):
    from courtyard.deliberation import moderation
    task = w.task()
    invitation = db.session.scalar(sa.select(TopicInvitation).where(TopicInvitation.organization_id == w.org.id))
    moderation.withdraw_invitation(w.secretary, invitation)
    assert not topic_permissions.can_view_topic(w.staff, task.topic)
    assert permissions.can_view_task(w.staff, task)
    services.add_update(w.staff, task, status="accepted")


def test_filters_and_urgency(w, fake_clock):
    late = w.task(due_at=(fake_clock.now() + timedelta(hours=1)).isoformat())
    soon = w.task(w.topic(title="楼道灯不亮"), due_at=(fake_clock.now() + timedelta(hours=5)).isoformat())
    later = w.task(w.topic(title="车棚顶漏雨"), due_at=(fake_clock.now() + timedelta(hours=50)).isoformat())
    fake_clock.advance(hours=2)
    ordered = [t.id for t in db.session.scalars(services.tasks_for(w.staff))]
    assert ordered == [late.id, soon.id, later.id]
    w.done(soon)
    assert [t.id for t in db.session.scalars(services.tasks_for(w.staff))] == [late.id, later.id, soon.id]
    assert [t.id for t in db.session.scalars(services.tasks_for(w.staff, status="done"))] == [soon.id]
    assert list(db.session.scalars(services.tasks_for(w.staff, org_id=w.other_org.id))) == []
    assert len(db.session.scalars(services.tasks_for(w.admin, courtyard_id=w.courtyard.id)).all()) == 3
    assert list(db.session.scalars(services.tasks_for(w.admin, courtyard_id=2**40))) == []
    for bad in ({"status": "finished"}, {"org_id": "abc"}, {"courtyard_id": "1.5"}):
        with pytest.raises(Invalid):
            services.tasks_for(w.admin, **bad)


def test_task_photos_are_seen_by_those_who_see_the_task(w):
    from courtyard.uploads.models import Upload
    from courtyard.uploads.permissions import can_view_upload
    task = w.task()
    photo = db.session.get(Upload, w.photo())
    services.add_update(w.staff, task, note="现场照片", photo_ids=[photo.id])
    for person in (w.staff, w.neighbour, w.secretary, w.community_staff, w.admin):
        assert can_view_upload(person, photo)
    for person in (w.outsider, w.other_staff, w.other_community_staff):
        assert not can_view_upload(person, photo)
