"""Search plans: the part of a search that the house number does not change.

A batch file repeats its streets and cities row after row ("12 Rue de
Rivoli, 75004, Paris", then "14 Rue de Rivoli, 75004, Paris"). Before the
house number, a search only reads the query's words and filters: the words
as each source holds them, the best score each source could give, typo
variants, candidates and their text scores. A :class:`Plan` keeps that
work for one set of words, so the next row on the same street looks up its
house number only; :class:`PlanCache` keeps the plans of the most recently
searched words (a bounded number, least recently used dropped).

The answers are the same with or without a plan: a plan holds what the
search would compute again, computed the same way (``Index`` builds it).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from .search import Bounded, Filters, QueryWords, elided_of, segment_candidates
from .segment import Segment

#: Plans kept per index (up to ~10 kB each: a source's candidates): enough
#: for the queries typed again on a server. ``FABRIQUE_GEOCODER_PLANS`` sets
#: another number (0: none, every search computed as new).
PLAN_CACHE = int(os.environ.get("FABRIQUE_GEOCODER_PLANS", "1024"))
#: Plans kept while a batch file is geocoded (batch.py): more than the
#: distinct streets of 20,000 Paris addresses (about 5,000).
BATCH_PLAN_CACHE = 8192


@dataclass(slots=True)
class Visit:
    """One source as a plan visits it: the words as it holds them, the best
    score it could give, and its candidates once a search needed them."""

    segment: Segment
    words: QueryWords
    bound: float
    bounded: list[Bounded] | None = None


@dataclass(slots=True)
class Plan:
    """The work a search does for a set of words and filters, kept."""

    #: The query's words once glued words are split ("ruelepic" → rue lepic).
    words: tuple[str, ...]
    #: The words some source holds as typed (not typos).
    known: frozenset[str]
    filters: Filters
    #: The sources, most promising first.
    visits: list[Visit]
    #: ``Query.elided_last`` (search.elided_of).
    elided_last: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def candidates(self, visit: Visit, housenumber: str = "") -> list[Bounded]:
        """Return a source's candidates, found on the first search that needs
        them and kept, unless they depend on the house number (words that
        find more than the candidates scored: those having it come first)."""
        found = visit.bounded
        if found is None:
            # Typo variants are added to the visit's words: under the lock.
            with self._lock:
                found = visit.bounded
                if found is None:
                    found, by_number = segment_candidates(
                        visit.segment, visit.words, filters=self.filters,
                        known=self.known, housenumber=housenumber,
                        elided=elided_of(self.elided_last, visit.words),
                    )  # fmt: skip
                    if not by_number:
                        visit.bounded = found
        return found


class PlanCache:
    """The plans of the most recently searched words, at most ``size``."""

    def __init__(self, size: int = PLAN_CACHE) -> None:
        self._size = size
        self._plans: OrderedDict[Hashable, Plan] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._plans)

    def get(self, key: Hashable, make: Callable[[], Plan]) -> Plan:
        """Return the plan kept for ``key``, or keep and return ``make()``."""
        with self._lock:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
                return plan
        plan = make()
        if self._size <= 0:
            return plan
        with self._lock:
            # Two threads may make the same plan: both are right, one is kept.
            plan = self._plans.setdefault(key, plan)
            self._plans.move_to_end(key)
            while len(self._plans) > self._size:
                self._plans.popitem(last=False)
        return plan

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()
