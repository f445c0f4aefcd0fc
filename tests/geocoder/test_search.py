from __future__ import annotations

from fabrique.geocoder.search import _intersect, _prefix_weight


def test_intersection_skips_a_word_that_would_empty_it():
    applied, found = _intersect(
        [frozenset({1, 2, 3}), frozenset({9}), frozenset({2, 3, 4})]
    )
    assert (applied, found) == (2, frozenset({2, 3}))


def test_a_longer_typed_prefix_weighs_more():
    assert _prefix_weight("riv", "rivoli") > _prefix_weight("r", "rivoli")
    assert 0.7 < _prefix_weight("r", "rivoli") < _prefix_weight("rivol", "rivoli") < 0.9


def test_posting_cache_drops_the_least_recently_used_past_its_budget():
    from fabrique.geocoder.segment import PostingCache

    loads = []

    def load(word_id: int) -> frozenset[int]:
        loads.append(word_id)
        return frozenset(range(word_id))

    cache = PostingCache(load, budget=10)
    assert cache(4) == frozenset(range(4))
    cache(5)
    cache(4)  # 4 is now the most recent
    cache(3)  # 4 + 5 + 3 = 12 > 10: 5 goes
    cache(4)
    cache(5)
    assert loads == [4, 5, 3, 5]
