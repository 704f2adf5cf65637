"""services.search and similar_topics on both databases: Chinese by characters, ranked, AND of the
query's words; who finds what; bad input; the index kept by the listeners."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courtyard.deliberation import moderation
from courtyard.deliberation import services as deliberation
from courtyard.errors import Invalid, NotFound
from courtyard.extensions import db
from courtyard.search import index, services
from courtyard.search.models import SearchEntry


def titles(results):
    return [(h.kind, h.topic.title if h.message is None else h.message.body) for h in results.items]


def test_a_word_jieba_cuts_differently_in_the_text_is_found(street):
    shed = street.topic("电动车棚漏水", "下雨天车都淋湿了。")
    street.topic("楼道灯坏了")
    found = services.search(street.resident, "车棚")
    assert [h.topic.id for h in found.items] == [shed.id]
    assert found.terms == ["车 棚"]
    assert [p for p, hit in found.items[0].title if hit] == ["车棚"]


def test_every_word_of_the_query_must_be_there(street):
    both = street.topic("车棚顶漏水", "每次下雨都漏。")
    street.topic("车棚太挤", "电动车放不下。")
    street.topic("三楼漏水")
    assert [h.topic.id for h in services.search(street.resident, "车棚漏水").items] == [both.id]
    assert services.search(street.resident, "车棚 漏水").total == 1
    assert services.search(street.resident, "车棚").total == 2


def test_messages_are_found_with_a_snippet_around_the_first_hit(street):
    topic = street.topic("楼道灯坏了")
    message = street.say(topic, "我问过物业了，他们说明天派电工来换灯泡，大家晚上上下楼注意安全。")
    found = services.search(street.resident, "电工")
    assert [(h.kind, h.message.id) for h in found.items] == [("message", message.id)]
    snippet = found.items[0].snippet
    assert ("电工", True) in snippet and "".join(p for p, _ in snippet).strip("…") in message.body
    assert services.search(street.resident, "电工", kind="topic").total == 0
    assert services.search(street.resident, "灯", kind="topic").total == 1


def test_ranked_best_first_then_newest(street):
    older = street.topic("车棚的事", "车棚车棚车棚，车棚漏雨，车棚门也坏了。")
    street.topic("门口的事", "顺便说一下车棚。" + "其他事情。" * 30)
    newer = street.topic("车棚的事", "车棚车棚车棚，车棚漏雨，车棚门也坏了。")
    ids = [h.topic.id for h in services.search(street.resident, "车棚").items]
    assert ids[:2] == [newer.id, older.id] and len(ids) == 3


def test_latin_and_digits_are_whole_lowercased_tokens(street):
    wifi = street.topic("3号楼WiFi信号差")
    street.topic("33号楼的事")
    assert [h.topic.id for h in services.search(street.resident, "wifi").items] == [wifi.id]
    assert [h.topic.id for h in services.search(street.resident, "3号楼").items] == [wifi.id]
    assert services.search(street.resident, "ＷＩＦＩ").total == 1


def test_a_resident_never_finds_another_courtyards_topic(street):
    street.topic("电动车棚漏水", author=street.outsider, courtyard=street.b)
    mine = street.topic("电动车棚漏水")
    assert [h.topic.id for h in services.search(street.resident, "车棚").items] == [mine.id]
    assert [h.topic.courtyard_id for h in services.search(street.outsider, "车棚").items] == [street.b.id]
    assert services.search(street.staff, "车棚").total == 2
    assert services.search(street.admin, "车棚").total == 2
    assert services.search(street.staff, "车棚", courtyard_id=street.b.id).total == 1
    assert services.search(street.resident, "车棚", courtyard_id=street.b.id).total == 0


def test_a_hidden_message_is_found_only_by_moderators(street):
    topic = street.topic("楼道灯坏了")
    rude = street.say(topic, "物业都是骗子")
    moderation.hide_message(street.secretary, rude)
    assert services.search(street.resident, "骗子").total == 0
    assert services.search(street.neighbour, "骗子").total == 0  # its author too: hidden is hidden
    found = services.search(street.secretary, "骗子")
    assert found.total == 1 and found.items[0].message.hidden
    assert services.search(street.staff, "骗子").total == 1
    assert services.search(street.admin, "骗子").total == 1
    moderation.unhide_message(street.secretary, rude)
    assert services.search(street.resident, "骗子").total == 1


def test_merged_and_withdrawn_topics_are_still_found_with_their_status(street):
    first = street.topic("车棚漏水")
    second = street.topic("车棚又漏水了", author=street.neighbour)
    moderation.merge_topic(street.secretary, second, into_topic_id=first.id)
    gone = street.topic("车棚门锁坏了")
    deliberation.change_status(street.resident, gone, "withdrawn")
    statuses = {h.topic.id: h.topic.status.value for h in services.search(street.resident, "车棚").items}
    assert statuses == {first.id: "open", second.id: "merged", gone.id: "withdrawn"}


@pytest.mark.parametrize("q,field", [("", "q"), ("   ", "q"), (None, "q"), ("车" * 101, "q"), ("，。！", "q"),
                                     ("\ud800车棚", "q")])
def test_bad_queries_are_invalid(street, q, field):
    with pytest.raises(Invalid) as err:
        services.search(street.resident, q)
    assert field is None or field in err.value.fields


@pytest.mark.parametrize("kw,field", [({"courtyard_id": "abc"}, "courtyard_id"), ({"kind": "photo"}, "kind"),
                                     ({"page": 0}, "page"), ({"page": "2"}, "page"), ({"per_page": 0}, "per_page")])
def test_bad_filters_are_invalid(street, kw, field):
    with pytest.raises(Invalid) as err:
        services.search(street.resident, "车棚", **kw)
    assert field in err.value.fields


def test_an_id_out_of_range_finds_nothing_and_control_characters_are_dropped(street):
    street.topic("车棚漏水")
    assert services.search(street.resident, "\x00车棚\x1f").total == 1
    assert services.search(street.resident, "车棚", courtyard_id="99999999999").total == 0


def test_paging(street):
    for i in range(5):
        street.topic(f"车棚第{i}件事")
    first = services.search(street.resident, "车棚", page=1, per_page=2)
    third = services.search(street.resident, "车棚", page=3, per_page=2)
    past = services.search(street.resident, "车棚", page=9, per_page=2)
    assert (first.total, len(first.items), len(third.items), past.items) == (5, 2, 1, [])
    assert first.has_next and not third.has_next and third.pages == 3


def test_similar_topics_are_open_ones_of_the_courtyard_sharing_any_word(street):
    shed = street.topic("电动车棚漏水")
    charge = street.topic("充电桩不够用", "电动车充电要排队。")
    street.topic("楼道灯坏了")
    closed = street.topic("车棚漏水很久了")
    deliberation.change_status(street.secretary, closed, "closed")
    street.topic("车棚漏水", author=street.outsider, courtyard=street.b)
    found = services.similar_topics(street.neighbour, street.a, "车棚下雨漏水")
    assert [t.id for t in found] == [shed.id]
    assert {t.id for t in services.similar_topics(street.neighbour, street.a, "电动车")} == {shed.id, charge.id}
    assert services.similar_topics(street.neighbour, street.a, "。。") == []


def test_similar_topics_at_most_five_best_first(street):
    for i in range(7):
        street.topic(f"车棚问题{i}")
    best = street.topic("车棚漏水", "车棚漏水，车棚漏水。")
    found = services.similar_topics(street.neighbour, street.a, "车棚漏水")
    assert len(found) == 5 and found[0].id == best.id


def test_similar_topics_check_the_courtyard_and_the_title(street):
    with pytest.raises(NotFound):
        services.similar_topics(street.outsider, street.a, "车棚")
    for bad in ("", None, "车" * 101):
        with pytest.raises(Invalid) as err:
            services.similar_topics(street.resident, street.a, bad)
        assert "title" in err.value.fields


def _entries():
    return db.session.execute(sa.select(SearchEntry.kind, SearchEntry.topic_id, SearchEntry.message_id,
                                        SearchEntry.chars).order_by(SearchEntry.id)).all()


def test_the_listeners_index_each_topic_and_message_in_its_transaction(street):
    topic = street.topic("车棚漏水", "下雨就漏")
    message = street.say(topic, "我家车也淋湿了")
    assert [tuple(e) for e in _entries()] == [("topic", topic.id, None, "车 棚 漏 水 下 雨 就 漏"),
                                              ("message", topic.id, message.id, "我 家 车 也 淋 湿 了")]
    again, created = deliberation.post_message(street.neighbour, topic, body="我家车也淋湿了",
                                               client_id=message.client_id)
    assert not created and len(_entries()) == 2
    with pytest.raises(Invalid):
        deliberation.post_message(street.neighbour, topic, body="", client_id="x-1")
    assert len(_entries()) == 2
    assert services.search(street.resident, "淋湿").total == 1


def test_reindex_writes_the_same_entries(street):
    topic = street.topic("车棚漏水", "下雨就漏")
    street.say(topic, "我家车也淋湿了")
    before = [tuple(e) for e in _entries()]
    assert index.rebuild() == 2
    assert [tuple(e) for e in _entries()] == before
    assert services.search(street.resident, "淋湿").total == 1
    assert services.search(street.resident, "车棚").total == 1
