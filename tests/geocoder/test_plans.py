"""Search plans: kept for the rows that repeat a street, never changing an answer.

An index keeps, for each set of words and filters, what a search does before
the house number (plans.py). Searching with plans kept must answer exactly
as an index that keeps none, in any order of queries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.geocoder.batch import search_csv
from fabrique.geocoder.index import Index
from fabrique.geocoder.plans import Plan, PlanCache
from fabrique.geocoder.search import Filters

# Words of the fixture files, near misses, glued words and words no source
# holds; queries are drawn with and without a house number in front, so the
# same words come back with other numbers.
WORDS = [
    "rue", "r", "de", "du", "la", "rivoli", "rivol", "rivloi", "riv", "avenue",
    "av", "general", "leclerc", "leclrc", "sentier", "l", "abbaye", "millau",
    "route", "rodez", "rod", "gare", "paris", "ruerivoli", "75001", "75004",
    "75014", "12100", "bis", "ter", "b", "chez", "dupont", "zzzz", "saint",
]  # fmt: skip
NUMBERS = ["", "1", "2", "3", "4", "11", "12", "12a", "14", "260", "999", "1 bis"]
streets = st.lists(st.sampled_from(WORDS), min_size=0, max_size=5).map(" ".join)
queries = st.tuples(st.sampled_from(NUMBERS), streets).map(
    lambda parts: " ".join(part for part in parts if part).strip()
).filter(bool)  # fmt: skip
options = st.fixed_dictionaries(
    {},
    optional={
        "autocomplete": st.booleans(),
        "type": st.sampled_from(["housenumber", "street", "municipality"]),
        "postcode": st.sampled_from(["75004", "12100"]),
        "lat": st.just(48.86),
        "lon": st.just(2.35),
    },
)


def without_plans(folder: Path) -> Index:
    index = Index.open(folder)
    index.plans = PlanCache(0)
    return index


@pytest.fixture(scope="module")
def warm(index_dir: Path) -> Iterator[Index]:
    # Kept across examples: later queries meet the plans of earlier ones.
    with Index.open(index_dir) as index:
        yield index


@pytest.fixture(scope="module")
def cold(index_dir: Path) -> Iterator[Index]:
    with without_plans(index_dir) as index:
        yield index


def answers(index: Index, text: str, kwargs: dict[str, object]) -> object:
    try:
        return (
            index.search(text, limit=1, **kwargs),  # type: ignore[arg-type]
            index.search(text, limit=5, **kwargs),  # type: ignore[arg-type]
            index.search_with_next(text, **kwargs),  # type: ignore[arg-type]
        )
    except Exception as exc:  # the same refusal, with the same message
        return type(exc), str(exc)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(searches=st.lists(st.tuples(queries, options), min_size=1, max_size=6))
def test_kept_plans_change_no_answer(warm, cold, searches):
    for text, kwargs in searches:
        # A fresh index without plans, and twice the warm one (planned, then
        # answered from its plan).
        assert answers(warm, text, kwargs) == answers(cold, text, kwargs)
        assert answers(warm, text, kwargs) == answers(cold, text, kwargs)


def test_another_house_number_on_the_same_street_reuses_the_plan(index_dir):
    with Index.open(index_dir) as index:
        first = index.search("12 rue de rivoli 75004 paris", limit=1)
        assert len(index.plans) == 1
        second = index.search("14 rue de rivoli 75004 paris", limit=1)
        assert len(index.plans) == 1
        assert first[0].housenumber == "12"
        assert second[0].housenumber == "14"
        # Other words, other filters or a lone number are other plans.
        index.search("rue de rivoli", limit=1)
        index.search("12 rue de rivoli 75004 paris", limit=1, type="street")
        index.search("12", limit=1)
        index.search("14", limit=1)
        assert len(index.plans) == 5


def test_the_least_recently_used_plans_are_dropped_past_the_size():
    plans = PlanCache(2)
    made = []

    def make(name: str) -> Plan:
        made.append(name)
        return Plan((name,), frozenset(), Filters(), [])

    for name in ("a", "b", "a", "c", "a", "b"):
        assert plans.get(name, lambda name=name: make(name)).words == (name,)
    # "b" was dropped when "c" came ("a" had just been used), then made again.
    assert made == ["a", "b", "c", "b"]
    assert len(plans) == 2


def test_a_batch_file_is_geocoded_the_same_with_plans_or_without(index_dir):
    # The same streets row after row, as batch files have them, other numbers.
    lines = ["adresse,postcode,city"] + [
        f"{number} {street},{postcode},{city}"
        for number in ("1", "2", "3", "12", "12 bis", "260", "7")
        for street, postcode, city in (
            ("Rue de Rivoli", "75004", "Paris"),
            ("Rue de Rivoli", "75001", "Paris"),
            ("Avenue du General Leclerc", "75014", "Paris"),
            ("RueRivoli", "", "Paris"),
            ("Route de Rodez", "12100", "Millau"),
            ("Chemin Inconnu", "", ""),
        )
    ]
    source = "\r\n".join(lines) + "\r\n"
    outputs = []
    for index in (Index.open(index_dir), without_plans(index_dir)):
        with index:
            out = io.StringIO()
            assert search_csv(index, io.StringIO(source), out) == len(lines) - 1
            outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    labels = {
        (row["adresse"], row["postcode"]): row["result_label"]
        for row in csv.DictReader(io.StringIO(outputs[0]))
    }
    assert labels["12 Rue de Rivoli", "75004"] == "12 Rue de Rivoli 75004 Paris"
    assert labels["3 Rue de Rivoli", "75001"] == "3 Rue de Rivoli 75001 Paris"


def test_a_house_number_is_found_as_in_the_street_list(warm):
    for segment in warm.segments:
        for doc in range(segment.size):
            start, keys = segment.housenumbers(doc)
            for key in [*keys, "999", "12z"]:
                expected = start + keys.index(key) if key in keys else -1
                assert segment.housenumber_at(doc, key) == expected


def test_a_batch_keeps_its_own_plans_and_gives_the_index_its_plans_back(index_dir):
    with Index.open(index_dir) as index:
        kept = index.plans
        during: list[PlanCache] = []
        source = "q\n" + "12 rue de rivoli\n" * 250
        search_csv(
            index, io.StringIO(source), io.StringIO(),
            progress=lambda rows: during.append(index.plans),
        )  # fmt: skip
        assert during
        assert during[0] is not kept
        assert len(during[0]) == 1  # one street, one plan
        assert index.plans is kept
        with pytest.raises(ZeroDivisionError):
            search_csv(
                index, io.StringIO(source), io.StringIO(),
                progress=lambda rows: 1 / 0,
            )  # fmt: skip
        assert index.plans is kept


def test_the_house_number_tables_share_one_budget_for_every_source(
    index_dir, monkeypatch
):
    """An index of many sources (one per department) keeps at most the
    budget of decoded tables in all, not the budget once a source; answers
    stay right when tables are dropped and decoded again."""
    from fabrique.geocoder import segment as segments

    monkeypatch.setattr(segments, "HOUSENUMBER_CACHE", 3)
    tables = segments._HOUSENUMBERS
    with Index.open(index_dir) as index:
        assert len(index.segments) >= 2
        for _round in range(2):
            for segment in index.segments:
                for doc in range(segment.size):
                    start, keys = segment.housenumbers(doc)
                    for key in [*keys, "999"]:
                        expected = start + keys.index(key) if key in keys else -1
                        assert segment.housenumber_at(doc, key) == expected
                        assert tables._kept <= 3 or len(tables._tables) == 1
        keys_of = {segment._key for segment in index.segments}
        assert any(key in keys_of for key, _doc in tables._tables)
    # Closed, its sources leave nothing behind.
    assert not any(key in keys_of for key, _doc in tables._tables)
