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
