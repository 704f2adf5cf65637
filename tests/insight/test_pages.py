"""The Insight pages render for the people who may see them, show the figures with their counts,
and the navigation offers them by permission."""
from __future__ import annotations

import re

import pytest

from tests.web.browser import Browser

from .conftest import add_message, add_task, add_topic, bj, rate


def browse(app, user) -> Browser:
    b = Browser(app.test_client()).english()
    b.login(user)
    return b


@pytest.fixture
def filled(world, fixed_now):
    w = world
    a0, a1, _a2 = w.residents["a"]
    t1 = add_topic(w.a, a0, "楼道灯坏了", "repairs", bj(2026, 5, 3))
    add_message(t1, w.p1_staff, bj(2026, 5, 3, 12), org=w.p1)
    k1 = add_task(t1, w.p1, created_at=bj(2026, 5, 3, 13), status="verified", done_at=bj(2026, 5, 4),
                  verified_at=bj(2026, 5, 5))
    rate(k1, a1, "satisfied")
    t2 = add_topic(w.a, a1, "楼道里的灯不亮了", "repairs", bj(2026, 5, 20))
    add_task(t2, w.p1, created_at=bj(2026, 5, 20, 11), status="in_progress")
    add_topic(w.a, a0, "楼道灯不亮", "repairs", bj(2026, 6, 1))
    return w


def test_dashboard_shows_figures_with_formula_and_counts(app, filled):
    w = filled
    page = browse(app, w.staff_c1).text(f"/insight?scope=community:{w.c1.id}&from=2026-05-01&to=2026-05-31")
    assert "Resolution rate" in page and "50.0%" in page          # 1 of 2 tasks verified
    assert "verified tasks / tasks created in the window" in page
    assert "= 1 / 2" in page
    assert "<svg" in page and 'class="chart-bar"' in page
    assert "2026-05" in page and "方庄物业" in page
    assert "/api/v1/exports?" in page and "Foresight" in page


def test_dashboard_defaults_to_the_widest_scope(app, filled):
    w = filled
    page = browse(app, w.admin).text("/insight")
    assert "The whole street" in page
    page = browse(app, w.staff_c1).text("/insight")
    assert w.c1.name in page


def test_dashboard_bad_dates_show_the_problem_and_the_default_window(app, filled):
    page = browse(app, filled.admin).text("/insight?scope=street&from=2026-13-40")
    assert "Must be a date written YYYY-MM-DD." in page
    assert 'aria-invalid="true"' in page


def test_a_secretary_sees_the_courtyard_dashboard_but_no_exports(app, filled):
    w = filled
    b = browse(app, w.secretary_a)
    page = b.text(f"/insight?scope=courtyard:{w.a.id}")
    assert "Dashboard" in page and "/api/v1/exports" not in page
    assert b.get("/insight").status_code == 403
    assert b.get(f"/insight?scope=community:{w.c1.id}").status_code == 403


def test_residents_get_no_dashboard(app, filled):
    b = browse(app, filled.residents["a"][0])
    assert b.get("/insight").status_code == 403
    assert b.get("/insight/foresight").status_code == 403


def test_foresight_page_lists_recurring_problems_with_the_action(app, filled):
    w = filled
    page = browse(app, w.staff_c1).text(f"/insight/foresight?scope=community:{w.c1.id}&from=2026-05-01&to=2026-06-15")
    assert "Recurring problems" in page and "Hot spots" in page and "Seasonal patterns" in page
    assert "Raise a topic and dispatch a task" in page
    assert re.search(r'name="topic_ids" value="\d+,\d+,\d+"', page)


def test_foresight_acts_in_one_step(app, filled):
    w = filled
    b = browse(app, w.staff_c1)
    page = b.text(f"/insight/foresight?scope=community:{w.c1.id}&from=2026-05-01&to=2026-06-15")
    ids = re.search(r'name="topic_ids" value="([\d,]+)"', page).group(1)
    r = b.post("/insight/foresight/act", {"topic_ids": ids, "make_task": "1", "title": "楼道灯统一检修"})
    assert r.status_code == 302 and "/topics/" in r.headers["Location"]
    topic_page = b.text(r.headers["Location"])
    assert "楼道灯统一检修" in topic_page
    page = b.text(f"/insight/foresight?scope=community:{w.c1.id}&from=2026-05-01&to=2026-06-15")
    assert "Already taken up" in page


def test_ranking_board_and_exposure_pages_for_residents(app, filled):
    w = filled
    b = browse(app, w.residents["a"][0])
    page = b.text(f"/communities/{w.c1.id}/ranking?from=2026-05-01&to=2026-05-31")
    assert "Property service ranking" in page and "方庄物业" in page and "1 of 2" in page
    page = b.text(f"/communities/{w.c1.id}/board")
    assert "楼道灯坏了" in page and "Satisfaction 100.0%" in page
    page = b.text(f"/communities/{w.c1.id}/exposure")
    assert "楼道里的灯不亮了" in page and "No reply from the organization yet." in page
    assert b.get(f"/communities/{w.c2.id}/board").status_code == 404


def test_boards_index_goes_straight_to_the_only_community(app, filled):
    b = browse(app, filled.residents["a"][0])
    r = b.get("/boards")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/communities/{filled.c1.id}/board")


def test_navigation_offers_links_by_permission(app, filled):
    w = filled
    staff_page = browse(app, w.staff_c1).text("/courtyards")
    assert 'href="/insight"' in staff_page and 'href="/boards"' in staff_page
    resident_page = browse(app, w.residents["a"][0]).text("/courtyards")
    assert 'href="/insight"' not in resident_page and 'href="/boards"' in resident_page
    org_page = browse(app, w.p1_staff).text("/notifications")  # /courtyards: to the queue
    assert 'href="/insight"' not in org_page and 'href="/boards"' not in org_page


def test_the_courtyard_home_links_its_dashboard_for_those_who_may_read_it(app, filled):
    w = filled
    link = f'href="/insight?scope=courtyard:{w.a.id}"'
    assert link in browse(app, w.secretary_a).text(f"/courtyards/{w.a.id}")
    assert link in browse(app, w.staff_c1).text(f"/courtyards/{w.a.id}")
    assert link not in browse(app, w.lead_a).text(f"/courtyards/{w.a.id}")
