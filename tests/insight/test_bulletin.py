"""The handlers' bulletin (issue 12 part 5): a week's or a month's tasks by the departments,
property companies and staff who took them on — counted by hand here — ranked; only staff read it."""
from __future__ import annotations

import pytest

from courtyard.errors import Forbidden, Invalid
from courtyard.extensions import db
from courtyard.insight import bulletin
from courtyard.tasks.models import TaskStatus, TaskUpdate, UpdateKind

from ..web.browser import Browser
from .conftest import add_task, add_topic, bj, rate


def accept(task, user, at):
    task.accepted_at = at
    db.session.add(TaskUpdate(task_id=task.id, kind=UpdateKind.status, from_status=TaskStatus.assigned,
                              to_status=TaskStatus.accepted, author_id=user.id, created_at=at))
    db.session.commit()


@pytest.fixture
def week(make, fixed_now):
    """Monday 8 June to Sunday 14 June 2026 (the clock stands at 15 June noon)."""
    community = make.community("芳群园四区社区")
    cy = make.courtyard(community)
    author = make.resident(cy)
    dept = make.organization("街道城管执法队", kind="department")
    prop = make.organization("方庄物业", kind="property")
    d_staff, p_staff = make.org_staff(dept, make.user(display_name="郑国强")), make.org_staff(prop, make.user(display_name="杨帆"))
    t1 = add_task(add_topic(cy, author, "路灯不亮", "safety", bj(2026, 6, 8)), dept, created_at=bj(2026, 6, 8, 10),
                  due_hours=48, done_at=bj(2026, 6, 9, 10), status="done")
    accept(t1, d_staff, bj(2026, 6, 8, 12))            # 2 h to accept, done on time
    t2 = add_task(add_topic(cy, author, "占道经营", "parking", bj(2026, 6, 10)), dept, created_at=bj(2026, 6, 10, 10),
                  due_hours=24)
    accept(t2, d_staff, bj(2026, 6, 10, 14))           # 4 h; still open and past due at 15 June: late
    t3 = add_task(add_topic(cy, author, "漏水", "repairs", bj(2026, 6, 11)), prop, created_at=bj(2026, 6, 11, 10),
                  due_hours=24, done_at=bj(2026, 6, 13, 10), status="done")
    accept(t3, p_staff, bj(2026, 6, 11, 11))           # 1 h; done late
    add_task(add_topic(cy, author, "上周的", "repairs", bj(2026, 6, 1)), prop, created_at=bj(2026, 6, 1, 10))  # not this week
    rate(t1, author, "satisfied")
    rate(t3, author, "unsatisfied")
    return {"community": community, "staff": make.community_staff(community), "resident": author,
            "admin": make.street_admin(), "d_staff": d_staff}


def test_a_weeks_bulletin_counts_each_handler_by_hand(week):
    b = bulletin.handlers_bulletin(week["admin"], scope="street", period="week", day="2026-06-10")
    assert b["window"] == {"from": "2026-06-08", "to": "2026-06-14", "days": 7}
    [dept] = b["departments"]
    assert (dept["name"], dept["tasks"], dept["accepted"], dept["response_hours"]) == ("街道城管执法队", 2, 2, 3.0)
    assert (dept["on_time"], dept["judged"], dept["on_time_rate"]) == (1, 2, 0.5)
    assert dept["satisfaction_rate"] == 1.0 and dept["ratings"]["total"] == 1
    [prop] = b["property_companies"]
    assert (prop["tasks"], prop["on_time_rate"], prop["satisfaction_rate"]) == (1, 0.0, 0.0)
    staff = {s["name"]: s for s in b["staff"]}
    assert staff["郑国强"]["organization"] == "街道城管执法队" and staff["郑国强"]["tasks"] == 2
    assert staff["杨帆"]["response_hours"] == 1.0
    assert [s["name"] for s in b["staff"]] == ["郑国强", "杨帆"] and b["staff"][0]["rank"] == 1


def test_the_monthly_ranking_takes_the_whole_month_and_the_default_week_is_last_week(week):
    month = bulletin.handlers_bulletin(week["staff"], scope=f"community:{week['community'].id}", period="month",
                                       day="2026-06-15")
    assert month["window"]["from"] == "2026-06-01" and month["window"]["to"] == "2026-06-30"
    assert month["property_companies"][0]["tasks"] == 2
    default = bulletin.handlers_bulletin(week["admin"], scope="street")
    assert default["period"] == "week" and default["window"]["from"] == "2026-06-08"


def test_ranking_puts_lines_without_figures_last_and_breaks_ties_by_name():
    line = dict(tasks=1, accepted=0, on_time=0, judged=0, ratings={})
    ranked = bulletin.rank_lines([
        {**line, "name": "乙", "satisfaction_rate": None, "on_time_rate": None, "response_hours": None},
        {**line, "name": "丙", "satisfaction_rate": 0.5, "on_time_rate": 1.0, "response_hours": 3.0},
        {**line, "name": "甲", "satisfaction_rate": 0.5, "on_time_rate": 1.0, "response_hours": 3.0},
        {**line, "name": "丁", "satisfaction_rate": 0.9, "on_time_rate": 0.1, "response_hours": 30.0},
    ])
    assert [r["rank"] for r in ranked] == [1, 2, 3, 4]
    assert ranked[0]["name"] == "丁" and ranked[-1]["name"] == "乙"
    assert sorted(r["name"] for r in ranked[1:3]) == sorted(["丙", "甲"])  # equal figures: by name


@pytest.mark.parametrize("args, field", [({"period": "year"}, "period"), ({"day": "2026-13-01"}, "day"),
                                         ({"day": "2099-01-01"}, "day"), ({"day": "yesterday"}, "day")])
def test_bad_parameters_are_named(week, args, field):
    with pytest.raises(Invalid) as err:
        bulletin.handlers_bulletin(week["admin"], scope="street", **args)
    assert field in err.value.fields


def test_only_staff_read_it(week, api):
    with pytest.raises((Forbidden, Invalid)):
        bulletin.handlers_bulletin(week["resident"], scope=f"community:{week['community'].id}")
    assert api.as_(week["d_staff"]).get("/bulletin?scope=street").status_code == 403
    r = api.as_(week["admin"]).get("/bulletin?scope=street&period=week&day=2026-06-10")
    assert r.status_code == 200 and r.get_json()["departments"][0]["tasks"] == 2
    assert api.as_(week["admin"]).get("/bulletin").status_code == 422


def test_the_bulletin_page(app, week):
    b = Browser(app.test_client()).english()
    b.login(week["admin"])
    html = b.text("/insight/bulletin?scope=street&period=week&day=2026-06-10")
    assert "Handlers’ bulletin" in html and "街道城管执法队" in html and "郑国强" in html
    assert "day=2026-06-07" in html  # the week before
    month = b.text("/insight/bulletin?scope=street&period=month&day=2026-06-10")
    assert "Monthly ranking" in month and "方庄物业" in month
    assert "Handlers’ bulletin: weekly and monthly" in b.text("/insight?scope=street")
