"""flask seed-scale on a small plan: the rows it promises, deterministic, only into an empty database."""
from __future__ import annotations

from datetime import date

import click
import pytest
import sqlalchemy as sa

from courtyard.extensions import db
from courtyard.insight import services
from courtyard.insight.queries import Scope
from courtyard.insight.rules import Window
from courtyard.seeding.scale import Plan, seed_scale

PLAN = Plan(seed=7, communities=2, buildings=6, residents=300, days=90, topics_per_building=40,
            until=date(2026, 6, 15))


def snapshot() -> list:
    return db.session.execute(sa.text(
        "SELECT id, courtyard_id, author_id, title, status, created_at FROM topics ORDER BY id")).all()


def test_a_small_street_with_every_kind_of_row(app):
    counts = seed_scale(PLAN, echo=lambda *_: None)
    assert counts["communities"] == 2 and counts["buildings"] == 6 and counts["memberships"] == 300
    assert counts["users"] == 300 + 1 + 2 + 15
    for table in ("topics", "messages", "tasks", "task_updates", "task_ratings", "proposals", "ballot_roll", "votes"):
        assert counts[table] > 0, table
    data = services.figures(Scope("street", None, "", None), Window(date(2026, 3, 18), date(2026, 6, 15)))
    assert data["topics"] == counts["topics"] and data["tasks"] == counts["tasks"]
    assert 0 < data["response_rate"] < 1 and data["resolution_rate"] is not None
    assert data["property_ranking"]
    # the sequences moved on: a normal insert after the seed works on PostgreSQL too
    from tests.factories import Factory
    Factory().community("新社区")


def test_emergencies_with_their_timelines_and_visits(app):
    from courtyard.emergencies.models import HouseholdFlag, Notice, NoticeStatus, NoticeUpdate, Visit
    counts = seed_scale(PLAN, echo=lambda *_: None)
    assert counts["notices"] >= 2 * 3 and counts["household_flags"] > 0 and counts["notice_visits"] > 0
    for notice in db.session.scalars(sa.select(Notice)):
        assert notice.targets and notice.updates[0].kind.value == "posted"
        assert (notice.status == NoticeStatus.resolved) == (notice.updates[-1].kind.value == "resolved")
        assert all(t.courtyard.building.community_id == notice.community_id for t in notice.targets)
    flagged = set(db.session.scalars(sa.select(HouseholdFlag.unit_id)))
    assert set(db.session.scalars(sa.select(Visit.unit_id))) <= flagged
    # and the sequences of the new tables moved on too
    notice = db.session.scalars(sa.select(Notice)).first()
    db.session.add(NoticeUpdate(notice_id=notice.id, kind="update", text="再次更新", author_id=notice.created_by_id))
    db.session.commit()


def test_the_project_pool_with_milestones_links_and_the_dashboard_counts(app):
    from courtyard.projects import services as projects
    from courtyard.projects.models import Project, ProjectLink, ProjectStatus, ProjectUpdate
    from courtyard.tasks.models import Task
    counts = seed_scale(PLAN, echo=lambda *_: None)
    assert counts["projects"] == 3 and counts["project_milestones"] > 0 and counts["project_links"] >= 3
    for project in db.session.scalars(sa.select(Project)):
        assert project.links and project.updates[0].kind.value == "created" and project.budget_amount >= 0
        assert project.owner_org.kind.value == "department"
        done = [m for m in project.milestones if m.done_at is not None]
        if project.status == ProjectStatus.completed:
            assert len(done) == len(project.milestones) and project.completed_at is not None
        communities = {link.courtyard.building.community_id for link in project.links}
        assert len(communities) == 1  # linked within the community of the problem
        for link in project.links:
            assert link.topic.courtyard_id == link.courtyard_id and link.confirmed_at is not None
            if link.task_id:
                assert db.session.get(Task, link.task_id).topic_id == link.topic_id
    figures = projects.figures()
    assert figures["projects"] == 3 and figures["budget"] > 0
    assert 0 <= figures["solved"] <= db.session.scalar(sa.select(sa.func.count(sa.distinct(ProjectLink.topic_id))))
    # the sequences moved on
    project = db.session.scalars(sa.select(Project)).first()
    db.session.add(ProjectUpdate(project_id=project.id, kind="progress", text="再次更新", author_id=project.created_by_id))
    db.session.commit()

def test_districts_with_raised_topics_posts_and_cases(app):
    from courtyard.districts.models import DistrictPost, DistrictThread, ExperienceCase
    from courtyard.places.models import Community, District
    counts = seed_scale(PLAN, echo=lambda *_: None)
    assert counts["districts"] == 5 and counts["district_staff"] == 5
    assert counts["district_threads"] >= counts["topics"] // 100 and counts["district_posts"] > 0
    assert {c.district.name for c in db.session.scalars(sa.select(Community))} == {"芳古片区"}
    for thread in db.session.scalars(sa.select(DistrictThread)):
        assert thread.source_topic.courtyard.building.community.district_id == thread.district_id
        assert thread.post_count == len(db.session.scalars(sa.select(DistrictPost.id).where(
            DistrictPost.thread_id == thread.id)).all())
    for case in db.session.scalars(sa.select(ExperienceCase)):
        assert case.topic.status.value in ("decided", "closed") if case.topic else case.thread.status.value == "resolved"
    # the sequences moved on
    db.session.add(District(name="新片区"))
    db.session.commit()


def test_the_same_seed_gives_the_same_rows(app):
    seed_scale(PLAN, echo=lambda *_: None)
    first = snapshot()
    from tests.conftest import _empty_all_tables
    _empty_all_tables()
    seed_scale(PLAN, echo=lambda *_: None)
    assert snapshot() == first


def test_it_refuses_a_database_with_data(app, make):
    make.community()
    with pytest.raises(click.ClickException):
        seed_scale(PLAN, echo=lambda *_: None)


def test_the_command(app):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["seed-scale", "--communities", "2", "--buildings", "4", "--residents", "100",
                            "--days", "30", "--until", "2026-06-15"])
    assert r.exit_code == 0, r.output
    assert "done in" in r.output and "memberships: 100" in r.output
    again = runner.invoke(args=["seed-scale", "--residents", "100", "--buildings", "4", "--communities", "2"])
    assert again.exit_code != 0 and "empty database" in again.output
    bad = runner.invoke(args=["seed-scale", "--until", "June"])
    assert bad.exit_code != 0
