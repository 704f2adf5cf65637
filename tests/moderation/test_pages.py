"""The topic page's moderation controls, the report list, blocked words and 我的进院议题, as plain forms."""
from __future__ import annotations

import pytest

from courtyard.deliberation import moderation, services
from courtyard.extensions import db

from ..web.browser import Browser


@pytest.fixture
def browser_for(app):
    def open_as(user) -> Browser:
        b = Browser(app.test_client()).english()
        b.login(user)
        return b
    return open_as


def test_moderators_see_the_controls_residents_see_report(world, topic, message, other_message, browser_for):
    page = browser_for(world.user("secretary")).text(f"/topics/{topic.id}")
    assert 'id="moderation"' in page and "Lock: no new messages" in page and "Pin to the top" in page
    assert f'action="/messages/{message.id}/hide"' in page
    assert "Invite into this topic" in page and "方庄物业" in page
    page = browser_for(world.user("resident")).text(f"/topics/{topic.id}")
    assert 'id="moderation"' not in page and "/hide" not in page
    assert f'action="/messages/{other_message.id}/report"' in page
    assert f'action="/messages/{message.id}/report"' not in page  # not one's own
    assert "Mute notifications about this topic" in page
    lead = browser_for(world.user("building_lead")).text(f"/topics/{topic.id}")
    assert 'id="moderation"' in lead and "Invite into this topic" not in lead


def test_hide_from_the_page_works_without_javascript(world, topic, message, browser_for):
    b = browser_for(world.user("secretary"))
    r = b.post(f"/messages/{message.id}/hide", {"next": f"/topics/{topic.id}"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/topics/{topic.id}")
    db.session.refresh(message)
    assert message.hidden
    page = browser_for(world.user("resident")).text(f"/topics/{topic.id}")
    assert "今天又漏了" not in page
    assert "Show again" in b.text(f"/topics/{topic.id}")
    r = browser_for(world.user("resident")).post(f"/messages/{message.id}/hide")
    assert r.status_code == 404


def test_a_form_without_its_csrf_token_is_refused(world, message, browser_for):
    b = browser_for(world.user("secretary"))
    b.post(f"/messages/{message.id}/hide", csrf=False)
    db.session.refresh(message)
    assert not message.hidden


def test_report_then_resolve_on_the_report_page(world, topic, other_message, browser_for):
    resident = browser_for(world.user("resident"))
    r = resident.post(f"/messages/{other_message.id}/report", {"reason": "广告", "next": f"/topics/{topic.id}"})
    assert r.status_code == 302
    assert "Reported" in resident.text(f"/topics/{topic.id}")
    resident.post(f"/messages/{other_message.id}/report", {"reason": "again"})
    assert "already reported" in resident.text(f"/topics/{topic.id}")
    assert resident.get(f"/courtyards/{topic.courtyard_id}/reports").status_code == 403

    sec = browser_for(world.user("secretary"))
    page = sec.text(f"/courtyards/{topic.courtyard_id}/reports")
    assert "物业说下周修" in page and "广告" in page
    [report] = db.session.scalars(moderation.open_reports(world.user("secretary"), topic.courtyard)).all()
    r = sec.post(f"/reports/{report.id}/resolve", {"hide": "1"})
    assert r.status_code == 302
    db.session.refresh(other_message)
    assert other_message.hidden
    assert "No reported messages" in sec.text(f"/courtyards/{topic.courtyard_id}/reports")


def test_lock_pin_merge_and_invite_from_the_page(world, topic, browser_for):
    dup = services.create_topic(world.user("building_lead"), world.courtyards["A1"], title="车棚漏水",
                                body="x", category="facilities")
    sec = browser_for(world.user("secretary"))
    sec.post(f"/topics/{topic.id}/moderation", {"action": "lock"})
    sec.post(f"/topics/{topic.id}/moderation", {"action": "pin"})
    db.session.refresh(topic)
    assert topic.locked and topic.pinned
    sec.post(f"/topics/{topic.id}/moderation", {"action": "explode"})
    assert "Unknown action" in sec.text(f"/topics/{topic.id}")
    r = sec.post(f"/topics/{dup.id}/merge", {"into_topic_id": str(topic.id)})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/topics/{topic.id}")
    db.session.refresh(dup)
    assert dup.merged_into_id == topic.id
    page = sec.text(f"/topics/{dup.id}")
    assert "merged into" in page and f'href="/topics/{topic.id}"' in page

    sec.post(f"/topics/{topic.id}/invitations", {"invitee": f"org:{world.orgs['P'].id}"})
    sec.post(f"/topics/{topic.id}/invitations", {"invitee": "nonsense"})
    assert "Invite either an organization" in sec.text(f"/topics/{topic.id}")
    page = browser_for(world.user("resident")).text(f"/topics/{topic.id}")
    assert "Brought into this topic" in page and "方庄物业" in page and "/delete\"" not in page
    assert browser_for(world.user("resident")).post(
        f"/topics/{topic.id}/invitations", {"invitee": f"org:{world.orgs['D'].id}"}).status_code == 302
    assert len(moderation.invitations(world.user("secretary"), topic)) == 1


def test_invited_staff_have_their_page_and_the_topic_only(world, topic, browser_for):
    prop = browser_for(world.user("property"))
    assert "Invited topics" in prop.text("/notifications")  # /courtyards: to the queue
    assert "No topics yet" in prop.text("/invited-topics")
    assert prop.get(f"/topics/{topic.id}").status_code == 404
    moderation.invite(world.user("secretary"), topic, organization_id=world.orgs["P"].id)
    page = prop.text("/invited-topics")
    assert topic.title in page and f'href="/topics/{topic.id}"' in page
    assert prop.get(f"/topics/{topic.id}").status_code == 200
    assert prop.get(f"/courtyards/{topic.courtyard_id}").status_code == 404
    assert "Invited topics" not in browser_for(world.user("resident")).text("/courtyards")


def test_blocked_words_page_for_the_street_administrator(world, browser_for):
    admin = browser_for(world.user("street_admin"))
    assert "Blocked words" in admin.text("/admin")
    r = admin.post("/admin/blocked-words", {"word": "傻瓜"})
    assert r.status_code == 302
    assert "傻瓜" in admin.text("/admin/blocked-words")
    r = admin.post("/admin/blocked-words", {"word": "傻瓜"})
    assert r.status_code == 422 and "already on the list" in r.get_data(as_text=True)
    word = moderation.list_blocked_words(world.user("street_admin"))[0]
    admin.post(f"/admin/blocked-words/{word.id}/delete")
    assert moderation.list_blocked_words(world.user("street_admin")) == []
    staff = browser_for(world.user("staff"))
    assert staff.get("/admin/blocked-words").status_code == 403
    assert "Blocked words" not in staff.text("/admin")
