"""The street's blocked words: edited by street administrators, refused in topics and messages."""
from __future__ import annotations

import pytest

from courtyard.deliberation import moderation, services
from courtyard.deliberation.models import BlockedWord
from courtyard.errors import Forbidden, Invalid
from courtyard.extensions import db

from .conftest import MODERATORS


@pytest.mark.parametrize("role", ("resident", "property") + MODERATORS[:-1])
def test_only_street_administrators_edit_the_list(world, role):
    with pytest.raises(Forbidden):
        moderation.add_blocked_word(world.user(role), "傻瓜")
    with pytest.raises(Forbidden):
        moderation.list_blocked_words(world.user(role))


def test_a_blocked_word_is_refused_with_a_clear_message(world, topic):
    admin = world.user("street_admin")
    moderation.add_blocked_word(admin, "  傻瓜 ")
    with pytest.raises(Invalid) as err:
        services.post_message(world.user("resident"), topic, body="你这个傻瓜", client_id="b1")
    assert "傻瓜" in str(err.value.fields["body"])
    with pytest.raises(Invalid) as err:
        services.create_topic(world.user("resident"), world.courtyards["A1"], title="傻瓜物业", body="x",
                              category="other")
    assert set(err.value.fields) == {"title"}


def test_matching_ignores_case_and_full_width_letters(world, topic):
    moderation.add_blocked_word(world.user("street_admin"), "SPAM")
    for body in ("spam here", "Ｓｐａｍ", "buy sPaM now"):
        with pytest.raises(Invalid):
            services.post_message(world.user("resident"), topic, body=body, client_id=body)


def test_duplicates_and_bad_words_are_invalid(world):
    admin = world.user("street_admin")
    moderation.add_blocked_word(admin, "spam")
    for word in ("SPAM", "", "   ", "x" * 51, None, 3):
        with pytest.raises(Invalid) as err:
            moderation.add_blocked_word(admin, word)
        assert "word" in err.value.fields


def test_removing_a_word_allows_it_again(world, topic):
    admin = world.user("street_admin")
    row = moderation.add_blocked_word(admin, "spam")
    moderation.remove_blocked_word(admin, row)
    msg, created = services.post_message(world.user("resident"), topic, body="spam", client_id="ok")
    assert created


def test_the_list_is_cached_and_dropped_when_it_changes(app, world, topic, monkeypatch):
    monkeypatch.setitem(app.config, "BLOCKED_WORDS_CACHE_SECONDS", 3600)
    moderation.forget_blocked_words()
    admin = world.user("street_admin")
    moderation.add_blocked_word(admin, "spam")
    assert moderation.find_blocked_word("spam!") == "spam"

    queries = []
    from sqlalchemy import event
    listener = lambda *a: queries.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for _ in range(5):
            assert moderation.find_blocked_word("more spam") == "spam"
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert not any("blocked_words" in q for q in queries)

    # any committed change to the table, through the service or not, drops the cache
    db.session.add(BlockedWord(word="scam"))
    db.session.commit()
    assert moderation.find_blocked_word("a scam") == "scam"
    moderation.remove_blocked_word(admin, moderation.get_blocked_word(admin, 1))
    assert moderation.find_blocked_word("spam") is None
    moderation.forget_blocked_words()
