"""The best answer and the next score in one search, as batch geocoding writes them.

``Index.search_with_next`` must give exactly what ``search(limit=2)`` gives:
its first result and its second result's score; CSV's ``result_score_next``
is that score.
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
from fabrique.geocoder.errors import GeocoderError
from fabrique.geocoder.index import Index, build_source

# Words of the fixture files (streets, cities, postcodes, numbers, suffixes),
# their prefixes and near misses, and words no source holds.
WORDS = [
    "rue", "r", "de", "du", "la", "rivoli", "rivol", "rivloi", "riv", "avenue",
    "av", "general", "leclerc", "leclrc", "sentier", "l", "abbaye", "millau",
    "milau", "route", "rodez", "rod", "gare", "maison", "velo", "paris",
    "agen", "aveyron", "75001", "75004", "75014", "75011", "12100", "12630",
    "1", "2", "3", "4", "11", "12", "14", "260", "12a", "bis", "ter", "b",
    "chez", "dupont", "batiment", "zzzz", "qqq", "saint", "martin", "sq",
]  # fmt: skip
queries = st.lists(st.sampled_from(WORDS), min_size=1, max_size=7).map(" ".join)
options = st.fixed_dictionaries(
    {},
    optional={
        "autocomplete": st.booleans(),
        "type": st.sampled_from(["housenumber", "street", "municipality", "stop"]),
        "postcode": st.sampled_from(["75004", "12100", "75011"]),
        "citycode": st.sampled_from(["75104", "12145"]),
    },
)
points = st.one_of(
    st.none(),
    st.tuples(
        st.floats(min_value=43.5, max_value=49.5),
        st.floats(min_value=1.5, max_value=3.5),
    ),
)


@pytest.fixture(scope="module")
def opened(index_dir: Path) -> Iterator[Index]:
    with Index.open(index_dir) as index:
        yield index


def expected(index: Index, text: str, **kwargs: object) -> tuple[object, object]:
    results = index.search(text, limit=2, **kwargs)  # type: ignore[arg-type]
    return (
        results[0] if results else None,
        results[1].score if len(results) > 1 else None,
    )


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(text=queries, kwargs=options, point=points)
def test_search_with_next_is_what_a_limit_2_search_gives(opened, text, kwargs, point):
    if point is not None:
        kwargs = {**kwargs, "lat": point[0], "lon": point[1]}
    assert opened.search_with_next(text, **kwargs) == expected(opened, text, **kwargs)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(texts=st.lists(queries, min_size=1, max_size=8))
def test_csv_score_next_is_the_second_score_of_a_limit_2_search(opened, texts):
    source = "q\n" + "".join(f"{text}\n" for text in texts)
    out = io.StringIO()
    search_csv(opened, io.StringIO(source), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == len(texts)
    for text, row in zip(texts, rows, strict=True):
        best, following = expected(opened, text, autocomplete=False)
        if best is None or best.score <= 0.5:
            assert row["result_status"] == "not-found"
            continue
        assert row["result_id"] == best.id
        assert float(row["result_score"]) == round(best.score, 2)
        assert float(row["result_score_next"]) == round(following or 0, 2)


def test_a_place_held_by_two_sources_is_counted_once(geocoder_data, tmp_path):
    # The same file under two names: search() keeps one copy of each place;
    # the one-pass search must not count the copy as the next answer either.
    folder = tmp_path / "index"
    for name in ("ban", "ban-copy"):
        with open(geocoder_data / "ban_sample.csv", "rb") as handle:
            build_source(folder, name, "ban", [(handle, "ban_sample.csv")])
    with Index.open(folder) as index:
        for text in ("12 rue de rivoli 75004 paris", "rue de rivoli", "rivoli"):
            best, following = index.search_with_next(text)
            assert (best, following) == expected(index, text)
            assert best is not None
            assert following is None or following <= best.score
        best, following = index.search_with_next("12 rue de rivoli 75004 paris")
        assert best is not None
        assert best.id == "75104_8158_00012"
        assert following != best.score  # the copy (1.0) is not the next answer


def test_search_with_next_refuses_what_search_refuses(opened):
    with pytest.raises(GeocoderError, match="empty"):
        opened.search_with_next("   ")
    with pytest.raises(GeocoderError, match="postcode"):
        opened.search_with_next("rue de rivoli", postcode="!")
    assert opened.search_with_next("zzzz qqqq") == (None, None)


def test_a_word_being_typed_is_a_prefix_too_not_only_an_abbreviation(tmp_path):
    from fabrique.geocoder.index import build_documents

    folder = tmp_path / "index"
    streets = [
        ("Boulevard des Tamaris", 0.9), ("Rue des Bouleaux", 0.2),
        ("Rue du Général Foy", 0.9), ("Rue des Genêts", 0.2),
    ]  # fmt: skip
    documents = [
        {"id": f"s{i}", "type": "street", "name": name, "lat": 44.35, "lon": 2.57,
         "city": "Rodez", "postcode": "12000", "importance": importance}
        for i, (name, importance) in enumerate(streets)
    ]  # fmt: skip
    build_documents(folder, "streets", documents)
    with Index.open(folder) as index:
        # "boul" and "gen" are abbreviations (boulevard, général), but typed
        # last while autocompleting they may start another word.
        assert index.search("Rue des Boul", limit=1)[0].name == "Rue des Bouleaux"
        assert index.search("Rue des Gen", limit=1)[0].name == "Rue des Genêts"
        # Not autocompleting, the abbreviation is read as before.
        done = index.search("Rue des Boul", limit=1, autocomplete=False)
        assert done[0].name == "Boulevard des Tamaris"
        assert (
            index.search("Bd des Tamaris", limit=1)[0].name == "Boulevard des Tamaris"
        )
