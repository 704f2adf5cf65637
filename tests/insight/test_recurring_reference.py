"""The fast detector (distinct titles compared once) answers exactly as the all-pairs reference."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from courtyard.insight import recurring

from .reference_recurring import detect as reference_detect

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
# phrasings that share words, synonyms, bigrams, none at all, and titles with no content
TITLES = ["楼道灯坏了", "楼道里的灯不亮了", "声控灯不亮", "顶楼漏雨", "屋顶渗水严重", "下雨天顶层漏水", "暖气不热",
          "家里暖气不热太冷了", "供暖温度不达标", "电动车充电", "电瓶车飞线充电", "垃圾站太臭", "", "！！", "123",
          "请物业处理", "漏水", "灯", "a", "ab"]

items = st.lists(st.tuples(st.sampled_from(TITLES) | st.text(alphabet="漏水灯坏暖气不热楼道顶层渗a1 ", max_size=8),
                           st.integers(1, 3), st.sampled_from(["repairs", "safety"]), st.integers(0, 120 * 24)),
                 max_size=40)


@settings(max_examples=300, deadline=None)
@given(items, st.integers(2, 5), st.integers(1, 60), st.sampled_from([0.0, 0.2, 0.34, 0.5, 0.67, 0.8, 1.0]))
def test_fast_detector_equals_the_reference(rows, k, days, threshold):
    found = [recurring.Item(i, cy, cat, T0 + timedelta(hours=h), title) for i, (title, cy, cat, h) in enumerate(rows)]
    assert recurring.detect(found, k=k, days=days, threshold=threshold) == \
        reference_detect(found, k=k, days=days, threshold=threshold)
