"""Who finds what agrees with the object rules: for every role of tests/places/world.py, the
entries the search lets through are exactly those of the topics `can_view_topic` allows, and a
hidden message only for those `can_hide_message` allows."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.deliberation import moderation
from courtyard.deliberation import permissions as deliberation
from courtyard.deliberation import services as topics
from courtyard.extensions import db
from courtyard.search import permissions, services
from courtyard.search.models import SearchEntry

from ..places.world import COURTYARDS, ROLES, build_world


@pytest.fixture
def world(make):
    w = build_world(make)
    w.found = {}
    for name in COURTYARDS:
        cy = w.courtyards[name]
        author = make.resident(cy)
        topic = topics.create_topic(author, cy, title=f"{name} 车棚漏水", body="下雨就漏", category="facilities")
        shown, _ = topics.post_message(author, topic, body="车棚顶上破了", client_id=f"{name}-1")
        hidden, _ = topics.post_message(author, topic, body="车棚那家是骗子", client_id=f"{name}-2")
        secretary = make.secretary(cy)
        moderation.hide_message(secretary, hidden)
        w.found[name] = (topic, shown, hidden)
    moderation.invite(w.user("staff"), w.found["A1"][0], organization_id=w.orgs["D"].id)
    return w


@pytest.mark.parametrize("role", [r for r in ROLES])
def test_the_search_lets_through_what_the_object_rules_allow(world, role):
    user = world.user(role)
    allowed = set()
    for topic, shown, hidden in world.found.values():
        if deliberation.can_view_topic(user, topic):
            allowed |= {("topic", topic.id), ("message", shown.id)}
            if deliberation.can_hide_message(user, hidden):
                allowed.add(("message", hidden.id))
    where = [permissions.readable_entries(user), permissions.shown_entries(user)]
    got = {(k.value, m or t) for k, t, m in db.session.execute(
        sa.select(SearchEntry.kind, SearchEntry.topic_id, SearchEntry.message_id).where(*where))}
    assert got == allowed
    if role != "anonymous":
        found = services.search(user, "车棚")
        assert {(h.kind, h.message.id if h.message else h.topic.id) for h in found.items} == allowed
