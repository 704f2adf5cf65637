"""The project pool in browsers at 360 px: the street administrator takes an escalated task into
the pool from its page (转入民生项目池); a resident of the courtyard keeps the project page open
while the department posts progress and ticks a milestone — it follows without reloading — and
sees the project on the topic page (with its tasks); the pool and the dashboard for staff; axe finds nothing
serious, in Chinese and in English. Screenshots go to test-artifacts/ (projects-*.png) for a person to look at.

The world is written into the live server's database by this module run as a script (as
tests/live/world.py does), so the test process never binds a second app.
"""
from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

import pytest

from tests.live.world import run_world

from .axe import check_phone_page
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def _build() -> dict:
    from courtyard import create_app
    from courtyard.deliberation.services import create_topic
    from courtyard.extensions import db
    from courtyard.tasks import services as tasks

    from tests.factories import Factory

    app = create_app()
    with app.app_context():
        make = Factory()
        tag = uuid.uuid4().hex[:6]
        community = make.community(f"芳古园{tag}社区")
        prop = make.organization(f"方庄物业{tag}", kind="property")
        dept = make.organization(f"方庄街道城市管理办公室{tag}", kind="department")
        east = make.courtyard(community, units=6, name=f"1号楼{tag}", property_org=prop)
        admin = make.street_admin(f"a{tag}")
        staff = make.community_staff(community, user=make.user(f"c{tag}", display_name="刘秀梅"))
        secretary = make.secretary(east, user=make.user(f"s{tag}", display_name="王淑芬"))
        resident = make.resident(east, user=make.user(f"r{tag}", display_name="陈桂兰"))
        worker = make.org_staff(dept, user=make.user(f"d{tag}", display_name="何静"))
        topic = create_topic(resident, east, title="楼下电动车棚没有充电桩，有人从楼道飞线充电",
                             body="晚上线就搭在车棚顶上，下雨天很危险。", category="facilities")
        task = tasks.create_task(secretary, topic, assignee_org_id=prop.id)
        tasks.escalate(staff, task, reason="车棚改造涉及场地和资金，报街道统筹。", to_org_id=dept.id)
        world = {"east_id": east.id, "topic_id": topic.id, "task_id": task.id, "dept_id": dept.id,
                 **{name: {"login": u.login} for name, u in (("admin", admin), ("staff", staff),
                                                            ("resident", resident), ("worker", worker))}}
        db.session.remove()
    return world


def build_world(server) -> SimpleNamespace:
    return run_world("tests.e2e.test_projects", server)




def _accessible(page, report: list[str], where: str, shot: str | None = None) -> None:
    check_phone_page(page, report, where)
    if shot:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"projects-{shot}.png"), full_page=True)


def _english(page) -> None:
    page.locator("details.topmenu > summary").click()  # the language switch is in the menu
    page.locator(".topmenu form.lang-switch button[value=en]").click()


def test_the_street_takes_the_task_in_and_a_resident_follows_the_project_live(live_server, page_for):
    from playwright.sync_api import expect
    w = build_world(live_server)
    report: list[str] = []

    # The street administrator opens the escalated task and takes it into the pool.
    admin = page_for(w.admin, f"/tasks/{w.task_id}")
    admin.locator("#take-into-pool").click()
    admin.wait_for_url("**/projects/new?task_id=*")
    expect(admin.locator("#project-title")).to_have_value("楼下电动车棚没有充电桩，有人从楼道飞线充电")
    _accessible(admin, report, "/projects/new (zh)", "project-new-zh")
    admin.locator("#project-title").fill("老旧小区电动车集中充电棚改造")
    admin.locator("#project-owner").select_option(str(w.dept_id))
    admin.locator("#project-budget").fill("48")
    admin.locator("#project-milestones").fill("居民议事确定选址\n方案设计与消防审核\n施工进场\n充电设备安装调试\n竣工验收")
    admin.locator("#create-project").click()
    admin.wait_for_url("**/projects/*")
    project_path = admin.url.split(live_server.url, 1)[-1]
    expect(admin.locator("h1")).to_have_text("老旧小区电动车集中充电棚改造")
    expect(admin.locator("#project-budget")).to_have_text("48 万元")
    admin.locator("#move-approved").click()
    admin.wait_for_url(f"**{project_path}")
    expect(admin.locator("#project-status")).to_have_text("已立项")

    # A resident of the courtyard keeps the project page open.
    resident = page_for(w.resident, project_path)
    resident.locator('#project[data-live="true"]').wait_for()
    expect(resident.locator("#progress-form")).to_have_count(0)
    _accessible(resident, report, project_path + " (resident, zh)", "project-resident-zh")

    # The department starts the work, posts progress and ticks a milestone: the page follows.
    worker = page_for(w.worker, project_path)
    worker.locator("#move-in_progress").click()
    worker.wait_for_url(f"**{project_path}")
    expect(resident.locator("#project-status")).to_have_text("进行中")
    worker.locator("#progress-text").fill("周六车棚议事会：选定东侧车棚原址改建，按次扫码付费。")
    worker.locator("#post-progress").click()
    worker.wait_for_url(f"**{project_path}*")
    expect(resident.locator(".project-step").first).to_contain_text("选定东侧车棚原址改建")
    worker.locator(".milestone-form button").first.click()
    worker.wait_for_url(f"**{project_path}*")
    expect(resident.locator("#project-progress")).to_have_text("里程碑 1/5")
    expect(resident.locator(".milestone-done")).to_have_count(1)
    assert resident.evaluate("performance.getEntriesByType('navigation').length") == 1  # never reloaded
    _accessible(resident, report, project_path + " (resident, live)", "project-resident-live")

    # On the topic page the resident sees where the problem went.
    resident.goto(f"/topics/{w.topic_id}")
    badge = resident.locator(".project-badge")
    expect(badge).to_be_hidden()  # on a phone it waits with the tasks, behind their button
    resident.locator('.tool-button[aria-controls="fold-tasks"]').click()
    expect(badge).to_contain_text("民生项目：老旧小区电动车集中充电棚改造")
    expect(badge).to_contain_text("里程碑 1/5")
    expect(badge).to_contain_text("牵头：方庄街道城市管理办公室")
    _accessible(resident, report, "/topics (badge)", "topic-badge-zh")

    # In English too.
    _english(resident)
    resident.goto(project_path)
    expect(resident.locator("#project-status")).to_have_text("Under way")
    _accessible(resident, report, project_path + " (en)", "project-resident-en")
    assert not report, "\n\n".join(report)


def test_the_pool_and_the_dashboard_for_staff_in_both_languages(live_server, page_for):
    from playwright.sync_api import expect
    w = build_world(live_server)
    report: list[str] = []
    admin = page_for(w.admin, f"/projects/new?task_id={w.task_id}")
    admin.locator("#project-owner").select_option(str(w.dept_id))
    admin.locator("#project-budget").fill("12.5")
    admin.locator("#create-project").click()
    admin.wait_for_url("**/projects/*")

    staff = page_for(w.staff, "/courtyards")
    staff.locator("details.topmenu > summary").click()
    staff.locator("#nav-projects").click()
    staff.wait_for_url("**/projects")
    expect(staff.locator("h1")).to_have_text("民生项目池")
    expect(staff.locator("#project-list .project-card").first).to_be_visible()
    _accessible(staff, report, "/projects (zh)", "pool-zh")
    staff.locator("#filter-status").select_option("proposed")
    staff.locator("#project-filters button[type=submit]").click()
    staff.wait_for_url("**/projects?*")
    expect(staff.locator("#project-list .project-card").first).to_contain_text("已提出")
    _english(staff)
    staff.goto("/projects")
    expect(staff.locator("h1")).to_have_text("Project pool")
    _accessible(staff, report, "/projects (en)", "pool-en")

    admin.goto("/insight?scope=street")
    pool = admin.locator("#pool-figures")
    expect(pool).to_contain_text("难题解决")
    _accessible(admin, report, "/insight (pool figures)", "dashboard-pool-zh")
    pool.locator("a.stat-link").first.click()
    admin.wait_for_url("**/projects")
    assert not report, "\n\n".join(report)


if __name__ == "__main__":
    print(json.dumps(_build()))
