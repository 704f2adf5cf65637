"""tokens.py: the index form of a text and the query's terms (pure; Hypothesis)."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from courtyard.search import tokens

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ALNUM = st.sampled_from("abcXYZ0129")
tokens.warm()  # jieba's dictionary once, before Hypothesis times any example

ANY = st.text(st.one_of(CJK, ALNUM, st.sampled_from(" ，。！?-_\n\t、（）Ａ１"), st.characters()), max_size=60)


def test_each_cjk_character_is_a_token_and_ascii_runs_are_one_lowercased():
    assert tokens.chars("电动车棚漏水，WiFi密码Ａ１ 3号楼") == "电 动 车 棚 漏 水 wifi 密 码 a1 3 号 楼"
    assert tokens.chars("!!! ... ") == ""


@given(ANY)
def test_chars_is_tokens_separated_by_single_spaces(text):
    out = tokens.chars(text)
    assert out == out.strip() and "  " not in out
    for token in out.split():
        assert re.fullmatch(r"[a-z0-9]+", token) or len(token) == 1


@given(ANY)
def test_chars_is_idempotent(text):
    assert tokens.chars(tokens.chars(text)) == tokens.chars(text)


@given(st.lists(st.text(st.one_of(CJK, ALNUM), min_size=1, max_size=6), min_size=1, max_size=5),
       st.sampled_from([" ", "，", "", "\n"]))
def test_every_query_term_of_a_text_is_a_phrase_of_the_texts_chars(words, sep):
    """Whatever jieba does, each term of a text searched for itself is found in it (as a phrase)."""
    text = sep.join(words)
    indexed = f" {tokens.chars(text)} "
    for term in tokens.query_terms(text):
        assert f" {term} " in indexed


def test_a_word_jieba_cuts_otherwise_in_the_text_is_still_found():
    text = "电动车棚漏水"
    assert "车棚" not in tokens.words(text)  # jieba: 电动车 / 棚 / 漏水
    assert tokens.query_terms("车棚") == ["车 棚"]
    assert " 车 棚 " in f" {tokens.chars(text)} "


def test_stopwords_are_dropped_unless_nothing_else_is_left():
    assert tokens.query_terms("楼道的灯坏了怎么办") == ["楼 道", "灯", "坏"]
    assert tokens.query_terms("的") == ["的"]
    assert tokens.query_terms("车棚 车棚") == ["车 棚"]
    assert tokens.query_terms("，。!!") == []


@given(st.text(max_size=200))
def test_query_terms_never_fail_and_are_bounded(q):
    terms = tokens.query_terms(q)
    assert len(terms) <= tokens.MAX_TERMS and len(set(terms)) == len(terms)
    assert all(t and t == tokens.chars(t) for t in terms)


@given(ANY, st.lists(st.text(st.one_of(CJK, ALNUM), min_size=1, max_size=3), max_size=3))
def test_a_snippet_is_a_piece_of_the_text_and_its_hits_are_the_terms(text, words):
    terms = [tokens.chars(w) for w in words if tokens.chars(w)]
    parts = tokens.snippet(text, terms)
    joined = "".join(p for p, _ in parts).replace("…", "")
    assert joined in " ".join(text.split()) or not joined
    for piece, hit in parts:
        if hit:
            assert tokens.chars(piece) in terms


def test_the_snippet_marks_the_phrase_across_punctuation_and_keeps_the_text_as_typed():
    parts = tokens.snippet("我们楼的电动车，棚子漏水很久了", ["车 棚", "漏 水"])
    assert [p for p, hit in parts if hit] == ["车，棚", "漏水"]
    assert "".join(p for p, _ in parts) == "我们楼的电动车，棚子漏水很久了"
    assert tokens.first_hits("ＥBike and ebike, notebike", ["ebike"]) == [(0, 5), (10, 15)]
