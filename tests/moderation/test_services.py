"""Moderation services: who may do each act, what it changes, and which facts it publishes."""
from __future__ import annotations

import pytest

from courtyard import events
from courtyard.deliberation import moderation, services
from courtyard.deliberation.models import MessageReport, TopicStatus, TopicSupport
from courtyard.errors import Conflict, Forbidden, Invalid, NotFound
from courtyard.extensions import db

from .conftest import INVITERS, MODERATORS, NON_READERS, READERS


def outcome(fn):
    try:
        fn()
    except NotFound:
        return "404"
    except Forbidden:
        return "403"
    return "ok"


def expected(role, allowed):
    if role in NON_READERS:
        return "404"
    return "ok" if role in allowed else "403"


# --- hide ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", READERS + NON_READERS)
def test_only_the_courtyards_moderators_hide_a_message(world, message, role):
    got = outcome(lambda: moderation.hide_message(world.user(role), message))
    assert got == expected(role, MODERATORS)
    db.session.refresh(message)
    assert message.hidden is (got == "ok")


def test_hiding_publishes_message_hidden_to_the_topic_room_after_the_commit(world, topic, message):
    with events.capture() as sent:
        moderation.hide_message(world.user("secretary"), message)
    assert sent == [("message.hidden", f"topic:{topic.id}", {"topic_id": topic.id, "message_id": message.id})]
    assert message.hidden_by_id == world.user("secretary").id and message.hidden_at is not None


def test_hiding_twice_changes_nothing_and_tells_no_one_again(world, message):
    moderation.hide_message(world.user("secretary"), message)
    with events.capture() as sent:
        moderation.hide_message(world.user("building_lead"), message)
    assert sent == []
    assert message.hidden_by_id == world.user("secretary").id


def test_a_hidden_message_is_gone_for_readers_and_kept_for_moderators(world, topic, message):
    moderation.hide_message(world.user("secretary"), message)
    assert services.messages_after(world.user("resident"), topic) == []
    assert [m.id for m in services.messages_after(world.user("secretary"), topic)] == [message.id]
    with pytest.raises(NotFound):
        moderation.get_message(world.user("resident"), message.id)
    assert moderation.get_message(world.user("building_lead"), message.id) is message


def test_unhide_shows_it_again_without_an_event(world, topic, message):
    moderation.hide_message(world.user("secretary"), message)
    with pytest.raises(Forbidden):
        moderation.unhide_message(world.user("resident"), message)
    with events.capture() as sent:
        moderation.unhide_message(world.user("staff"), message)
    assert sent == [] and not message.hidden and message.hidden_by_id is None
    assert [m.id for m in services.messages_after(world.user("resident"), topic)] == [message.id]


def test_a_failed_commit_publishes_nothing(world, topic, message, monkeypatch):
    def broken_commit():
        db.session.rollback()
        raise RuntimeError("disk full")
    monkeypatch.setattr(db.session, "commit", broken_commit)
    with events.capture() as sent, pytest.raises(RuntimeError):
        moderation.hide_message(world.user("secretary"), message)
    assert sent == []


# --- lock and pin --------------------------------------------------------------------------

@pytest.mark.parametrize("act", ["lock_topic", "unlock_topic", "pin_topic", "unpin_topic"])
@pytest.mark.parametrize("role", READERS + NON_READERS)
def test_only_moderators_lock_and_pin(world, topic, role, act):
    assert outcome(lambda: getattr(moderation, act)(world.user(role), topic)) == expected(role, MODERATORS)


def test_a_locked_topic_refuses_messages_until_unlocked(world, topic):
    with events.capture() as sent:
        moderation.lock_topic(world.user("building_lead"), topic)
    assert [(e, r) for e, r, _ in sent] == [("topic.updated", f"courtyard:{topic.courtyard_id}")]
    assert sent[0][2]["locked"] is True
    with pytest.raises(Forbidden):
        services.post_message(world.user("resident"), topic, body="还漏", client_id="x")
    moderation.unlock_topic(world.user("building_lead"), topic)
    msg, created = services.post_message(world.user("resident"), topic, body="还漏", client_id="x")
    assert created and msg.id


def test_pinning_puts_the_topic_first_and_repeating_it_is_silent(world, topic):
    later = services.create_topic(world.user("resident"), world.courtyards["A1"], title="楼道灯坏了",
                                  body="三层的灯", category="repairs")
    cy = world.courtyards["A1"]
    first = lambda: db.session.scalars(services.topics_in(world.user("resident"), cy)).first()  # noqa: E731
    assert first().id == later.id
    with events.capture() as sent:
        moderation.pin_topic(world.user("secretary"), topic)
    assert [e for e, _, p in sent] == ["topic.updated"] and sent[0][2]["pinned"] is True
    assert first().id == topic.id
    with events.capture() as sent:
        moderation.pin_topic(world.user("secretary"), topic)
    assert sent == []


# --- merge ---------------------------------------------------------------------------------

@pytest.fixture
def duplicate(world, make):
    return services.create_topic(make.resident(world.courtyards["A1"]), world.courtyards["A1"],
                                 title="车棚漏水", body="同一个问题", category="facilities")


@pytest.mark.parametrize("role", READERS + NON_READERS)
def test_only_moderators_merge(world, topic, duplicate, role):
    got = outcome(lambda: moderation.merge_topic(world.user(role), duplicate, into_topic_id=topic.id))
    assert got == expected(role, MODERATORS)


def test_merge_points_the_duplicate_at_the_target_and_carries_supporters_once(world, make, topic, duplicate):
    cy = world.courtyards["A1"]
    both, only_dup = make.resident(cy), make.resident(cy)
    services.support(both, topic)
    services.support(both, duplicate)
    services.support(only_dup, duplicate)
    services.support(world.user("resident"), duplicate)  # the target's own author supports the duplicate
    assert topic.support_count == 1
    with events.capture() as sent:
        moderation.merge_topic(world.user("secretary"), duplicate, into_topic_id=topic.id)
    assert duplicate.status == TopicStatus.merged and duplicate.merged_into_id == topic.id
    supporters = set(db.session.scalars(db.select(TopicSupport.user_id).where(TopicSupport.topic_id == topic.id)))
    # both (once), only_dup, the target's author, and the duplicate's author
    assert supporters == {both.id, only_dup.id, world.user("resident").id, duplicate.author_id}
    assert topic.support_count == 4
    updated = {p["id"]: p for e, r, p in sent if e == "topic.updated"}
    assert set(updated) == {topic.id, duplicate.id}
    assert all(r == f"courtyard:{topic.courtyard_id}" for e, r, _ in sent if e == "topic.updated")
    assert updated[duplicate.id]["status"] == "merged" and updated[duplicate.id]["merged_into_id"] == topic.id
    assert updated[topic.id]["support_count"] == 4
    with pytest.raises(Forbidden):
        services.post_message(world.user("resident"), duplicate, body="还在吗", client_id="late")


def test_topics_merged_into_the_duplicate_follow_it(world, make, topic, duplicate):
    third = services.create_topic(world.user("resident"), world.courtyards["A1"], title="又一个车棚帖",
                                  body="同上", category="facilities")
    moderation.merge_topic(world.user("secretary"), third, into_topic_id=duplicate.id)
    moderation.merge_topic(world.user("secretary"), duplicate, into_topic_id=topic.id)
    db.session.refresh(third)
    assert third.merged_into_id == topic.id


def test_a_merge_reads_both_topics_again_under_the_lock(world, topic, duplicate):
    """Another moderator withdrew the duplicate after this one loaded it (as while waiting for the
    topic's lock): the merge is refused and changes nothing."""
    import sqlalchemy as sa

    from courtyard.deliberation.models import Topic
    sec = world.user("secretary")
    db.session.commit()  # the test's objects stay loaded: expire_on_commit is what refresh undoes
    assert duplicate.status == TopicStatus.open
    with db.engine.begin() as other:
        other.execute(sa.update(Topic).where(Topic.id == duplicate.id).values(status="withdrawn"))
    with pytest.raises(Conflict):
        moderation.merge_topic(sec, duplicate, into_topic_id=topic.id)
    db.session.rollback()
    assert db.session.get(Topic, duplicate.id).merged_into_id is None


def test_merge_refuses_itself_other_courtyards_and_merged_topics(world, make, topic, duplicate):
    sec = world.user("secretary")
    with pytest.raises(Invalid) as err:
        moderation.merge_topic(sec, topic, into_topic_id=topic.id)
    assert "into_topic_id" in err.value.fields
    elsewhere = services.create_topic(world.user("neighbour"), world.courtyards["A2"], title="别的楼",
                                      body="x", category="other")
    for bad in (elsewhere.id, 999_999, "abc", None):
        with pytest.raises(Invalid):
            moderation.merge_topic(sec, topic, into_topic_id=bad)
    moderation.merge_topic(sec, duplicate, into_topic_id=topic.id)
    with pytest.raises(Conflict):
        moderation.merge_topic(sec, duplicate, into_topic_id=topic.id)
    third = services.create_topic(world.user("resident"), world.courtyards["A1"], title="第三个",
                                  body="x", category="other")
    with pytest.raises(Conflict):
        moderation.merge_topic(sec, third, into_topic_id=duplicate.id)


# --- reports -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", READERS + NON_READERS)
def test_every_reader_may_report_someone_elses_message(world, other_message, role):
    assert outcome(lambda: moderation.report_message(world.user(role), other_message)) == expected(role, READERS)


def test_a_message_is_reported_once_per_person_and_not_by_its_author(world, message, other_message):
    r = moderation.report_message(world.user("resident"), other_message, reason="  广告  ")
    assert r.reason == "广告" and not r.resolved
    with pytest.raises(Conflict):
        moderation.report_message(world.user("resident"), other_message, reason="再次")
    with pytest.raises(Forbidden):
        moderation.report_message(world.user("resident"), message)
    with pytest.raises(Invalid) as err:
        moderation.report_message(world.user("secretary"), other_message, reason="x" * 201)
    assert "reason" in err.value.fields


def test_moderators_see_open_reports_and_resolving_one_closes_the_messages_others(world, make, topic, other_message):
    cy = world.courtyards["A1"]
    r1 = moderation.report_message(world.user("resident"), other_message)
    r2 = moderation.report_message(world.user("building_lead"), other_message, reason="骂人")
    for role in ("resident",):
        with pytest.raises(Forbidden):
            moderation.open_reports(world.user(role), cy)
    with pytest.raises(NotFound):
        moderation.open_reports(world.user("outsider"), cy)
    assert [r.id for r in db.session.scalars(moderation.open_reports(world.user("secretary"), cy))] == [r1.id, r2.id]
    # another courtyard's moderators do not see them
    assert list(db.session.scalars(moderation.open_reports(world.user("staff"), world.courtyards["A2"]))) == []

    with events.capture() as sent:
        moderation.resolve_report(world.user("secretary"), r1)
    assert sent == [] and not other_message.hidden
    db.session.refresh(r2)
    assert r1.resolved and r2.resolved and r1.resolved_by_id == world.user("secretary").id
    assert list(db.session.scalars(moderation.open_reports(world.user("secretary"), cy))) == []
    with pytest.raises(Conflict):
        moderation.resolve_report(world.user("secretary"), r1)


def test_resolving_with_hide_hides_the_message_live(world, topic, other_message):
    r = moderation.report_message(world.user("resident"), other_message)
    with pytest.raises(Forbidden):
        moderation.resolve_report(world.user("resident"), r)
    with events.capture() as sent:
        moderation.resolve_report(world.user("staff"), r, hide=True)
    assert other_message.hidden and r.resolved
    assert sent == [("message.hidden", f"topic:{topic.id}", {"topic_id": topic.id, "message_id": other_message.id})]


def test_hiding_a_message_closes_its_reports(world, other_message):
    r = moderation.report_message(world.user("resident"), other_message)
    moderation.hide_message(world.user("secretary"), other_message)
    db.session.refresh(r)
    assert r.resolved and r.resolved_at is not None
    assert db.session.query(MessageReport).filter_by(resolved=False).count() == 0


def test_a_hidden_message_cannot_be_reported(world, other_message):
    moderation.hide_message(world.user("secretary"), other_message)
    with pytest.raises(NotFound):
        moderation.report_message(world.user("resident"), other_message)
