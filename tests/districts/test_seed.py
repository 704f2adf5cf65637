"""seed-demo's districts: the five 片区, the demo communities in theirs, a raised topic with posts
from two communities' secretaries, two experience cases; a second run adds nothing."""
from __future__ import annotations

import sqlalchemy as sa

from courtyard.accounts.models import User
from courtyard.districts.models import DistrictPost, DistrictThread, ExperienceCase
from courtyard.extensions import db
from courtyard.places.models import Community, District
from courtyard.seeding.demo import seed_demo


def test_the_demo_districts(app):
    seed_demo()
    names = db.session.scalars(sa.select(District.name).order_by(District.id)).all()
    assert names == ["芳古片区", "芳城片区", "芳群片区", "芳星片区", "紫芳片区"]
    of = {c.name: c.district.name for c in db.session.scalars(sa.select(Community))}
    assert of == {"芳古园一区社区": "芳古片区", "芳古园二区社区": "芳古片区", "芳群园四区社区": "芳群片区",
                  "芳城园二区社区": "芳城片区"}
    raised = db.session.scalar(sa.select(DistrictThread).where(DistrictThread.source_topic_id.is_not(None)))
    assert "飞线" in raised.title and raised.community.name == "芳古园一区社区"
    authors = set(db.session.scalars(sa.select(DistrictPost.author_id).where(DistrictPost.thread_id == raised.id)))
    logins = set(db.session.scalars(sa.select(User.login).where(User.id.in_(authors))))
    assert {"secretary", "secretary_fg2"} <= logins
    assert db.session.scalar(sa.select(sa.func.count(ExperienceCase.id))) == 2
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in
              (District, DistrictThread, DistrictPost, ExperienceCase)]
    seed_demo()
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in
            (District, DistrictThread, DistrictPost, ExperienceCase)] == counts
