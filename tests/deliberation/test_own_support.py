"""An author cannot 我也遇到 their own topic (issue 10 item 7): the service refuses (403, a clear
message, nothing stored), the API says so in the contract's body, the page shows no button."""
from __future__ import annotations

import pytest

from courtyard.deliberation import services
from courtyard.deliberation.models import TopicSupport
from courtyard.errors import Forbidden
from courtyard.extensions import db

from ..api.conftest import assert_error
from ..web.browser import Browser


@pytest.fixture
def cy(make):
    return make.courtyard()


@pytest.fixture
def author(make, cy):
    return make.resident(cy)


@pytest.fixture
def topic(author, cy):
    return services.create_topic(author, cy, title="电动车棚漏雨", body="车棚顶漏水", category="facilities")


def test_the_service_refuses_the_author(author, topic):
    with pytest.raises(Forbidden) as refused:
        services.support(author, topic)
    assert "自己提出" in str(refused.value.message)  # Chinese by default
    assert db.session.query(TopicSupport).count() == 0 and topic.support_count == 0


def test_the_api_answers_403_with_a_reason_and_stores_nothing(api, make, cy, author, topic):
    body = assert_error(api.as_(author).post(f"/topics/{topic.id}/support"), 403)
    assert "自己提出" in body["message"]
    assert api.as_(author).get(f"/topics/{topic.id}").get_json()["support_count"] == 0
    neighbour = make.resident(cy)
    r = api.as_(neighbour).post(f"/topics/{topic.id}/support")
    assert r.status_code == 200 and r.get_json()["support_count"] == 1


def test_the_page_offers_the_button_to_neighbours_only(app, make, cy, author, topic):
    mine = Browser(app.test_client()).english()
    mine.login(author)
    page = mine.text(f"/topics/{topic.id}")
    assert 'id="support-button"' not in page and "Say so" not in page
    neighbour = Browser(app.test_client()).english()
    neighbour.login(make.resident(cy))
    assert 'id="support-button"' in neighbour.text(f"/topics/{topic.id}")


def test_a_forged_form_post_by_the_author_is_refused_with_a_message(app, author, topic):
    b = Browser(app.test_client()).english()
    b.login(author)
    r = b.post(f"/topics/{topic.id}/support", {}, follow_redirects=True)
    assert r.status_code == 200 and "yourself" in r.get_data(as_text=True)
    assert db.session.query(TopicSupport).count() == 0
