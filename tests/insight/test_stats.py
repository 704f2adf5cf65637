"""GET /stats and services.figures against a street whose every figure was computed by hand.

The story (window: May 2026, Beijing time; now: 15 June 2026):

topics   courtyard author      raised         category    official reply (first)
T1       A  resident a0        05-03 10:00    repairs     property p1, 12:00 (2 h); a neighbour at 11:00 does not count
T2       A  resident a1        05-10 10:00    repairs     secretary 14:00 (4 h); community staff at 16:00 is later
T3       A  resident a2        05-20 10:00    parking     none
T4       A  the secretary      05-21 10:00    parking     (not a resident's topic)
T5       A  resident a0        05-22 10:00    sanitation  withdrawn: not counted as an appeal
T6       A  resident a1        05-25 10:00    repairs     only a hidden reply: none
T7       A  resident a2        04-30 23:30    repairs     before the window (the day before, Beijing time)
T8       A  resident a0        05-31 23:30    repairs     its author only: none (the last day counts)
T9       B  resident b0        05-15 10:00    greening    community staff 11:00 (1 h)
T10      X  resident x0        05-16 10:00    repairs     property p1, 13:00 (3 h)
T11      X  resident x1        2025-05-20     repairs     a year earlier

tasks  topic  org  created      due     status       done         verified     other
K1     T1     p1   05-03 13:00  +72 h   verified     05-05 13:00  05-06 13:00  ratings: satisfied, basically, unsatisfied
K2     T2     p1   05-10 15:00  +24 h   verified     05-11 20:00  05-12 15:00  reopened once; late; rating: satisfied
K3     T3     p1   05-20 11:00  +72 h   in_progress  —            —            overdue now, escalated to level 1
K4     T6     p1   05-25 11:00  +720 h  accepted     —            —            not yet due
K5     T9     p2   05-15 12:00  +72 h   done         05-16 12:00  —            on time; rating: basically satisfied
K6     T10    p1   05-16 14:00  +24 h   reopened     05-17 10:00  —            reopened; overdue now; level 2
K7     T7     p2   05-01 00:30  +72 h   assigned     —            —            overdue now
"""
from __future__ import annotations

from datetime import date

import pytest

from courtyard.insight import services
from courtyard.insight.queries import Scope

from .conftest import add_message, add_task, add_topic, bj, rate

MAY = {"from": "2026-05-01", "to": "2026-05-31"}


@pytest.fixture
def story(world, fixed_now):
    w = world
    a0, a1, a2 = w.residents["a"]
    b0, _b1 = w.residents["b"]
    x0, x1 = w.residents["x"]
    t = {}
    t[1] = add_topic(w.a, a0, "楼道灯坏了", "repairs", bj(2026, 5, 3))
    add_message(t[1], a1, bj(2026, 5, 3, 11))
    add_message(t[1], w.p1_staff, bj(2026, 5, 3, 12), org=w.p1)
    t[2] = add_topic(w.a, a1, "顶楼漏雨", "repairs", bj(2026, 5, 10))
    add_message(t[2], w.secretary_a, bj(2026, 5, 10, 14))
    add_message(t[2], w.staff_c1, bj(2026, 5, 10, 16), staff=True)
    t[3] = add_topic(w.a, a2, "车位被占", "parking", bj(2026, 5, 20))
    t[4] = add_topic(w.a, w.secretary_a, "停车管理", "parking", bj(2026, 5, 21))
    t[5] = add_topic(w.a, a0, "垃圾没清", "sanitation", bj(2026, 5, 22), status="withdrawn")
    add_message(t[5], w.p1_staff, bj(2026, 5, 22, 11), org=w.p1)
    t[6] = add_topic(w.a, a1, "下水道堵了", "repairs", bj(2026, 5, 25))
    add_message(t[6], w.p1_staff, bj(2026, 5, 25, 11), org=w.p1, hidden=True)
    t[7] = add_topic(w.a, a2, "外墙脱落", "repairs", bj(2026, 4, 30, 23, 30))
    t[8] = add_topic(w.a, a0, "门禁坏了", "repairs", bj(2026, 5, 31, 23, 30))
    add_message(t[8], a0, bj(2026, 5, 31, 23, 45), org=w.p1)  # its own author: never a reply
    t[9] = add_topic(w.b, b0, "修剪树枝", "greening", bj(2026, 5, 15))
    add_message(t[9], w.staff_c1, bj(2026, 5, 15, 11), staff=True)
    t[10] = add_topic(w.x, x0, "楼道灯不亮", "repairs", bj(2026, 5, 16))
    add_message(t[10], w.p1_staff, bj(2026, 5, 16, 13), org=w.p1)
    t[11] = add_topic(w.x, x1, "暖气不热", "repairs", bj(2025, 5, 20))

    k = {}
    k[1] = add_task(t[1], w.p1, created_at=bj(2026, 5, 3, 13), due_hours=72, status="verified",
                    done_at=bj(2026, 5, 5, 13), verified_at=bj(2026, 5, 6, 13))
    k[2] = add_task(t[2], w.p1, created_at=bj(2026, 5, 10, 15), due_hours=24, status="verified",
                    done_at=bj(2026, 5, 11, 20), verified_at=bj(2026, 5, 12, 15), reopened=True)
    k[3] = add_task(t[3], w.p1, created_at=bj(2026, 5, 20, 11), due_hours=72, status="in_progress",
                    escalation_level=1)
    k[4] = add_task(t[6], w.p1, created_at=bj(2026, 5, 25, 11), due_hours=720, status="accepted")
    k[5] = add_task(t[9], w.p2, created_at=bj(2026, 5, 15, 12), due_hours=72, status="done",
                    done_at=bj(2026, 5, 16, 12))
    k[6] = add_task(t[10], w.p1, created_at=bj(2026, 5, 16, 14), due_hours=24, status="reopened",
                    done_at=bj(2026, 5, 17, 10), reopened=True, escalation_level=2)
    k[7] = add_task(t[7], w.p2, created_at=bj(2026, 5, 1, 0, 30), due_hours=72, status="assigned")
    rate(k[1], a0, "satisfied")
    rate(k[1], a1, "basically_satisfied")
    rate(k[1], a2, "unsatisfied")
    rate(k[2], a1, "satisfied")
    rate(k[5], b0, "basically_satisfied")
    return w, t, k


def street_stats(api, w, **params):
    r = api.as_(w.admin).get("/stats", query_string={"scope": "street", **MAY, **params})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_street_figures_match_the_hand_count(api, story):
    w, _t, _k = story
    s = street_stats(api, w)
    assert s["window"] == {"from": "2026-05-01", "to": "2026-05-31", "days": 31}
    assert (s["topics"], s["appeals"], s["responded"]) == (9, 7, 4)
    assert s["response_rate"] == 4 / 7  # exactly: the API never rounds (pages do)
    assert s["avg_hours_to_first_response"] == 2.5
    assert (s["tasks"], s["resolved"], s["overdue"], s["escalated"]) == (7, 2, 3, 2)
    assert s["resolution_rate"] == 2 / 7
    assert s["avg_hours_to_resolve"] == 60.0
    assert s["satisfaction_rate"] == 0.8
    assert s["ratings"] == {"satisfied": 2, "basically_satisfied": 2, "unsatisfied": 1, "total": 5}
    assert s["on_time_rate"] == 2 / 6
    assert s["reopen_rate"] == 0.5


def test_each_figure_comes_with_its_counts_and_formula(api, story):
    w, _t, _k = story
    f = street_stats(api, w)["figures"]
    assert {k: (v["numerator"], v["denominator"]) for k, v in f.items()} == {
        "resolution_rate": (2, 7), "satisfaction_rate": (4, 5), "response_rate": (4, 7),
        "avg_hours_to_first_response": (10.0, 4), "avg_hours_to_resolve": (120.0, 2), "on_time_rate": (2, 6),
        "reopen_rate": (2, 4)}
    assert f["resolution_rate"]["value"] == 2 / 7
    assert all(v["formula"] for v in f.values())
    assert all(v["value"] == v["numerator"] / v["denominator"] for v in f.values())


def test_community_and_courtyard_scopes(api, story):
    w, _t, _k = story
    c1 = api.as_(w.staff_c1).get("/stats", query_string={"scope": f"community:{w.c1.id}", **MAY}).get_json()
    assert (c1["topics"], c1["appeals"], c1["responded"], c1["response_rate"]) == (8, 6, 3, 0.5)
    assert c1["avg_hours_to_first_response"] == 7 / 3
    assert (c1["tasks"], c1["resolved"], c1["overdue"], c1["escalated"]) == (6, 2, 2, 1)
    assert c1["resolution_rate"] == 2 / 6
    assert (c1["on_time_rate"], c1["reopen_rate"], c1["satisfaction_rate"]) == (0.4, 1 / 3, 0.8)
    a = api.as_(w.secretary_a).get("/stats", query_string={"scope": f"courtyard:{w.a.id}", **MAY}).get_json()
    assert (a["topics"], a["appeals"], a["responded"], a["response_rate"]) == (7, 5, 2, 0.4)
    assert a["avg_hours_to_first_response"] == 3.0
    assert (a["tasks"], a["resolved"], a["resolution_rate"]) == (5, 2, 0.4)
    assert a["ratings"] == {"satisfied": 2, "basically_satisfied": 1, "unsatisfied": 1, "total": 4}
    assert a["satisfaction_rate"] == 0.75


def test_by_category_and_by_month(api, story):
    w, _t, _k = story
    s = street_stats(api, w)
    cats = {c["category"]: c for c in s["by_category"]}
    assert [c["category"] for c in s["by_category"]] == ["repairs", "parking", "greening", "sanitation"]
    assert (cats["repairs"]["topics"], cats["repairs"]["tasks"], cats["repairs"]["resolved"]) == (5, 5, 2)
    assert cats["repairs"]["resolution_rate"] == 0.4
    assert cats["repairs"]["satisfaction_rate"] == 0.75
    assert (cats["greening"]["tasks"], cats["greening"]["satisfaction_rate"]) == (1, 1.0)
    assert cats["sanitation"]["tasks"] == 0 and cats["sanitation"]["resolution_rate"] is None
    assert cats["repairs"]["label"]
    [may] = s["by_month"]
    assert (may["month"], may["topics"], may["tasks"], may["resolved"]) == ("2026-05", 9, 7, 2)
    assert (may["topics_previous_month"], may["topics_last_year"]) == (1, 1)
    assert may["change_previous_month"] == {"previous": 1, "delta": 8, "ratio": 8.0}


def test_months_and_changes_over_two_months(api, story):
    w, _t, _k = story
    s = street_stats(api, w, **{"from": "2026-04-01"})
    april, may = s["by_month"]
    assert (april["month"], april["topics"], april["tasks"]) == ("2026-04", 1, 0)
    assert april["topics_previous_month"] == 0 and april["change_previous_month"]["ratio"] is None
    assert may["change_previous_month"]["delta"] == 8
    assert april["resolution_rate"] is None and april["satisfaction_rate"] is None


def test_volume_against_the_period_before_and_a_year_earlier(api, story):
    w, _t, _k = story
    v = street_stats(api, w)["volume"]
    assert v["topics"]["current"] == 9
    assert v["topics"]["previous_period"]["previous"] == 1            # T7, 30 April
    assert v["topics"]["previous_period"]["from"] == "2026-03-31"
    assert v["topics"]["last_year"] == {"previous": 1, "delta": 8, "ratio": 8.0,
                                        "from": "2025-05-01", "to": "2025-05-31", "days": 31}
    assert v["tasks"]["previous_period"]["previous"] == 0 and v["tasks"]["previous_period"]["ratio"] is None


def test_property_ranking_in_the_stats(api, story):
    w, _t, _k = story
    ranking = street_stats(api, w)["property_ranking"]
    assert [(r["rank"], r["name"]) for r in ranking] == [(1, "芳华物业"), (2, "方庄物业")]
    p2, p1 = ranking
    assert (p1["tasks"], p1["on_time"], p1["on_time_rate"]) == (5, {"numerator": 1, "denominator": 4}, 0.25)
    assert (p1["satisfaction"], p1["satisfaction_rate"]) == ({"numerator": 3, "denominator": 4}, 0.75)
    assert (p1["reopen"], p1["reopen_rate"]) == ({"numerator": 2, "denominator": 3}, 2 / 3)
    assert (p1["avg_hours_to_resolve"], p1["resolve"]) == (60.0, {"hours": 120.0, "tasks": 2})
    assert (p2["tasks"], p2["on_time_rate"], p2["satisfaction_rate"], p2["reopen_rate"]) == (2, 0.5, 1.0, 0.0)
    assert p2["avg_hours_to_resolve"] is None


def test_an_empty_window_gives_nulls_not_zeros(api, story):
    w, _t, _k = story
    s = api.as_(w.admin).get("/stats", query_string={"scope": "street", "from": "2020-01-01",
                                                    "to": "2020-01-31"}).get_json()
    assert (s["topics"], s["tasks"], s["resolved"], s["overdue"]) == (0, 0, 0, 0)
    for key in ("resolution_rate", "satisfaction_rate", "response_rate", "avg_hours_to_resolve",
                "avg_hours_to_first_response", "on_time_rate", "reopen_rate"):
        assert s[key] is None, key
        assert s["figures"][key]["value"] is None and s["figures"][key]["denominator"] == 0
    assert s["by_category"] == [] and s["property_ranking"] == []
    assert [m["month"] for m in s["by_month"]] == ["2020-01"]
    assert s["by_month"][0]["resolution_rate"] is None


def test_an_empty_street(api, make, fixed_now):
    admin = make.street_admin()
    s = api.as_(admin).get("/stats?scope=street").get_json()
    assert s["topics"] == 0 and s["resolution_rate"] is None
    assert len(s["by_month"]) == 12 and s["window"]["to"] == "2026-06-15"


def test_figures_service_agrees_with_the_api(app, story):
    w, _t, _k = story
    from courtyard.insight import rules
    data = services.figures(Scope("street", None, "", None), rules.Window(date(2026, 5, 1), date(2026, 5, 31)))
    assert (data["topics"], data["tasks"], data["resolved"]) == (9, 7, 2)


@pytest.mark.parametrize("params, fields", [
    ({"scope": "town"}, {"scope"}),
    ({"scope": "community:abc"}, {"scope"}),
    ({"scope": "courtyard:0"}, {"scope"}),
    ({}, {"scope"}),
    ({"scope": "street", "from": "2026-13-01"}, {"from"}),
    ({"scope": "street", "from": "yesterday", "to": "2026-02-30"}, {"from", "to"}),
    ({"scope": "street", "from": "2026-05-02", "to": "2026-05-01"}, {"from"}),
    ({"scope": "street", "from": "2019-01-01", "to": "2026-01-01"}, {"from"}),
    ({"scope": "street", "from": "1899-01-01"}, {"from"}),
])
def test_bad_scope_or_dates_are_422_with_fields(api, world, params, fields):
    r = api.as_(world.admin).get("/stats", query_string=params)
    assert r.status_code == 422
    body = r.get_json()["error"]
    assert body["code"] == "invalid" and set(body["fields"]) == fields


def test_unknown_places_are_not_found(api, world):
    for scope in ("community:999", "courtyard:999", "courtyard:99999999999999999"):
        r = api.as_(world.admin).get("/stats", query_string={"scope": scope})
        assert r.status_code == 404, scope
        assert r.get_json()["error"]["code"] == "not_found"


def test_unauthenticated_is_401(api, world):
    r = api.get("/stats?scope=street")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthenticated"


def test_tasks_and_topics_outside_the_scope_do_not_leak_in(api, story):
    w, t, _k = story
    x = api.as_(w.staff_c2).get("/stats", query_string={"scope": f"community:{w.c2.id}", **MAY}).get_json()
    assert (x["topics"], x["tasks"], x["overdue"]) == (1, 1, 1)
    assert [r["name"] for r in x["property_ranking"]] == ["方庄物业"]


def test_the_day_boundary_is_beijing_midnight(api, story):
    w, _t, _k = story
    last_day = street_stats(api, w, **{"from": "2026-05-31", "to": "2026-05-31"})
    assert last_day["topics"] == 1            # T8 at 23:30 Beijing time (15:30 UTC)
    first_day = street_stats(api, w, **{"from": "2026-05-01", "to": "2026-05-01"})
    assert (first_day["topics"], first_day["tasks"]) == (0, 1)   # K7 at 00:30; T7 the evening before


def test_two_thirds_is_two_thirds_in_the_api_and_rounded_on_the_page(app, api, world, fixed_now):
    """CONTRACT §4: a rate is its numerator / denominator, exactly, as a JSON number; null for an
    empty divisor. Only pages round (66.7%)."""
    from tests.web.browser import Browser
    w = world
    a0, a1, a2 = w.residents["a"]
    tasks = [add_task(add_topic(w.a, a0, f"楼道灯坏了{i}", "repairs", bj(2026, 5, 3 + i)), w.p1,
                      created_at=bj(2026, 5, 3 + i, 13), status=status, done_at=bj(2026, 5, 4 + i) if done else None,
                      verified_at=bj(2026, 5, 5 + i) if done else None)
             for i, (status, done) in enumerate([("verified", True), ("verified", True), ("in_progress", False)])]
    for person, score in ((a0, "satisfied"), (a1, "basically_satisfied"), (a2, "unsatisfied")):
        rate(tasks[0], person, score)
    r = api.as_(w.secretary_a).get("/stats", query_string={"scope": f"courtyard:{w.a.id}", **MAY})
    s = r.get_json()
    assert (s["resolved"], s["tasks"], s["resolution_rate"]) == (2, 3, 2 / 3)
    assert s["satisfaction_rate"] == 2 / 3 and s["figures"]["satisfaction_rate"]["value"] == 2 / 3
    assert '"resolution_rate":0.6666666666666666' in r.get_data(as_text=True).replace(" ", "")
    assert s["reopen_rate"] == 0.0 and s["avg_hours_to_first_response"] is None  # no reply: nothing to divide by
    b = Browser(app.test_client()).english()
    b.login(w.secretary_a)
    page = b.text(f"/insight?scope=courtyard:{w.a.id}&from=2026-05-01&to=2026-05-31")
    assert "66.7%" in page and "0.6666" not in page
