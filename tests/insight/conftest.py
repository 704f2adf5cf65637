"""A small street with hand-placed topics, replies, tasks and ratings, at known times.

Rows are written straight into the tables (not through the services) so that every
timestamp is the one the test names; the figures are then computed by hand in the tests.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from courtyard import clock
from courtyard.deliberation.models import Category, Message, Topic, TopicStatus
from courtyard.extensions import db
from courtyard.tasks.models import Score, Task, TaskRating, TaskStatus, TaskUpdate, UpdateKind

BJ = timezone(timedelta(hours=8))
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=BJ)
_client_ids = itertools.count(1)


class FixedClock:
    def __init__(self, now: datetime):
        self.at = now

    def now(self) -> datetime:
        return self.at.astimezone(timezone.utc)


@pytest.fixture
def fixed_now(app):
    clock.use(FixedClock(NOW))
    yield NOW
    clock.reset()


def bj(y, m, d, h=10, minute=0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=BJ)


def add_topic(courtyard, author, title="楼道灯坏了", category="repairs", at=None, status="open") -> Topic:
    at = at or NOW - timedelta(days=1)
    t = Topic(courtyard_id=courtyard.id, author_id=author.id, title=title, body=title, category=Category(category),
              status=TopicStatus(status), created_at=at, updated_at=at, last_activity_at=at)
    db.session.add(t)
    db.session.commit()
    return t


def add_message(topic, author, at, *, org=None, staff=False, hidden=False) -> Message:
    m = Message(topic_id=topic.id, author_id=author.id, body="收到", client_id=f"c{next(_client_ids)}",
                organization_id=org.id if org else None, as_community_staff=staff, hidden=hidden, created_at=at)
    db.session.add(m)
    db.session.commit()
    return m


def add_task(topic, org, *, created_at=None, due_hours=72, status="assigned", done_at=None, verified_at=None,
             escalation_level=0, reopened=False, creator=None) -> Task:
    created_at = created_at or topic.created_at + timedelta(hours=1)
    cy = db.session.get(type(topic.courtyard), topic.courtyard_id)
    t = Task(topic_id=topic.id, courtyard_id=topic.courtyard_id, community_id=cy.building.community_id,
             assignee_org_id=org.id, title=topic.title, category=topic.category, status=TaskStatus(status),
             created_by_id=creator.id if creator else topic.author_id, created_at=created_at, updated_at=created_at,
             due_at=created_at + timedelta(hours=due_hours), done_at=done_at, verified_at=verified_at,
             escalation_level=escalation_level, seq=1)
    db.session.add(t)
    db.session.flush()
    db.session.add(TaskUpdate(task_id=t.id, kind=UpdateKind.created, to_status=TaskStatus.assigned,
                              author_id=t.created_by_id, created_at=created_at))
    if reopened:
        db.session.add(TaskUpdate(task_id=t.id, kind=UpdateKind.reopened, from_status=TaskStatus.done,
                                  to_status=TaskStatus.reopened, author_id=t.created_by_id,
                                  created_at=created_at + timedelta(hours=2)))
    db.session.commit()
    return t


def rate(task, user, score) -> TaskRating:
    r = TaskRating(task_id=task.id, user_id=user.id, score=Score(score), created_at=NOW, updated_at=NOW)
    db.session.add(r)
    db.session.commit()
    return r


@dataclass
class World:
    c1: object = None
    c2: object = None
    p1: object = None
    p2: object = None
    a: object = None      # courtyard A of c1, property p1
    b: object = None      # courtyard B of c1, property p2
    x: object = None      # courtyard X of c2, property p1
    residents: dict = field(default_factory=dict)
    secretary_a: object = None
    lead_a: object = None
    staff_c1: object = None
    staff_c2: object = None
    admin: object = None
    p1_staff: object = None
    outsider: object = None


@pytest.fixture
def world(make) -> World:
    w = World()
    w.c1, w.c2 = make.community("芳古园一区社区"), make.community("芳群园四区社区")
    w.p1, w.p2 = make.organization("方庄物业"), make.organization("芳华物业")
    w.a = make.courtyard(w.c1, property_org=w.p1, name="1号楼", units=6)
    w.b = make.courtyard(w.c1, property_org=w.p2, name="2号楼", units=6)
    w.x = make.courtyard(w.c2, property_org=w.p1, name="3号楼", units=6)
    w.residents = {"a": [make.resident(w.a) for _ in range(3)], "b": [make.resident(w.b) for _ in range(2)],
                   "x": [make.resident(w.x) for _ in range(2)]}
    w.secretary_a = make.secretary(w.a)
    w.lead_a = make.building_lead(w.a)
    w.staff_c1 = make.community_staff(w.c1)
    w.staff_c2 = make.community_staff(w.c2)
    w.admin = make.street_admin()
    w.p1_staff = make.org_staff(w.p1)
    w.outsider = make.user()
    return w
