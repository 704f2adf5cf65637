"""The street's figures by the five classes of 判 (issue 12 part 6): the categories' counts added
up per class, all five classes listed, rates recomputed from the sums (not averaged)."""
from __future__ import annotations

from courtyard.deliberation.models import CATEGORY_CLASS, Category, CategoryClass

from .test_stats import story, street_stats  # noqa: F401  (the fixture and the helper of test_stats)


def test_the_five_classes_add_up_their_categories(api, story):  # noqa: F811
    w, _t, _k = story
    s = street_stats(api, w)
    classes = {c["class"]: c for c in s["by_class"]}
    assert list(classes) == [k.value for k in CategoryClass]
    for klass, row in classes.items():
        mine = [c for c in s["by_category"] if CATEGORY_CLASS[Category(c["category"])].value == klass]
        assert row["topics"] == sum(c["topics"] for c in mine)
        assert row["tasks"] == sum(c["tasks"] for c in mine)
        assert row["resolved"] == sum(c["resolved"] for c in mine)
        assert row["resolution_rate"] == (row["resolved"] / row["tasks"] if row["tasks"] else None)
    city = classes["city_management"]  # parking, greening and sanitation in the story
    assert set(city["categories"]) == {"sanitation", "parking", "greening"}
    assert city["label"] == "城市管理"
    assert classes["complaint"]["topics"] == 0 and classes["complaint"]["resolution_rate"] is None
    assert sum(c["topics"] for c in classes.values()) == s["topics"]


def test_the_dashboard_shows_the_five_classes(app, story):  # noqa: F811
    from ..web.browser import Browser
    w, _t, _k = story
    b = Browser(app.test_client()).english()
    b.login(w.admin)
    html = b.text("/insight?scope=street&from=2026-05-01&to=2026-05-31")
    assert "The five classes" in html


def test_foresight_groups_the_window_by_class_month_and_courtyard(api, story):  # noqa: F811
    from courtyard.insight import rules
    w, _t, _k = story
    f = api.as_(w.admin).get("/foresight", query_string={"scope": "street", "from": "2026-05-01",
                                                          "to": "2026-05-31"}).get_json()
    rows = {c["class"]: c for c in f["by_class"]["classes"]}
    assert list(rows) == [k.value for k in CategoryClass] and f["by_class"]["months"] == ["2026-05"]
    cells = f["hot_spots"]["cells"]
    for klass, row in rows.items():
        mine = [c for c in cells if CATEGORY_CLASS[Category(c["category"])].value == klass]
        assert row["total"] == sum(c["total"] for c in mine)
        assert [a["topics"] for a in row["areas"]] == sorted((a["topics"] for a in row["areas"]), reverse=True)
    assert rules.by_class({(7, "parking"): {"2026-05": 2}, (3, "greening"): {"2026-05": 2, "2026-04": 9}},
                          ["2026-05"], {"parking": "c", "greening": "c"}, ["c", "d"]) == [
        {"class": "c", "total": 4, "by_month": [4], "areas": [{"courtyard_id": 3, "topics": 2},
                                                               {"courtyard_id": 7, "topics": 2}]},
        {"class": "d", "total": 0, "by_month": [0], "areas": []}]
