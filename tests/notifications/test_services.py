"""Who is told of what, pushed to whom, coalesced how; muting; reading."""
from __future__ import annotations

import pytest

from courtyard import events
from courtyard.deliberation import moderation, services
from courtyard.errors import NotFound
from courtyard.extensions import db
from courtyard.notifications import services as notifications
from courtyard.notifications.models import Notification
from courtyard.places import services as places
from courtyard.places.models import Membership, MembershipStatus

from .conftest import pushes

FIELDS = {"id", "kind", "text", "url", "topic_id", "created_at", "read", "count", "group", "steps"}


def rows(user, kind=None):
    q = db.session.query(Notification).filter_by(user_id=user.id)
    if kind:
        q = q.filter_by(kind=kind)
    return q.order_by(Notification.id).all()


def post(user, topic, body, cid=None):
    return services.post_message(user, topic, body=body, client_id=cid or body)[0]


def test_a_reply_tells_the_author_and_supporters_but_not_its_writer(world, make, topic):
    cy = world.courtyards["A1"]
    supporter, bystander = make.resident(cy), make.resident(cy)
    services.support(supporter, topic)
    with events.capture() as sent:
        post(world.user("secretary"), topic, "物业明天来看")
    author = world.user("resident")
    assert [r for e, r, _ in sent if e == "notification.created"] == [f"user:{author.id}", f"user:{supporter.id}"]
    note = pushes(sent, author)[0]
    assert set(note) == FIELDS
    assert note["kind"] == "reply" and note["topic_id"] == topic.id and note["url"] == f"/topics/{topic.id}"
    assert note["read"] is False and note["count"] == 1
    assert world.user("secretary").display_name in note["text"] and "电动车棚漏雨" in note["text"]
    assert rows(bystander) == [] and rows(world.user("secretary")) == []
    # the author replying in their own topic tells the supporter only
    with events.capture() as sent:
        post(author, topic, "谢谢")
    assert [r for e, r, _ in sent if e == "notification.created"] == [f"user:{supporter.id}"]


def test_the_push_goes_out_after_the_message_and_only_once_committed(world, topic):
    with events.capture() as sent:
        post(world.user("secretary"), topic, "收到")
    assert [e for e, _, _ in sent] == ["message.posted", "notification.created"]


def test_replies_are_coalesced_into_one_unread_row_per_topic(world, make, topic):
    author = world.user("resident")
    writers = [make.resident(world.courtyards["A1"]) for _ in range(3)]
    for i in range(20):
        post(writers[i % 3], topic, f"第{i}条")
    [row] = rows(author)
    assert row.read_at is None and row.data["count"] == 20 and row.actor_id == writers[19 % 3].id
    assert notifications.unread_count(author) == 1
    with events.capture() as sent:
        post(writers[0], topic, "再一条")
    [note] = pushes(sent, author)
    assert note["id"] == row.id and note["count"] == 21 and "21" in note["text"]
    # once read, the next reply starts a new unread row
    notifications.mark_read(author, row)
    post(writers[1], topic, "读后")
    assert [(n.data["count"], n.read_at is None) for n in rows(author)] == [(21, False), (1, True)]
    unread = [n for n in rows(author) if n.read_at is None]
    assert len(unread) == 1 and unread[0].id != row.id and unread[0].data["count"] == 1


def test_muting_a_topic_stops_its_notifications(world, make, topic):
    author = world.user("resident")
    notifications.mute(author, topic)
    notifications.mute(author, topic)  # idempotent
    assert notifications.is_muted(author, topic)
    with events.capture() as sent:
        post(world.user("secretary"), topic, "静音中")
        services.change_status(world.user("secretary"), topic, "deliberating")
    assert pushes(sent) == [] and rows(author) == []
    notifications.unmute(author, topic)
    post(world.user("secretary"), topic, "恢复")
    assert len(rows(author)) == 1


def test_mute_needs_a_topic_you_may_read(world, topic):
    with pytest.raises(NotFound):
        notifications.mute(world.user("outsider"), topic)
    with pytest.raises(NotFound):
        notifications.unmute(world.user("property"), topic)


def test_someone_who_lost_access_is_not_told(world, make, topic):
    cy = world.courtyards["A1"]
    leaver = make.resident(cy)
    services.support(leaver, topic)
    m = db.session.query(Membership).filter_by(user_id=leaver.id, courtyard_id=cy.id).one()
    m.status = MembershipStatus.removed
    db.session.commit()
    post(world.user("secretary"), topic, "还有人吗")
    assert rows(leaver) == []


def test_a_status_change_tells_author_and_supporters_not_the_moderator(world, make, topic):
    supporter = make.resident(world.courtyards["A1"])
    services.support(supporter, topic)
    with events.capture() as sent:
        services.change_status(world.user("secretary"), topic, "deliberating")
    assert sorted(r for e, r, _ in sent if e == "notification.created") == sorted(
        [f"user:{world.user('resident').id}", f"user:{supporter.id}"])
    note = pushes(sent, supporter)[0]
    assert note["kind"] == "status" and "电动车棚漏雨" in note["text"]
    assert rows(world.user("secretary")) == []
    services.change_status(world.user("secretary"), topic, "decided")
    [row] = rows(supporter, "status")  # coalesced while unread
    assert row.data["status"] == "decided"


def test_a_withdrawal_by_the_author_tells_only_the_supporters(world, make, topic):
    supporter = make.resident(world.courtyards["A1"])
    services.support(supporter, topic)
    services.change_status(world.user("resident"), topic, "withdrawn")
    assert rows(world.user("resident")) == [] and len(rows(supporter, "status")) == 1


def test_a_merge_tells_the_duplicates_people_where_it_went(world, make, topic):
    dup_author = make.resident(world.courtyards["A1"])
    dup = services.create_topic(dup_author, world.courtyards["A1"], title="车棚漏水", body="x", category="facilities")
    with events.capture() as sent:
        moderation.merge_topic(world.user("secretary"), dup, into_topic_id=topic.id)
    [note] = pushes(sent, dup_author)
    assert note["kind"] == "status" and "电动车棚漏雨" in note["text"] and "车棚漏水" in note["text"]
    # the duplicate's author now supports the target and hears of its replies
    post(world.user("secretary"), topic, "合并后")
    assert len(rows(dup_author, "reply")) == 1


def test_an_invitation_tells_the_organizations_staff_or_the_community_staff(world, make, topic):
    colleague = make.org_staff(world.orgs["P"])
    with events.capture() as sent:
        moderation.invite(world.user("secretary"), topic, organization_id=world.orgs["P"].id)
    assert sorted(r for e, r, _ in sent if e == "notification.created") == sorted(
        [f"user:{world.user('property').id}", f"user:{colleague.id}"])
    with events.capture() as sent:
        moderation.invite(world.user("secretary"), topic, community=True)
    assert [r for e, r, _ in sent if e == "notification.created"] == [f"user:{world.user('staff').id}"]
    # community staff inviting their own community are not told of their own act
    other = services.create_topic(world.user("resident"), world.courtyards["A1"], title="二", body="x",
                                  category="other")
    with events.capture() as sent:
        moderation.invite(world.user("staff"), other, community=True)
    assert pushes(sent) == []


def test_an_approved_membership_tells_the_new_member(world, make, outbox):
    cy = world.courtyards["A1"]
    newcomer = make.resident(cy, status="pending")
    m = db.session.query(Membership).filter_by(user_id=newcomer.id).one()
    with events.capture() as sent:
        places.decide_membership(world.user("building_lead"), m, approve=True)
    [note] = pushes(sent, newcomer)
    assert note["kind"] == "membership_approved" and note["url"] == f"/courtyards/{cy.id}"
    assert note["topic_id"] is None
    rejected = make.resident(cy, status="pending")
    m2 = db.session.query(Membership).filter_by(user_id=rejected.id).one()
    with events.capture() as sent:
        places.decide_membership(world.user("building_lead"), m2, approve=False)
    assert pushes(sent) == [] and rows(rejected) == []


def test_unread_count_and_reading(world, make, topic):
    author = world.user("resident")
    other = services.create_topic(author, world.courtyards["A1"], title="二", body="x", category="other")
    post(world.user("secretary"), topic, "一")
    post(world.user("secretary"), other, "二")
    services.change_status(world.user("secretary"), topic, "deliberating")
    assert notifications.unread_count(author) == 3
    first = rows(author)[0]
    notifications.mark_read(author, first)
    notifications.mark_read(author, first)  # idempotent
    assert notifications.unread_count(author) == 2
    with pytest.raises(NotFound):
        notifications.get_notification(world.user("secretary"), first.id)
    with pytest.raises(NotFound):
        notifications.mark_read(world.user("secretary"), first)
    assert notifications.mark_all_read(author) == 2
    assert notifications.unread_count(author) == 0
    newest = db.session.scalars(notifications.notifications_for(author)).first()
    assert newest.kind == "status"


def test_the_text_is_in_the_readers_language(world, app, topic):
    from flask_babel import force_locale

    from courtyard.notifications import payloads
    post(world.user("secretary"), topic, "一")
    [row] = rows(world.user("resident"))
    with force_locale("en"):
        assert payloads.notification_json(row)["text"].endswith("replied in “电动车棚漏雨”")
    with force_locale("zh_CN"):
        assert "回复" in payloads.notification_json(row)["text"]
