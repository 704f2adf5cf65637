"""Residents choose their channels: the settings page and GET/PUT /api/v1/notifications/channels."""
from __future__ import annotations

import pytest

from courtyard.extensions import db
from courtyard.notifications import texts

from ..web.browser import Browser
from .outbound_support import SECRET, approve, fake_clock, gateway, records, sms, use_channels  # noqa: F401

PHONE = "13812345678"


def put(client, body):
    return client.request("PUT", "/notifications/channels", json=body)


@pytest.fixture
def both(use_channels, gateway, fake_clock):
    use_channels(NOTIFY_CHANNELS="log,sms,email", SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_SECRET=SECRET,
                 SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_FROM="noreply@courtyard.example")
    return gateway


def test_channels_are_off_by_default_and_only_configured_ones_are_offered(make, api, use_channels):
    user = make.user(phone=PHONE)
    assert api.as_(user).get("/notifications/channels").get_json() == {"channels": [], "email_address": None}
    use_channels(NOTIFY_CHANNELS="log,sms", SMS_GATEWAY_URL="http://127.0.0.1:9/sms", SMS_GATEWAY_SECRET="s")
    assert api.as_(user).get("/notifications/channels").get_json()["channels"] == [
        {"name": "sms", "enabled": False, "available": True, "address": "138****5678", "reason": None}]


def test_turning_channels_on_and_off_through_the_api(make, api, both):
    user = make.user(phone=PHONE)
    me = api.as_(user)
    r = put(me, {"sms": True, "email": True, "email_address": " li@example.com "})
    assert r.status_code == 200, r.get_json()
    assert {c["name"]: c["enabled"] for c in r.get_json()["channels"]} == {"sms": True, "email": True}
    assert r.get_json()["email_address"] == "li@example.com"
    approve(user)
    assert {rec.channel for rec in records()} == {"log", "sms", "email"}
    assert len(both.messages) == 1
    r = put(me, {"sms": False})
    assert {c["name"]: c["enabled"] for c in r.get_json()["channels"]} == {"sms": False, "email": True}
    r = put(me, {"email_address": ""})  # no address, no e-mails
    assert r.get_json()["email_address"] is None
    assert {c["name"]: c["enabled"] for c in r.get_json()["channels"]} == {"sms": False, "email": False}


@pytest.mark.parametrize("body, field", [
    ({"sms": True}, "sms"),                                   # no phone on the account
    ({"email": True}, "email_address"),                       # no address
    ({"email": True, "email_address": "not-an-address"}, "email_address"),
    ({"email_address": "a@" + "b" * 260 + ".cn"}, "email_address"),
])
def test_bad_choices_are_refused_and_nothing_changes(make, api, both, body, field):
    user = make.user()
    r = put(api.as_(user), body)
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"], r.get_json()
    db.session.refresh(user)
    assert user.email is None
    assert all(not c["enabled"] for c in api.as_(user).get("/notifications/channels").get_json()["channels"])


def test_a_channel_not_configured_cannot_be_turned_on(make, api, sms):
    r = put(api.as_(make.user(phone=PHONE)), {"email": True, "email_address": "a@b.cn"})
    assert r.status_code == 422 and "email" in r.get_json()["error"]["fields"]


def test_the_settings_page(make, app, both):
    user = make.user(phone=PHONE)
    b = Browser(app.test_client()).english()
    b.login(user)
    assert 'href="/notifications/settings"' in b.text("/notifications")
    page = b.text("/notifications/settings")
    assert "138****5678" in page and PHONE not in page and "Text messages" in page and "E-mail" in page
    r = b.post("/notifications/settings", {"sms": "y", "email": "y", "email_address": "nope"})
    assert r.status_code == 422 and "Not an e-mail address." in r.get_data(as_text=True)
    r = b.post("/notifications/settings", {"sms": "y", "email_address": "wang@example.com"})
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.email == "wang@example.com"
    page = b.text("/notifications/settings")
    assert "saved" in page and 'value="wang@example.com"' in page
    approve(user)
    assert [m["to"] for m in both.messages] == [PHONE] and records("email") == []


def test_the_settings_page_without_a_phone_explains_why(make, app, both):
    b = Browser(app.test_client())
    b.login(make.user())
    page = b.text("/notifications/settings")
    assert "您的账号没有登记手机号" in page and "disabled" in page
    r = b.post("/notifications/settings", {"sms": "y"})  # a forged toggle changes nothing
    assert r.status_code == 302


def test_the_settings_page_needs_its_csrf_token(make, app, both):
    user = make.user(phone=PHONE)
    b = Browser(app.test_client())
    b.login(user)
    b.post("/notifications/settings", {"sms": "y"}, csrf=False)
    db.session.expire_all()
    assert api_state(user) == set()


def api_state(user) -> set[str]:
    from courtyard.notifications import preferences
    return {c["name"] for c in preferences.channel_settings(user)["channels"] if c["enabled"]}


def test_text_messages_are_short_chinese_with_the_prefix(app):
    note = {"kind": "invitation", "locale": "zh_CN", "text": "", "link": "http://x/topics/1",
            "data": {"title": "关于小区北门电动车棚顶棚漏雨以及充电桩线路老化需要尽快维修的问题", "who": "物业公司",
                     "courtyard": "芳草园", "count": 1}}
    template, params, text = texts.sms(note)
    assert template == "invitation" and text.startswith("【掌上四合院】") and len(text) <= 70
    assert "物业公司" in text and params["link"] == "http://x/topics/1" and "count" not in params
    _, _, english = texts.sms({**note, "locale": "en"})
    assert english.startswith("[Courtyard] ") and "is invited into" in english
    _, _, other = texts.sms({"kind": "task_status", "locale": "zh_CN", "text": "任务进展：" + "很长" * 60})
    assert other.startswith("【掌上四合院】任务进展") and len(other) == 70


def test_the_ballot_texts_name_the_proposal_the_deadline_and_the_result(app):
    from datetime import datetime, timezone
    closes = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc).isoformat()  # 20:00 Beijing time
    with app.test_request_context("/"):
        base = {"locale": "zh_CN", "text": "", "data": {"proposal": "车棚加装 4 个扫码充电口", "closes_at": closes}}
        _, _, opened = texts.sms({**base, "kind": "ballot_opened"})
        assert opened == "【掌上四合院】“车棚加装 4 个扫码充电口”开始表决，截止12月10日 20:00，请登录投票。"
        _, _, closing = texts.sms({**base, "kind": "ballot_closing"})
        assert "12月10日 20:00" in closing and "您家还没有投票" in closing
        _, _, decided = texts.sms({**base, "kind": "ballot_decided", "data": {**base["data"], "outcome": "rejected"}})
        assert "表决结果：未通过" in decided
        _, _, reminded = texts.sms({**base, "kind": "ballot_reminder", "data": {**base["data"], "name": "张德明"}})
        assert reminded.startswith("【掌上四合院】张德明提醒") and len(reminded) <= 70
        long = {**base, "kind": "ballot_opened", "data": {**base["data"], "proposal": "很长的方案" * 20}}
        _, params, text = texts.sms(long)
        assert len(text) <= 70 and params["proposal"].endswith("…")
        _, _, english = texts.sms({**base, "kind": "ballot_decided", "locale": "en",
                                   "data": {**base["data"], "outcome": "adopted"}})
        assert english.startswith("[Courtyard] “车棚加装") and english.endswith("”: adopted. See the decision record in the app.")
        assert len(english) <= 70


def test_an_emergency_text_keeps_the_news_and_shortens_the_title(app):
    data = {"title": "芳古园一区55号院、56号院、57号院供暖主管道破裂暂停供暖紧急抢修通知", "notice_kind": "heating",
            "step": "update", "text": "第一处管道已焊好，预计今晚22点恢复供暖。", "notice_id": 3}
    with app.test_request_context("/"):
        template, params, text = texts.sms({"kind": "emergency", "locale": "zh_CN", "text": "", "data": data})
        assert template == "emergency" and text.startswith("【掌上四合院】") and len(text) <= 70
        assert "预计今晚22点恢复供暖" in text and "…" in text  # the title gave way, the news did not
        _, _, posted = texts.sms({"kind": "emergency", "locale": "zh_CN", "text": "",
                                  "data": {**data, "step": "posted", "title": "今天9点至15点停水"}})
        assert "今天9点至15点停水" in posted and "…" not in posted
        _, _, english = texts.sms({"kind": "emergency", "locale": "en", "text": "", "data": data})
        assert english.startswith("[Courtyard] ") and len(english) <= 70
