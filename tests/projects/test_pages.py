"""The pool's pages in English and Chinese: from the escalated task to a project, the project page
and its forms, the badge on the topic, the courtyard home, the menu and the street dashboard."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.extensions import db
from courtyard.projects import services
from courtyard.projects.models import Project





def test_the_street_takes_an_escalated_task_into_the_pool(w, open_as):
    b = open_as(w.admin)
    task_page = b.text(f"/tasks/{w.task.id}")
    assert f'href="/projects/new?task_id={w.task.id}"' in task_page and "Take into the project pool" in task_page
    form = b.text(f"/projects/new?task_id={w.task.id}")
    assert w.topic.title in form and w.dept.name in form and 'name="task_id"' in form
    bad = b.post("/projects/new", {"title": "", "owner_org_id": str(w.dept.id), "budget_amount": "48",
                                   "budget_source": "street_fund", "task_id": str(w.task.id)})
    assert bad.status_code == 422 and "This field is required." in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0
    r = b.post("/projects/new", {"title": "老旧小区电动车集中充电棚改造", "summary": "建集中充电棚",
                                 "owner_org_id": str(w.dept.id), "budget_amount": "48", "budget_source": "street_fund",
                                 "budget_note": "", "task_id": str(w.task.id),
                                 "milestones": "居民议事确定选址\n施工进场\n\n竣工验收"})
    assert r.status_code == 302
    project = db.session.scalar(sa.select(Project))
    assert str(project.budget_amount) == "480000.00" and len(project.milestones) == 3
    page = b.text(f"/projects/{project.id}")
    assert "老旧小区电动车集中充电棚改造" in page and "¥480,000" in page and w.topic.title in page
    assert 'id="move-approved"' in page and 'id="progress-form"' in page
    assert "Take into the project pool" not in b.text(f"/tasks/{w.task.id}")


def test_a_resident_follows_the_project_from_the_topic_and_the_courtyard(w, open_as):
    project = w.project()
    services.set_status(w.admin, project, status="approved")
    services.set_status(w.dept_staff, project, status="in_progress")
    services.reach_milestone(w.dept_staff, project, project.milestones[0].id)
    services.reach_milestone(w.dept_staff, project, project.milestones[1].id)
    zh = open_as(w.resident, zh=True)
    topic = zh.text(f"/topics/{w.topic.id}")
    assert "民生项目：" in topic and "老旧小区电动车集中充电棚改造" in topic and "进行中" in topic
    assert "里程碑 2/4" in topic and "牵头：方庄街道城市管理办公室" in topic
    home = zh.text(f"/courtyards/{w.east.id}")
    assert f'href="/projects/{project.id}"' in home
    page = zh.text(f"/projects/{project.id}")
    assert "施工进场" in page and "街道民生资金" in page and 'id="progress-form"' not in page
    assert 'id="move-completed"' not in page and 'id="nav-projects"' not in page
    open_as(w.outsider).text(f"/projects/{project.id}", status=404)
    assert "民生项目：" not in open_as(w.west_resident, zh=True).text(f"/topics/{w.west_topic.id}")


def test_the_department_posts_progress_and_ticks_milestones_from_the_page(w, open_as):
    project = w.project()
    services.set_status(w.admin, project, status="approved")
    b = open_as(w.dept_staff)
    page = b.text(f"/projects/{project.id}")
    assert 'id="move-in_progress"' in page and 'id="move-cancelled"' not in page
    assert b.post(f"/projects/{project.id}/status", {"status": "in_progress", "note": ""}).status_code == 302
    assert b.post(f"/projects/{project.id}/updates", {"text": "钢结构进场"}).status_code == 302
    m = project.milestones[0]
    assert b.post(f"/projects/{project.id}/milestones/{m.id}", {"note": "议事会通过"}).status_code == 302
    assert b.post(f"/projects/{project.id}/milestones", {"title": "设备调试", "due_on": "2027-03-01"}).status_code == 302
    live = b.text(f"/projects/{project.id}/live")
    assert "钢结构进场" in live and "设备调试" in live and "Planned for 2027-03-01" in live
    r = b.post(f"/projects/{project.id}/updates", {"text": ""}, follow_redirects=True)
    assert "This field is required." in r.get_data(as_text=True)


def test_the_pool_lists_and_filters_for_staff(w, open_as):
    a = w.project()
    b_ = w.project(title="芳城园加装电梯", task_id=None, topic_id=w.west_topic.id, owner_org_id=w.other_dept.id,
                   budget_source="district_finance")
    staff = open_as(w.staff)
    assert 'id="nav-projects"' in staff.text("/courtyards")
    pool = staff.text("/projects")
    assert a.title in pool and b_.title in pool and "hard problems solved" in pool
    only = staff.text(f"/projects?org_id={w.other_dept.id}")
    assert b_.title in only and a.title not in only
    assert "Not one of the allowed values." in staff.text("/projects?status=nope")
    assert open_as(w.resident).text("/projects").count('class="card project-card') == 1
    admin = open_as(w.admin)
    assert 'id="new-project"' in admin.text("/projects")
    edit = admin.text(f"/projects/{a.id}/edit")
    assert 'value="48"' in edit
    r = admin.post(f"/projects/{a.id}/edit", {"title": "电动车充电棚改造", "summary": "", "owner_org_id": str(w.dept.id),
                                             "budget_amount": "50", "budget_source": "street_fund", "budget_note": ""})
    assert r.status_code == 302 and services.get_project(w.admin, a.id).title == "电动车充电棚改造"
    open_as(w.staff).text(f"/projects/{a.id}/edit", status=403)
    dash = admin.text("/insight?scope=street")
    assert 'id="pool-figures"' in dash and 'href="/projects?status=completed"' in dash


def test_the_audit_log_reads_the_pool_acts_in_words(w, open_as):
    project = w.project()
    services.set_status(w.admin, project, status="approved", note="批复")
    services.edit_project(w.admin, project, budget_amount="500000")
    link = services.add_link(w.staff, project, topic_id=w.west_topic.id)
    services.confirm_link(w.admin, project, link.id)
    page = open_as(w.admin).text("/audit")
    assert "Project taken into the pool" in page and "Project status changed" in page
    assert "Link to a project proposed" in page and "Project details changed" in page
    zh = open_as(w.admin, zh=True).text("/audit")
    assert "项目纳入民生项目池" in zh and "状态：已提出 → 已立项" in zh


def test_the_escalations_inbox_offers_the_pool_for_a_task_whistled_up_to_the_street(w, open_as):
    admin = open_as(w.admin)
    inbox = admin.text("/escalations?scope=all")
    assert inbox.count(f'href="/projects/new?task_id={w.task.id}"') == 1  # on the level-2 card only
    assert "/projects/new" not in open_as(w.staff).text("/escalations?scope=all")
    project = w.project()
    r = admin.get(f"/projects/new?task_id={w.task.id}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/projects/{project.id}")
