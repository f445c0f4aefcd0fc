"""Search that forgives: synonyms of the field, and the closest spelling.

Runs on the configured database: SQLite FTS5 by default, PostgreSQL full text
with DATABASE_URL=postgres://…
"""

from __future__ import annotations

import threading

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fabrique.core.search import search
from fabrique.core.search.suggest import Vocabulary, closest, distance
from fabrique.core.search.synonyms import alternatives
from tests.core.test_search_service import commons, titles


def test_a_word_of_the_field_brings_its_french_or_english_equivalents():
    assert "bike" in alternatives("vélo")
    assert "vélo" in alternatives("bikes")
    assert "carpooling" in alternatives("Covoiturage")
    assert "trottinette" in alternatives("scooter")


def test_words_with_a_second_everyday_meaning_are_left_alone():
    # "car" is also French "because", "marché" a market, "carte" a card.
    for word in ("car", "marché", "marche", "carte", "cycle"):
        assert alternatives(word) == (), word


@pytest.mark.django_db
def test_an_english_word_finds_the_french_commons_and_the_reverse():
    commons("Vélos partagés de Belvallon")
    commons("Carpooling for commuters", summary="Open source.")
    commons("Horaires des navettes", summary="Transport à la demande.")
    assert titles(search("bike ")) == ["Vélos partagés de Belvallon"]
    assert titles(search("covoiturage ")) == ["Carpooling for commuters"]
    assert titles(search("shuttle ")) == ["Horaires des navettes"]
    assert search("bike ").corrected is False


@pytest.mark.django_db
def test_a_misspelt_word_finds_the_results_of_its_closest_spelling():
    commons("Trottinettes en libre-service", summary="Une flotte de trottinettes.")
    commons("Comptage des vélos")
    result = search("trotinette ")
    assert titles(result) == ["Trottinettes en libre-service"]
    assert result.corrected
    assert result.asked == "trotinette"
    assert result.suggestion == "trottinettes"


@pytest.mark.django_db
def test_a_query_near_nothing_stays_empty_without_suggestion():
    commons("Trottinettes en libre-service")
    result = search("zzqxwv ")
    assert result.total == 0
    assert not result.corrected
    assert result.suggestion == ""


@pytest.mark.django_db
def test_a_filter_that_excludes_the_correction_keeps_the_suggestion_only():
    commons("Trottinettes en libre-service", kind="data")
    result = search("trotinette ", filters={"kind": ["software"]})
    assert result.total == 0
    assert not result.corrected
    assert result.suggestion == "trottinettes"


@pytest.mark.django_db
def test_the_list_page_says_which_spelling_it_searched(client):
    commons("Trottinettes en libre-service")
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("catalog:commons_list"), {"q": "trotinette "}).content
    page = html.decode()
    assert "Aucun résultat pour « trotinette »" in page
    assert "Trottinettes en libre-service" in page


words = st.text(alphabet="abcdeé", min_size=0, max_size=8)


@given(words, words)
def test_the_edit_distance_is_a_distance(a, b):
    assert distance(a, b) == distance(b, a)
    assert (distance(a, b) == 0) == (a == b)
    assert distance(a, b) <= max(len(a), len(b))


@given(st.text(alphabet="abcdefgh", min_size=4, max_size=9), st.data())
def test_the_closest_word_is_never_more_than_two_edits_away(word, data):
    vocabulary_words = data.draw(
        st.lists(st.text(alphabet="abcdefgh", min_size=4, max_size=9), max_size=20)
    )
    from collections import Counter

    from fabrique.core.search.suggest import _deletions

    counts = Counter(vocabulary_words)
    deletions: dict[str, set[str]] = {}
    for known in counts:
        for variant in _deletions(known):
            deletions.setdefault(variant, set()).add(known)
    vocabulary = Vocabulary(counts, {w: w for w in counts}, deletions)
    found = closest(word, vocabulary)
    if word in counts:
        assert found is None
    elif found is not None:
        assert distance(word, found) <= 2
    # A word one substitution away from a known one is always found.
    if counts and word not in counts:
        near = next(iter(counts))
        if distance(word, near) == 1:
            assert found is not None


@pytest.mark.django_db(transaction=True)
def test_a_large_catalogue_reads_its_vocabulary_without_holding_the_search(
    monkeypatch,
):
    """Above SYNC_DOCUMENTS, the vocabulary is read by a thread of its own:
    the first empty search answers at once, without a correction, and the
    next one, once the vocabulary is there, is corrected."""
    from fabrique.core.search import suggest

    monkeypatch.setattr(suggest, "SYNC_DOCUMENTS", 1)
    commons("Trottinettes en libre-service", summary="Une flotte de trottinettes.")
    commons("Comptage des vélos")
    started = threading.Event()
    release = threading.Event()
    real_build = suggest.build

    def slow_build() -> suggest.Vocabulary:
        started.set()
        assert release.wait(30), "the test never released the build"
        return real_build()

    monkeypatch.setattr(suggest, "build", slow_build)
    first = search("trotinette ")
    assert first.total == 0
    assert not first.corrected
    assert started.wait(30)  # the build runs while the search has answered
    release.set()
    assert suggest.wait_for_vocabulary(30) is not None
    second = search("trotinette ")
    assert second.corrected
    assert titles(second) == ["Trottinettes en libre-service"]
