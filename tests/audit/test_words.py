"""The audit log in words (issue 10 item 7): action codes, kinds of thing, statuses and details are
shown in the reader's language, never as codes or JSON (`task.verified`, `{"from": …}`, `in_progress`)."""
from __future__ import annotations

import html as htmllib
import re

from courtyard.deliberation import moderation
from courtyard.deliberation import services as deliberation

from ..web.browser import Browser

CODE = re.compile(r'[a-z]+_[a-z_]+|\b[a-z]+\.[a-z_]+\b|\{"')


def visible_text(page: str) -> str:
    """What a reader sees of the entries: tags, attributes and scripts dropped."""
    body = page.split('id="audit-entries"', 1)[1]
    body = re.sub(r"<script.*?</script>|<[^>]+>", " ", body, flags=re.S)
    return htmllib.unescape(re.sub(r"\s+", " ", body))


def test_entries_read_as_sentences_in_chinese_and_english(make, app):
    cy = make.courtyard()
    admin, secretary, resident = make.street_admin(), make.secretary(cy), make.resident(cy)
    topic = deliberation.create_topic(resident, cy, title="楼道堆物", body="三楼楼道堆满纸箱", category="safety")
    deliberation.change_status(secretary, topic, "deliberating")
    moderation.pin_topic(secretary, topic)

    zh = Browser(app.test_client())
    zh.login(admin)
    page = zh.text("/audit")
    text = visible_text(page)
    assert not CODE.findall(text), CODE.findall(text)
    assert "议题状态变更" in text or "状态" in text
    assert "讨论中" in text and resident.display_name in text
    assert ">topic.created<" not in page  # the filter's choices are words too

    en = Browser(app.test_client()).english()
    en.login(admin)
    text = visible_text(en.text("/audit"))
    assert not CODE.findall(text), CODE.findall(text)
    assert "Topic status changed" in text and "Topic pinned" in text and "Topic raised" in text
    assert "Status:" in text and "Category:" in text


def test_an_unknown_action_or_key_is_not_shown_raw(make, app):
    from courtyard.audit.words import action_label, details

    class Entry:
        action, subject_type, data = "something.new_kind", "task", {"weird_key": {"nested": 1}, "from": "done", "to": "verified"}

    with app.test_request_context("/"):
        assert action_label("something.new_kind") == "其他变更"
        said = details(Entry(), person=str, organization=str, when=str)
    assert said == ["状态：已完成，待验收 → 居民已验收"] or all("weird" not in s and "{" not in s for s in said)
