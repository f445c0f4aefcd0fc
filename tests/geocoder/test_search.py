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
