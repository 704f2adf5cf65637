"""The demo topics of seed-demo: realistic, in the demo courtyards, and added once."""
from __future__ import annotations

import sqlalchemy as sa

from courtyard.deliberation.models import Message, Topic, TopicSupport
from courtyard.extensions import db
from courtyard.seeding.demo import seed_demo


def _counts():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Topic, Message, TopicSupport))


def test_seeding_adds_topics_with_messages_once(app):
    seed_demo()
    first = _counts()
    from courtyard.insight.models import MonthlyProject  # the 主动治理 projects open topics of their own
    topics = db.session.scalars(sa.select(Topic).where(Topic.id.not_in(sa.select(MonthlyProject.topic_id)))).all()
    assert 4 <= len(topics) <= 6 and first[1] >= 10 and first[2] >= 5
    assert {"facilities", "repairs", "parking", "sanitation"} <= {t.category.value for t in topics}
    assert {t.status.value for t in topics} >= {"open", "deliberating", "decided"}
    assert any(t.pinned for t in topics)
    for t in topics:
        ids = [m.id for m in sorted(db.session.scalars(sa.select(Message).where(Message.topic_id == t.id)),
                                    key=lambda m: m.created_at)]
        assert ids == sorted(ids)  # times and ids agree
        assert t.message_count == len(ids) and t.support_count == db.session.scalar(
            sa.select(sa.func.count()).select_from(TopicSupport).where(TopicSupport.topic_id == t.id))
    assert any(m.as_community_staff for m in db.session.scalars(sa.select(Message)))
    seed_demo()
    assert _counts() == first
