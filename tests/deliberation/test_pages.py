"""Topic pages through the Flask test client: raising a topic, reading it, posting without JavaScript."""
from __future__ import annotations

import io
import re

import pytest

from courtyard.deliberation import services
from courtyard.deliberation.models import Message, Topic
from courtyard.extensions import db

from ..uploads.images import image_bytes, jpeg_with_gps




@pytest.fixture
def cy(make):
    return make.courtyard()


@pytest.fixture
def topic(make, cy):
    return services.create_topic(make.resident(cy), cy, title="电动车棚漏雨", body="车棚顶\n漏水", category="facilities")


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', html).group(1)


# --- raising a topic -------------------------------------------------------------------------

def test_a_resident_raises_a_topic_with_a_photo_through_the_form(open_as, make, cy):
    me = make.resident(cy)
    b = open_as(me)
    home = b.text(f"/courtyards/{cy.id}")
    assert f'href="/courtyards/{cy.id}/topics/new"' in home and "Raise a topic" in home
    form = b.text(f"/courtyards/{cy.id}/topics/new")
    assert 'enctype="multipart/form-data"' in form
    assert 'accept="image/*" capture="environment"' in form
    assert form.count('name="category"') == 10
    r = b.post(f"/courtyards/{cy.id}/topics", {
        "title": "楼顶漏雨", "category": "repairs", "body": "601 天花板渗水，下雨就滴。",
        "photos": [(io.BytesIO(jpeg_with_gps()), "IMG_0001.JPG", "image/jpeg")]})
    assert r.status_code == 302, r.get_data(as_text=True)
    t = db.session.query(Topic).one()
    assert r.headers["Location"].endswith(f"/topics/{t.id}")
    assert (t.title, t.category.value, t.author_id, len(t.photos)) == ("楼顶漏雨", "repairs", me.id, 1)
    page = b.text(f"/topics/{t.id}")
    assert "楼顶漏雨" in page and f'src="/uploads/{t.photos[0].upload_id}"' in page
    assert "Your topic is up." in page
    assert b.get(f"/uploads/{t.photos[0].upload_id}").status_code == 200


def test_a_form_with_mistakes_is_shown_again_with_the_text_and_photo_kept(open_as, make, cy):
    b = open_as(make.resident(cy))
    r = b.post(f"/courtyards/{cy.id}/topics", {
        "title": "  ", "category": "roofs", "body": "车位被占",
        "photos": [(io.BytesIO(image_bytes("PNG")), "a.png", "image/png")]})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "This field is required." in html and "Choose a category." in html
    assert "车位被占" in html
    kept = hidden(html, "photo_ids")
    assert kept.isdigit() and f'src="/uploads/{kept}"' in html
    r = b.post(f"/courtyards/{cy.id}/topics", {"title": "车位被占", "category": "parking", "body": "车位被占",
                                               "photo_ids": kept})
    assert r.status_code == 302
    assert [p.upload_id for p in db.session.query(Topic).one().photos] == [int(kept)]


@pytest.mark.parametrize("kept", ["²", "٣,x", "1_0", "-5,0", "99999999999999999999"])
def test_kept_photo_ids_that_name_nothing_are_dropped(open_as, make, cy, kept):
    """The hidden field is the client's to garble: digits of other scripts are no ids (and no 500)."""
    b = open_as(make.resident(cy))
    r = b.post(f"/courtyards/{cy.id}/topics", {"title": "车位被占", "category": "parking", "body": "车位被占",
                                               "photo_ids": kept})
    assert r.status_code == 302
    assert db.session.query(Topic).one().photos == []


@pytest.mark.parametrize("data, name", [(b"not a photo at all", "fake.jpg"), (image_bytes("GIF"), "a.gif")])
def test_a_file_that_is_not_a_photo_is_refused_next_to_the_photo_field(open_as, make, cy, data, name):
    b = open_as(make.resident(cy))
    r = b.post(f"/courtyards/{cy.id}/topics", {"title": "垃圾桶满了", "category": "sanitation", "body": "好几天没清",
                                               "photos": [(io.BytesIO(data), name, "image/jpeg")]})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'id="photos-error"' in html and name in html and "垃圾桶满了" in html
    assert db.session.query(Topic).count() == 0


def test_a_form_without_csrf_token_does_nothing(open_as, make, cy):
    b = open_as(make.resident(cy))
    r = b.post(f"/courtyards/{cy.id}/topics", {"title": "x", "category": "other", "body": "y"}, csrf=False)
    assert r.status_code == 302 and db.session.query(Topic).count() == 0


# --- the courtyard's list --------------------------------------------------------------------

def test_the_courtyard_home_lists_topics_pinned_first_with_filters_and_support(open_as, make, cy):
    author = make.resident(cy)
    parking = services.create_topic(author, cy, title="乱停车", body="b", category="parking")
    garbage = services.create_topic(author, cy, title="垃圾分类", body="b", category="sanitation")
    pinned = services.create_topic(author, cy, title="通知：电梯维修", body="b", category="facilities")
    pinned.pinned = True
    db.session.commit()
    services.support(make.resident(cy), parking)
    services.change_status(make.secretary(cy), garbage, "deliberating")
    b = open_as(make.resident(cy))
    html = b.text(f"/courtyards/{cy.id}")
    order = [html.index(t) for t in ("通知：电梯维修", "垃圾分类", "乱停车")]
    assert order == sorted(order)
    assert "1 neighbour has this too" in html and "Pinned" in html
    only = b.text(f"/courtyards/{cy.id}?status=deliberating")
    assert "垃圾分类" in only and "乱停车" not in only
    only = b.text(f"/courtyards/{cy.id}?category=parking")
    assert "乱停车" in only and "垃圾分类" not in only
    none = b.text(f"/courtyards/{cy.id}?status=closed")
    assert "No topics match." in none
    unknown = b.text(f"/courtyards/{cy.id}?status=bogus&page=x")
    assert "That filter is unknown" in unknown and "乱停车" in unknown


# --- a topic and its discussion --------------------------------------------------------------

def test_the_topic_page_gives_the_live_script_its_hooks(open_as, make, topic):
    me = make.resident(topic.courtyard)
    first, _ = services.post_message(topic.author, topic, body="有人吗", client_id="a")
    b = open_as(me)
    html = b.text(f"/topics/{topic.id}")
    assert re.search(rf'<section id="discussion"[^>]*data-topic-id="{topic.id}"', html, re.S)
    assert f'data-last-id="{first.id}"' in html and f'data-me="{me.id}"' in html
    assert '<ol id="messages"' in html and f'data-message-id="{first.id}"' in html
    assert 'id="post-form"' in html and 'name="body"' in html and 'name="client_id"' in html
    assert 'id="online-count"' in html and 'id="typing"' in html
    for script in ("vendor/socket.io.min.js", "js/realtime.js", "js/topic.js"):
        assert re.search(rf'<script src="/static/{script}" defer>', html), script
    assert "车棚顶\n漏水" in html  # line breaks kept (pre-wrap)


def test_posting_without_javascript_redirects_back_and_a_double_submit_stores_one(open_as, make, topic):
    b = open_as(make.resident(topic.courtyard))
    html = b.text(f"/topics/{topic.id}")
    client_id = hidden(html, "client_id")
    assert len(client_id) >= 16
    form = {"body": "我也发现了，昨晚漏得厉害", "client_id": client_id}
    r = b.post(f"/topics/{topic.id}/messages", form)
    assert r.status_code == 302
    message = db.session.query(Message).one()
    assert r.headers["Location"].endswith(f"/topics/{topic.id}#m{message.id}")
    again = b.post(f"/topics/{topic.id}/messages", form)
    assert again.status_code == 302 and db.session.query(Message).count() == 1
    page = b.text(f"/topics/{topic.id}")
    assert "我也发现了，昨晚漏得厉害" in page and hidden(page, "client_id") != client_id


def test_an_empty_message_is_shown_again_with_its_error(open_as, make, topic):
    b = open_as(make.resident(topic.courtyard))
    r = b.post(f"/topics/{topic.id}/messages", {"body": "   ", "client_id": "x1"})
    assert r.status_code == 422
    assert "This field is required." in r.get_data(as_text=True)
    assert db.session.query(Message).count() == 0
    r = b.post(f"/topics/{topic.id}/messages", {"body": "hi", "client_id": ""})
    assert r.status_code == 422 and db.session.query(Message).count() == 0


def test_user_text_is_shown_as_text(open_as, make, cy):
    author = make.resident(cy)
    t = services.create_topic(author, cy, title="<b>bold</b>", body="<img src=x onerror=alert(1)>", category="other")
    services.post_message(author, t, body="<script>alert(1)</script>", client_id="x")
    html = open_as(author).text(f"/topics/{t.id}")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "<img src=x" not in html


def test_me_too_counts_once(open_as, make, topic):
    b = open_as(make.resident(topic.courtyard))
    assert b.post(f"/topics/{topic.id}/support").status_code == 302
    assert b.post(f"/topics/{topic.id}/support").status_code == 302
    db.session.refresh(topic)
    assert topic.support_count == 1
    assert "1 neighbour has this too" in b.text(f"/topics/{topic.id}")


def test_moderators_get_status_buttons_and_the_author_may_withdraw(open_as, make, topic):
    resident = open_as(make.resident(topic.courtyard))
    assert 'name="status"' not in resident.text(f"/topics/{topic.id}")
    assert resident.post(f"/topics/{topic.id}/status", {"status": "closed"}).status_code == 302
    db.session.refresh(topic)
    assert topic.status.value == "open"  # refused, with a message
    secretary = open_as(make.secretary(topic.courtyard))
    html = secretary.text(f"/topics/{topic.id}")
    assert 'value="deliberating"' in html and 'value="closed"' in html and 'value="withdrawn"' not in html
    secretary.post(f"/topics/{topic.id}/status", {"status": "deliberating"})
    db.session.refresh(topic)
    assert topic.status.value == "deliberating"
    author = open_as(topic.author)
    assert 'value="withdrawn"' in author.text(f"/topics/{topic.id}")
    author.post(f"/topics/{topic.id}/status", {"status": "withdrawn"})
    db.session.refresh(topic)
    assert topic.status.value == "withdrawn"
    page = author.text(f"/topics/{topic.id}")
    assert 'id="post-form"' not in page and "closed for discussion" in page


@pytest.mark.parametrize("who", ["outsider", "pending", "other_staff"])
def test_people_outside_the_courtyard_get_404(open_as, make, topic, who):
    cy = topic.courtyard
    user = {"outsider": lambda: make.resident(make.courtyard()),
            "pending": lambda: make.resident(cy, status="pending"),
            "other_staff": lambda: make.community_staff(make.community())}[who]()
    b = open_as(user)
    assert b.get(f"/topics/{topic.id}").status_code == 404
    assert b.get(f"/courtyards/{cy.id}/topics/new").status_code == 404
    assert b.post(f"/courtyards/{cy.id}/topics", {"title": "x", "category": "other", "body": "y"}).status_code == 404
    assert b.post(f"/topics/{topic.id}/messages", {"body": "hi", "client_id": "c"}).status_code == 404
    assert b.post(f"/topics/{topic.id}/support").status_code == 404
    assert db.session.query(Message).count() == 0 and db.session.query(Topic).count() == 1


def test_logged_out_visitors_are_sent_to_log_in(client, topic):
    r = client.get(f"/topics/{topic.id}")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_posting_too_fast_keeps_the_text_and_says_why(open_as, make, topic, app, monkeypatch):
    monkeypatch.setitem(app.config, "POST_RATE_PER_PERSON", "1/minute")
    b = open_as(make.resident(topic.courtyard))
    assert b.post(f"/topics/{topic.id}/messages", {"body": "第一条", "client_id": "r1"}).status_code == 302
    r = b.post(f"/topics/{topic.id}/messages", {"body": "第二条，太快了", "client_id": "r2"})
    assert r.status_code == 429
    html = r.get_data(as_text=True)
    assert "第二条，太快了" in html and "too fast" in html
    assert db.session.query(Message).count() == 1


def test_the_list_pages_by_twenty(open_as, make, cy):
    author = make.resident(cy)
    for i in range(21):
        services.create_topic(author, cy, title=f"议题第{i:02d}号", body="b", category="other")
    b = open_as(author)
    first = b.text(f"/courtyards/{cy.id}")
    assert first.count('class="topic-card') == 20 and "议题第00号" not in first
    assert "?page=2#topics" in first
    second = b.text(f"/courtyards/{cy.id}?page=2")
    assert second.count('class="topic-card') == 1 and "议题第00号" in second and ">Newer<" in second
