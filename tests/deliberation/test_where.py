"""Where a topic is (issue 12, part 7): a place in or around the building, a note and an
optional map point — through the service, the API and the form; bad values change nothing."""
from __future__ import annotations

import pytest

from courtyard import events
from courtyard.deliberation import services
from courtyard.deliberation.models import Place, Topic
from courtyard.errors import Invalid
from courtyard.extensions import db

from ..api.conftest import assert_error
from ..web.browser import Browser


@pytest.fixture
def cy(make):
    return make.courtyard()


def test_a_topic_says_where_it_is_and_everyone_reading_it_sees_that(make, cy):
    author = make.resident(cy)
    with events.capture() as sent:
        t = services.create_topic(author, cy, title="车棚顶漏雨", body="下雨就漏", category="facilities",
                                  place="bike_shed", place_note=" 三单元北侧 ", latitude="39.86512",
                                  longitude=116.43021)
    assert (t.place, t.place_note, t.latitude, t.longitude) == (Place.bike_shed, "三单元北侧", 39.86512, 116.43021)
    payload = sent[0][2]
    assert payload["place"] == {"code": "bike_shed", "label": "自行车和电动车棚", "note": "三单元北侧"}
    assert payload["location"] == {"lat": 39.86512, "lng": 116.43021}


def test_where_is_optional_and_a_note_may_stand_alone(make, cy):
    author = make.resident(cy)
    plain = services.create_topic(author, cy, title="楼道灯坏", body="b", category="facilities", place="",
                                  latitude="", longitude="")
    noted = services.create_topic(author, cy, title="楼道堆物", body="b", category="safety", place_note="5层")
    from courtyard.deliberation.payloads import location_json, place_json
    assert (place_json(plain), location_json(plain)) == (None, None)
    assert place_json(noted) == {"code": None, "label": None, "note": "5层"}


@pytest.mark.parametrize("where, field", [
    ({"place": "attic"}, "place"),
    ({"place_note": "长" * 101}, "place_note"),
    ({"latitude": 39.9}, "longitude"),
    ({"longitude": 116.4}, "latitude"),
    ({"latitude": 91, "longitude": 116.4}, "latitude"),
    ({"latitude": 39.9, "longitude": -181}, "longitude"),
    ({"latitude": "北纬", "longitude": 116.4}, "latitude"),
    ({"latitude": "nan", "longitude": 116.4}, "latitude"),
    ({"latitude": True, "longitude": 116.4}, "latitude"),
    ({"latitude": "1e400", "longitude": 116.4}, "latitude"),
])
def test_a_bad_where_is_refused_by_name_and_nothing_is_stored(make, cy, where, field):
    with pytest.raises(Invalid) as err:
        services.create_topic(make.resident(cy), cy, title="t", body="b", category="other", **where)
    assert field in err.value.fields
    db.session.rollback()
    assert db.session.query(Topic).count() == 0


def test_the_api_takes_place_note_and_location(api, make, cy):
    me = make.resident(cy)
    r = api.as_(me).post(f"/courtyards/{cy.id}/topics", {
        "title": "电梯异响", "body": "运行时咣当响", "category": "facilities", "place": "elevator",
        "place_note": "2号梯", "location": {"lat": 39.8651, "lng": 116.4302}})
    assert r.status_code == 201, r.get_json()
    t = r.get_json()
    assert t["place"]["code"] == "elevator" and t["place"]["note"] == "2号梯"
    assert t["location"] == {"lat": 39.8651, "lng": 116.4302}
    assert api.as_(me).get(f"/topics/{t['id']}").get_json()["place"] == t["place"]
    bad = api.as_(me).post(f"/courtyards/{cy.id}/topics", {
        "title": "x", "body": "y", "category": "other", "place": "moon", "location": {"lat": 100}})
    assert_error(bad, 422)
    assert set(bad.get_json()["error"]["fields"]) >= {"place", "latitude"}
    assert db.session.query(Topic).count() == 1


def test_the_form_asks_where_and_the_topic_page_says_it(app, make, cy):
    me = make.resident(cy)
    b = Browser(app.test_client()).english()
    b.login(me)
    form = b.text(f"/courtyards/{cy.id}/topics/new")
    assert 'name="place"' in form and 'name="place_note"' in form and 'data-where-locate' in form
    assert "Bicycle and e-bike shed" in form and "js/where.js" in form
    r = b.post(f"/courtyards/{cy.id}/topics", {"title": "楼顶防水层开裂", "category": "repairs", "body": "顶层渗水",
                                               "place": "roof", "place_note": "靠东侧", "latitude": "39.86",
                                               "longitude": "116.43"})
    assert r.status_code == 302, r.get_data(as_text=True)
    t = db.session.query(Topic).one()
    page = b.text(f"/topics/{t.id}")
    assert "Roof（靠东侧）" in page and 'href="geo:39.860000,116.430000"' in page and "39.86000, 116.43000" in page


def test_a_form_with_half_a_point_keeps_the_rest_and_names_the_mistake(app, make, cy):
    b = Browser(app.test_client()).english()
    b.login(make.resident(cy))
    r = b.post(f"/courtyards/{cy.id}/topics", {"title": "车棚漏雨", "category": "facilities", "body": "b",
                                               "place": "bike_shed", "latitude": "39.86", "longitude": ""})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Give both latitude and longitude, or neither." in html
    assert 'value="bike_shed" selected' in html or 'selected value="bike_shed"' in html
    assert db.session.query(Topic).count() == 0
