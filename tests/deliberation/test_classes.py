"""The five classes of 判 (issue 12 part 6): each category is in exactly one class; the API lists
them in the caller's language; the street dashboard's figures add up by class."""
from __future__ import annotations

from courtyard.deliberation.models import CATEGORY_CLASS, Category, CategoryClass


def test_every_category_belongs_to_exactly_one_class_and_every_class_has_one():
    assert set(CATEGORY_CLASS) == set(Category)
    assert set(CATEGORY_CLASS.values()) == set(CategoryClass)


def test_the_classes_are_listed_with_their_categories_in_the_callers_language(api):
    zh = api.get("/category-classes").get_json()
    en = api.get("/category-classes", headers={"Accept-Language": "en"}).get_json()
    assert [c["code"] for c in zh] == [k.value for k in CategoryClass] == [c["code"] for c in en]
    assert [c["label"] for c in zh] == ["城市管理", "平安建设", "民生保障", "便民服务", "投诉举报"]
    assert en[0]["label"] == "City management"
    listed = [code for c in zh for code in c["categories"]]
    assert sorted(listed) == sorted(c.value for c in Category)  # each category once
    assert "property_service" in zh[4]["categories"]
