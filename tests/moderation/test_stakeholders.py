"""进院解题: an invited organization's staff see and post in that topic only, badged with its name."""
from __future__ import annotations

import pytest

from courtyard import events
from courtyard.deliberation import moderation, payloads, permissions, services
from courtyard.deliberation.models import Topic
from courtyard.errors import Conflict, Forbidden, Invalid, NotFound
from courtyard.extensions import db
from courtyard.notifications.models import Notification
from courtyard.places import permissions as place_permissions

from .conftest import INVITERS, NON_READERS, READERS


@pytest.fixture
def second_topic(world):
    return services.create_topic(world.user("resident"), world.courtyards["A1"], title="楼道堆物",
                                 body="消防通道被堵", category="safety")


@pytest.mark.parametrize("role", READERS + NON_READERS)
def test_the_secretary_and_community_staff_invite(world, topic, role):
    def act():
        moderation.invite(world.user(role), topic, organization_id=world.orgs["P"].id)
    try:
        act()
        got = "ok"
    except NotFound:
        got = "404"
    except Forbidden:
        got = "403"
    assert got == ("404" if role in NON_READERS else "ok" if role in INVITERS else "403")


def test_invited_staff_see_and_post_in_that_topic_only(world, topic, second_topic, message):
    prop = world.user("property")
    cy = world.courtyards["A1"]
    with pytest.raises(NotFound):
        services.get_topic(prop, topic.id)
    moderation.invite(world.user("secretary"), topic, organization_id=world.orgs["P"].id)

    assert services.get_topic(prop, topic.id) is topic
    with pytest.raises(NotFound):
        services.get_topic(prop, second_topic.id)
    assert [t.id for t in db.session.scalars(permissions.visible_topics(prop))] == [topic.id]
    # not the courtyard itself: its topic list, members, reports
    assert not place_permissions.can_view_courtyard(prop, cy)
    with pytest.raises(NotFound):
        services.topics_in(prop, cy)
    with pytest.raises(NotFound):
        moderation.open_reports(prop, cy)
    assert not permissions.can_moderate_topic(prop, topic)
    with pytest.raises(Forbidden):
        moderation.hide_message(prop, message)
    with pytest.raises(Forbidden):
        services.support(prop, topic)
    # they read the discussion and answer, badged with the organization's name
    assert [m.id for m in services.messages_after(prop, topic)] == [message.id]
    reply, _ = services.post_message(prop, topic, body="明天派人来修", client_id="p1")
    assert reply.organization_id == world.orgs["P"].id
    assert payloads.message_json(reply)["badge"] == {"kind": "property", "name": "方庄物业"}
    # 我的进院议题
    assert [t.id for t in db.session.scalars(moderation.invited_topics(prop))] == [topic.id]
    assert list(db.session.scalars(moderation.invited_topics(world.user("department")))) == []


def test_the_department_sees_nothing_until_invited_and_community_staff_speak_as_the_community(world, topic):
    dept = world.user("department")
    assert list(db.session.scalars(permissions.visible_topics(dept))) == []
    moderation.invite(world.user("staff"), topic, community=True)
    staff_msg, _ = services.post_message(world.user("staff"), topic, body="社区来协调", client_id="s1")
    assert payloads.message_json(staff_msg)["badge"] == {"kind": "community", "name": "芳城园一区社区"}
    assert list(db.session.scalars(permissions.visible_topics(dept))) == []


def test_invitations_are_listed_for_every_reader_and_notify_the_invited(world, topic):
    with events.capture() as sent:
        inv = moderation.invite(world.user("secretary"), topic, organization_id=world.orgs["P"].id)
    prop = world.user("property")
    pushed = [(r, p) for e, r, p in sent if e == "notification.created"]
    assert [r for r, _ in pushed] == [f"user:{prop.id}"]
    assert pushed[0][1]["kind"] == "invitation" and "方庄物业" in pushed[0][1]["text"]
    assert db.session.query(Notification).filter_by(user_id=prop.id, kind="invitation").count() == 1
    for role in ("resident", "property", "staff"):
        assert [i.id for i in moderation.invitations(world.user(role), topic)] == [inv.id]
    with pytest.raises(NotFound):
        moderation.invitations(world.user("department"), topic)


def test_invite_checks_its_input_and_state(world, topic):
    sec = world.user("secretary")
    for kwargs in ({}, {"organization_id": world.orgs["P"].id, "community": True}, {"organization_id": 99999},
                   {"organization_id": "x"}):
        with pytest.raises(Invalid) as err:
            moderation.invite(sec, topic, **kwargs)
        assert "organization_id" in err.value.fields
    moderation.invite(sec, topic, organization_id=world.orgs["P"].id)
    with pytest.raises(Conflict):
        moderation.invite(sec, topic, organization_id=world.orgs["P"].id)
    moderation.invite(sec, topic, community=True)
    with pytest.raises(Conflict):
        moderation.invite(sec, topic, community=True)
    services.change_status(sec, topic, "closed")
    with pytest.raises(Conflict):
        moderation.invite(sec, topic, organization_id=world.orgs["D"].id)


def test_withdrawing_an_invitation_ends_the_access(world, topic):
    inv = moderation.invite(world.user("secretary"), topic, organization_id=world.orgs["P"].id)
    with pytest.raises(Forbidden):
        moderation.withdraw_invitation(world.user("building_lead"), inv)
    with pytest.raises(Forbidden):
        moderation.withdraw_invitation(world.user("property"), inv)
    moderation.withdraw_invitation(world.user("secretary"), inv)
    with pytest.raises(NotFound):
        services.get_topic(world.user("property"), topic.id)


def test_topic_readers_agree_with_can_view_topic(world, topic):
    moderation.invite(world.user("secretary"), topic, organization_id=world.orgs["D"].id)
    readers = set(db.session.scalars(permissions.topic_readers(topic)))
    for role, user in world.people.items():
        if role == "anonymous":
            continue
        assert (user.id in readers) == permissions.can_view_topic(user, topic), role
    assert db.session.get(Topic, topic.id) is topic
