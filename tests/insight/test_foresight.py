"""未诉先办 on data built to contain known answers: recurring problems, hot spots, seasons,
and turning a recurring problem into a proactive topic and task in one step."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from courtyard.deliberation.models import Topic
from courtyard.extensions import db
from courtyard.insight import recurring
from courtyard.insight.models import ProactiveAction
from courtyard.tasks.models import Task

from .conftest import add_topic, bj

T0 = datetime(2026, 3, 1, 8, tzinfo=timezone.utc)


def item(i, title, day, courtyard=1, category="repairs"):
    return recurring.Item(i, courtyard, category, T0 + timedelta(days=day), title)


# Three ways of saying "the stairwell light is broken", two of "the roof leaks", and noise.
LIGHTS = ["楼道灯坏了", "楼道里的灯不亮了", "3单元楼道灯又坏了，晚上看不见", "楼道灯不亮请物业来修"]
LEAKS = ["顶楼漏雨", "屋顶渗水严重", "下雨天顶层漏水"]


@pytest.mark.parametrize("a, b", [
    ("楼道灯坏了", "楼道里的灯不亮了"), ("顶楼漏雨", "屋顶渗水严重"), ("暖气不热", "家里暖气不热太冷了"),
    ("下水道堵了", "厨房下水堵塞"), ("3单元楼道灯又坏了，晚上看不见", "楼道灯坏了"),
])
def test_differently_worded_titles_that_mean_the_same_are_similar(a, b):
    assert recurring.similarity(a, b) >= recurring.DEFAULT_THRESHOLD


@pytest.mark.parametrize("a, b", [
    ("楼道灯坏了", "电梯坏了"), ("楼道灯坏了", "楼道堆放杂物"), ("顶楼漏雨", "楼道灯坏了"),
    ("电动车乱停占消防通道", "楼下车位被占"), ("暖气不热", "垃圾桶满了"),
])
def test_different_problems_are_not(a, b):
    assert recurring.similarity(a, b) < recurring.DEFAULT_THRESHOLD


def test_words_are_canonical_and_without_stop_words():
    assert recurring.words("楼道里的灯不亮了") == recurring.words("楼道灯坏了") == frozenset({"楼道", "灯", "坏"})
    assert recurring.words("") == frozenset() and recurring.similarity("", "") == 0.0


def test_detector_finds_the_known_groups():
    items = ([item(i, t, day) for i, (t, day) in enumerate(zip(LIGHTS, [0, 5, 9, 20]), start=1)]
             + [item(10 + i, t, day) for i, (t, day) in enumerate(zip(LEAKS, [2, 40, 80]))]
             + [item(20, "电梯坏了", 3), item(21, "楼道堆放杂物", 4)]
             + [item(30, "楼道灯坏了", 1, courtyard=2), item(31, "楼道灯坏了", 2, category="safety")])
    found = recurring.detect(items, k=3, days=30, threshold=0.5)
    assert len(found) == 1
    [lights] = found
    assert lights["ids"] == [1, 2, 3, 4] and lights["count"] == 4 and lights["peak"] == 4
    assert (lights["courtyard_id"], lights["category"]) == (1, "repairs")
    assert lights["title"] in LIGHTS and set(lights["keywords"]) >= {"楼道", "灯", "坏"}
    # The leaks come three times, but never three within 30 days; within 90 they do.
    wide = recurring.detect(items, k=3, days=90, threshold=0.5)
    assert [g["ids"] for g in wide] == [[1, 2, 3, 4], [10, 11, 12]]


def test_k_and_days_are_the_bounds_they_say():
    items = [item(1, "楼道灯坏了", 0), item(2, "楼道灯坏了", 10), item(3, "楼道灯坏了", 19.9)]
    assert recurring.detect(items, k=3, days=20)[0]["peak"] == 3
    assert recurring.detect(items, k=3, days=19) == []
    assert recurring.detect(items, k=4, days=60) == []
    assert recurring.detect(items, k=2, days=11)[0]["peak_ids"] == [1, 2]


def test_threshold_zero_counts_the_category_alone():
    items = [item(1, "楼道灯坏了", 0), item(2, "电梯坏了", 1), item(3, "外墙脱落", 2)]
    assert recurring.detect(items, k=3, days=30, threshold=0.5) == []
    [group] = recurring.detect(items, k=3, days=30, threshold=0)
    assert group["ids"] == [1, 2, 3]


def test_densest_takes_the_earliest_largest_run():
    items = [item(i, "x", d) for i, d in enumerate([0, 1, 2, 50, 51, 52], start=1)]
    assert [i.id for i in recurring.densest(items, 5)] == [1, 2, 3]


@pytest.mark.parametrize("k, days, threshold, bad", [
    ("1", None, None, {"k"}), ("x", None, None, {"k"}), (None, "0", None, {"days"}), (None, "400", None, {"days"}),
    (None, None, "1.5", {"threshold"}), (None, None, "nan", {"threshold"}), ("3", "30", "0.5", set()),
])
def test_parameters_are_checked(k, days, threshold, bad):
    values, problems = recurring.check_parameters(k, days, threshold)
    assert set(problems) == bad and (values is None) == bool(bad)


# --- through the API, on the database ---------------------------------------------------------

@pytest.fixture
def spring(world, fixed_now):
    """Courtyard A: the stairwell light four times in May (four wordings), a leak twice; B: parking."""
    w = world
    a0, a1, a2 = w.residents["a"]
    ids = {}
    for n, (title, day, who) in enumerate(zip(LIGHTS, [2, 6, 12, 20], [a0, a1, a2, a0])):
        ids[f"light{n}"] = add_topic(w.a, who, title, "repairs", bj(2026, 5, day)).id
    ids["leak0"] = add_topic(w.a, a1, "顶楼漏雨", "repairs", bj(2026, 5, 8)).id
    ids["leak1"] = add_topic(w.a, a2, "屋顶渗水严重", "repairs", bj(2026, 5, 28)).id
    b0 = w.residents["b"][0]
    for day in (3, 10, 17, 24):
        ids[f"park{day}"] = add_topic(w.b, b0, "车位被占", "parking", bj(2026, 5, day)).id
    ids["park_april"] = add_topic(w.b, b0, "车位被占", "parking", bj(2026, 4, 10)).id
    return w, ids


def foresight(api, user, scope, **params):
    r = api.as_(user).get("/foresight", query_string={"scope": scope, "from": "2026-05-01", "to": "2026-05-31",
                                                      **params})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_recurring_problems_through_the_api(api, spring):
    w, ids = spring
    data = foresight(api, w.staff_c1, f"community:{w.c1.id}")
    problems = data["recurring"]["problems"]
    # Equal peaks and counts: the one seen most recently first (parking, 24 May).
    assert [(p["courtyard_id"], p["category"], p["count"]) for p in problems] == [
        (w.b.id, "parking", 4), (w.a.id, "repairs", 4)]
    assert problems[1]["ids"] == [ids[f"light{n}"] for n in range(4)]
    assert problems[1]["acted_topic_id"] is None and problems[1]["courtyard"].endswith("1号楼")
    assert data["recurring"]["k"] == 3 and data["recurring"]["days"] == 30
    tight = foresight(api, w.staff_c1, f"community:{w.c1.id}", k=5)
    assert tight["recurring"]["problems"] == []


def test_hot_spots_through_the_api(api, spring):
    w, _ids = spring
    cells = foresight(api, w.staff_c1, f"community:{w.c1.id}")["hot_spots"]["cells"]
    assert [(c["courtyard_id"], c["category"], c["total"]) for c in cells] == [
        (w.a.id, "repairs", 6), (w.b.id, "parking", 4)]
    assert cells[0]["by_month"] == [6] and cells[0]["rising"] and cells[0]["change"]["previous"] == 0
    assert cells[1]["change"] == {"previous": 1, "delta": 3, "ratio": 3.0} and cells[1]["rising"]


def test_seasonal_patterns_heating_in_winter_leaks_in_summer(api, world, fixed_now):
    w = world
    x0 = w.residents["x"][0]
    for y, m, d in [(2024, 12, 3), (2025, 1, 5), (2025, 1, 20), (2025, 2, 2), (2025, 11, 20), (2025, 12, 1),
                    (2025, 12, 15), (2026, 1, 8)]:
        add_topic(w.x, x0, "暖气不热", "property_service", bj(y, m, d))
    for y, m, d in [(2025, 7, 3), (2025, 7, 20), (2025, 8, 2), (2024, 7, 15)]:
        add_topic(w.x, x0, "顶楼漏雨", "repairs", bj(y, m, d))
    add_topic(w.x, x0, "楼道灯坏了", "repairs", bj(2025, 3, 3))
    r = api.as_(w.admin).get("/foresight", query_string={"scope": "street", "from": "2024-06-16",
                                                        "to": "2026-06-15"})
    seasonal = r.get_json()["seasonal"]
    themes = {t["theme"]: t for t in seasonal["themes"]}
    assert themes["heating"]["total"] == 8 and themes["heating"]["peak_months"] == [1, 12]
    assert themes["heating"]["by_month"][10] == 1 and themes["heating"]["by_month"][6] == 0
    assert themes["rain_leak"]["peak_months"] == [7] and themes["rain_leak"]["total"] == 4  # the lamp: no theme
    cats = {c["category"]: c for c in seasonal["categories"]}
    assert cats["repairs"]["total"] == 5 and cats["property_service"]["total"] == 8


def test_foresight_is_for_staff(api, spring):
    w, _ids = spring
    assert api.as_(w.secretary_a).get(f"/foresight?scope=courtyard:{w.a.id}").status_code == 403
    assert api.as_(w.staff_c1).get(f"/foresight?scope=community:{w.c2.id}").status_code == 403
    assert api.as_(w.staff_c1).get("/foresight?scope=street").status_code == 403
    r = api.as_(w.staff_c1).get(f"/foresight?scope=community:{w.c1.id}&k=1&threshold=2")
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"k", "threshold"}


def test_one_action_raises_a_topic_and_dispatches_a_task(api, spring):
    w, ids = spring
    source = [ids[f"light{n}"] for n in range(4)]
    r = api.as_(w.staff_c1).post("/recurring-problems/actions", {"topic_ids": source, "make_task": True})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["source_topic_ids"] == source
    topic, task = body["topic"], body["task"]
    assert topic["courtyard_id"] == w.a.id and topic["category"] == "repairs"
    assert any(topic["title"].endswith(light) for light in LIGHTS)
    assert all(f"#{i}" in topic["body"] for i in source)
    assert task["topic_id"] == topic["id"] and task["assignee_org"]["id"] == w.p1.id
    action = db.session.scalar(sa.select(ProactiveAction))
    assert (action.topic_id, action.task_id, action.created_by_id) == (topic["id"], task["id"], w.staff_c1.id)
    # The detector now marks the problem as taken up, and leaves the staff's own topic out.
    problems = foresight(api, w.staff_c1, f"community:{w.c1.id}", **{"to": "2026-06-15"})["recurring"]["problems"]
    lights = next(p for p in problems if p["category"] == "repairs")
    assert lights["acted_topic_id"] == topic["id"] and topic["id"] not in lights["ids"]


def test_one_action_without_a_task(api, spring):
    w, ids = spring
    r = api.as_(w.admin).post("/recurring-problems/actions", {"topic_ids": [ids["park3"], ids["park10"]],
                                                              "title": "停车秩序整治"})
    assert r.status_code == 201 and r.get_json()["task"] is None
    assert r.get_json()["topic"]["title"] == "停车秩序整治"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0


def test_the_action_checks_its_topics_and_its_actor(api, spring):
    w, ids = spring
    post = lambda user, body: api.as_(user).post("/recurring-problems/actions", body)  # noqa: E731
    mixed = {"topic_ids": [ids["light0"], ids["park3"]]}
    assert post(w.staff_c1, mixed).status_code == 422
    assert post(w.staff_c1, {"topic_ids": []}).status_code == 422
    assert post(w.staff_c1, {"topic_ids": "x"}).status_code == 422
    assert post(w.staff_c1, {"topic_ids": [ids["light0"], 999999]}).status_code == 404
    assert post(w.staff_c2, {"topic_ids": [ids["light0"]]}).status_code == 404
    assert post(w.secretary_a, {"topic_ids": [ids["light0"], ids["light1"]]}).status_code == 403
    assert post(w.residents["a"][0], {"topic_ids": [ids["light0"]]}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProactiveAction)) == 0
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Topic))
    assert before == 11


def test_titles_come_back_as_written_and_themes_ignore_ascii_case(api, world, fixed_now):
    """The window's topics reach Python as JSON text: quotes, backslashes, newlines, tabs and emoji
    survive it; a theme's words match the lowercased title; 未诉先办's own topic counts in the hot
    spots and the seasons but not among the recurring problems."""
    w = world
    x0 = w.residents["x"][0]
    odd = '顶楼"漏水"\\又来了\n第二次\t😀'
    ids = [add_topic(w.x, x0, odd, "repairs", bj(2026, 5, day)).id for day in (3, 9, 15)]
    add_topic(w.x, x0, "ROOF LEAK", "greening", bj(2026, 5, 20))
    made = add_topic(w.x, x0, odd, "repairs", bj(2026, 5, 21))
    db.session.add(ProactiveAction(courtyard_id=w.x.id, category=made.category, topic_id=made.id,
                                   source_topic_ids=ids, created_by_id=w.admin.id, created_at=bj(2026, 5, 21)))
    db.session.commit()
    data = foresight(api, w.admin, "street")
    [problem] = [p for p in data["recurring"]["problems"] if p["courtyard_id"] == w.x.id]
    assert problem["title"] == odd and problem["ids"] == ids and problem["acted_topic_id"] == made.id
    [cell] = [c for c in data["hot_spots"]["cells"] if (c["courtyard_id"], c["category"]) == (w.x.id, "repairs")]
    assert cell["total"] == 4
    themes = {t["theme"]: t for t in data["seasonal"]["themes"]}
    assert themes["rain_leak"]["by_month"][4] == 5 and themes["heating"]["total"] == 0
