"""未诉先办 in words (issue 10 item 7): the foresight page shows labels, never codes or JSON, and a
proactive topic's text writes its days as people do (5月2日), not as ISO dates."""
from __future__ import annotations

import html as htmllib
import re

from courtyard.deliberation.models import Topic
from courtyard.extensions import db

from ..web.browser import Browser
from .test_foresight import spring  # noqa: F401  (fixture)

CODE = re.compile(r'\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b|\{"|\b\d{4}-\d{2}-\d{2}\b')


def _visible(page: str) -> str:
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<script.*?</script>|<form.*?</form>|<[^>]+>", " ", main, flags=re.S)
    return htmllib.unescape(re.sub(r"\s+", " ", main))


def test_the_foresight_page_reads_in_words(app, spring):  # noqa: F811
    w, _ids = spring
    b = Browser(app.test_client())
    b.login(w.staff_c1)
    page = b.text(f"/insight/foresight?scope=community:{w.c1.id}&from=2026-05-01&to=2026-05-31")
    text = _visible(page)
    assert "维修" in text or "停车" in text
    assert not CODE.findall(text), CODE.findall(text)


def test_a_proactive_topic_writes_its_days_in_words(api, spring):  # noqa: F811
    w, ids = spring
    r = api.as_(w.staff_c1).post("/recurring-problems/actions", {"topic_ids": [ids[f"light{n}"] for n in range(4)]})
    assert r.status_code == 201, r.get_json()
    topic = db.session.get(Topic, r.get_json()["topic"]["id"])
    assert "2026年5月2日" in topic.body and not re.search(r"\d{4}-\d{2}-\d{2}", topic.body)
