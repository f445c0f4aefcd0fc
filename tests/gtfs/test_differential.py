"""Fabrique and gtfs-guru (MobilityData's rules) agree on generated feeds.

Each drawn feed is validated by both; any (code, count) difference that the
table of deliberate differences does not explain fails the test. Differences
on codes of defects under repair (``PENDING``) make the test an expected
failure that names them. ``GTFS_DIFFERENTIAL_EXAMPLES`` sets the number of
feeds (``benchmarks/gtfs/differential.py`` runs many).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from .differential import PENDING, counts_by_code, differences, excused
from .feeds import GeneratedFeed, feeds

pytest.importorskip("gtfs_guru")
EXAMPLES = int(os.environ.get("GTFS_DIFFERENTIAL_EXAMPLES") or "15")


def agree(tmp_path: Path, *, edges: bool) -> None:
    pending: Counter[str] = Counter()
    counter = iter(range(10**9))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=not os.environ.get("GTFS_DIFFERENTIAL_EXAMPLES"),
        database=None,
    )
    @given(feeds(edges=edges))
    def check(feed: GeneratedFeed) -> None:
        path = feed.write(tmp_path / f"feed{next(counter)}.zip")
        found = differences(*counts_by_code(path, feed.today, feed.country))
        unexplained = {
            c: v
            for c, v in found.items()
            if c not in PENDING and not excused(c, feed.notes)
        }
        assert not unexplained, f"(ours, gtfs-guru) by code: {unexplained}"
        pending.update(found.keys())

    check()
    if pending:
        named = "; ".join(f"{c} ({n} feeds): {PENDING[c]}" for c, n in pending.items())
        pytest.xfail(f"differences from defects under repair: {named}")


def test_valid_feeds_get_the_same_notices(tmp_path):
    agree(tmp_path, edges=False)


def test_feeds_at_the_edges_of_the_rules_get_the_same_notices(tmp_path):
    agree(tmp_path, edges=True)
