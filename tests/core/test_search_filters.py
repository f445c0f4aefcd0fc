"""Facet filters with words: the same documents, counts and scores as the
words alone, filtered afterwards.

On SQLite the filters are asked of FTS5 with the words (column ``f`` of the
full-text table); on PostgreSQL of the GIN index. Runs on the configured
database: SQLite by default, PostgreSQL with DATABASE_URL=postgres://…
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.catalog.models import Commons, Theme
from fabrique.core.search import search
from fabrique.core.search.backends.sqlite import facet_token

pytestmark = pytest.mark.django_db

WORDS = ["velo", "tramway", "partage", "carte", "gare", "bus"]
KINDS = ["data", "software", "hardware"]
LICENCES = ["MIT", "ODbL-1.0", "LicenseRef-a:b", "CC-BY-4.0"]
THEMES = ["logistique", "marche", "rail"]

documents = st.lists(
    st.fixed_dictionaries(
        {
            "title": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
            "description": st.lists(st.sampled_from(WORDS), max_size=6),
            "kind": st.sampled_from(KINDS),
            "licence": st.sampled_from(LICENCES),
            "themes": st.sets(st.sampled_from(THEMES), max_size=3),
        }
    ),
    min_size=1,
    max_size=12,
)
filters = st.dictionaries(
    st.sampled_from(["kind", "licence", "theme"]),
    st.lists(
        st.sampled_from([*KINDS, *LICENCES, *THEMES, "nothing"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    max_size=3,
)


def everything(query, **arguments):
    """Every hit of a search, page after page, and its last result."""
    hits = []
    for page in range(1, 50):
        result = search(query, types=["commons"], page=page, page_size=5, **arguments)
        hits += result.hits
        if result.next_page is None:
            return hits, result
    raise AssertionError("too many pages")


def meets(hit, wanted):
    return all(
        any(tag.value in values for tag in hit.facets.get(name, []))
        for name, values in wanted.items()
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    documents,
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=2),
    st.booleans(),
    filters,
    st.sampled_from(["relevance", "updated", "title"]),
)
def test_filtered_words_find_the_unfiltered_hits_that_meet_the_filters(
    generated, words, typing, wanted, sort
):
    with transaction.atomic():
        themes = {
            slug: Theme.objects.get_or_create(slug=slug, defaults={"name": slug})[0]
            for slug in THEMES
        }
        for number, fields in enumerate(generated):
            item = Commons.objects.create(
                title=" ".join(fields["title"]),
                slug=f"commun-{number}",
                summary="Un commun.",
                description=" ".join(fields["description"]),
                kind=fields["kind"],
                licence=fields["licence"],
            )
            item.themes.set([themes[slug] for slug in fields["themes"]])
        cache.clear()
        query = " ".join(words) + ("" if typing else " ")
        if typing:
            query = query[:-2]
        unfiltered, _ = everything(query, sort=sort)
        filtered, result = everything(query, sort=sort, filters=wanted)
        expected = [hit for hit in unfiltered if meets(hit, wanted)]
        assert [(h.id, h.score) for h in filtered] == [
            (h.id, h.score) for h in expected
        ]
        assert result.total == len(expected)
        # A facet's counts ignore its own filter and keep the others.
        for facet in result.facets:
            others = {n: v for n, v in wanted.items() if n != facet.name}
            counted = Counter(
                tag.value
                for hit in unfiltered
                if meets(hit, others)
                for tag in hit.facets.get(facet.name, [])
            )
            found = {v.value: v.count for v in facet.values if v.count}
            assert found == {value: n for value, n in counted.items() if value in found}
            assert facet.exact
        transaction.set_rollback(True)


def test_a_document_with_more_facets_than_words_is_filtered_right():
    themes = [
        Theme.objects.create(slug=f"theme-{n}", name=f"Thème {n}") for n in range(6)
    ]
    item = Commons.objects.create(
        title="Gare", slug="gare", summary="", kind="data", licence="MIT"
    )
    item.themes.set(themes)
    Commons.objects.create(title="Gare", slug="gare-2", summary="", kind="software")
    for name, values, found in [
        ("theme", ["theme-3"], ["gare"]),
        ("theme", ["rail"], []),
        ("kind", ["software"], ["gare-2"]),
    ]:
        result = search("gare", types=["commons"], filters={name: values})
        assert (
            sorted(hit.url.rstrip("/").rsplit("/", 1)[-1] for hit in result.hits)
            == found
        )


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the column of facet tokens is SQLite's"
)
def test_facet_tokens_leave_the_scores_of_the_words_as_they_were():
    # The same texts in a table without column f: every word's bm25 score,
    # read whole, in titles only, and with a filter, is the same to the bit.
    themes = [Theme.objects.create(slug=f"t{n}", name=f"T {n}") for n in range(8)]
    for number in range(30):
        item = Commons.objects.create(
            title=" ".join(WORDS[: 1 + number % 4]) + " ταξί" * (number % 2),
            slug=f"c{number}",
            summary="Résumé " * (number % 5),
            description=" ".join(WORDS[number % 6 :] * (number % 3)),
            kind=KINDS[number % 3],
        )
        item.themes.set(themes[: number % 9])
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.plain USING fts5(a, b, c, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        cursor.execute(
            "INSERT INTO temp.plain (rowid, a, b, c) "
            "SELECT rowid, a, b, c FROM core_searchindex"
        )
        cursor.execute(
            "SELECT count(*) FROM core_searchindex "
            "WHERE substr(f, 1, 2) IN ('_k', '_o')"
        )
        assert cursor.fetchone()[0] == 30
        for words in ['"velo"', '"gare" OR "tramway"', '"part"*', '"taxi"', '"ταξι"']:
            whole = {}
            for expression in (words, f"{{a}} : ({words})"):
                cursor.execute(
                    "SELECT rowid, bm25(core_searchindex, 10.0, 4.0, 1.0, 0.0) "
                    "FROM core_searchindex WHERE core_searchindex MATCH %s",
                    [expression],
                )
                scores = dict(cursor.fetchall())
                cursor.execute(
                    "SELECT rowid, bm25(plain, 10.0, 4.0, 1.0) FROM temp.plain "
                    "WHERE plain MATCH %s",
                    [expression],
                )
                assert scores == dict(cursor.fetchall())
                assert scores or words == '"taxi"'
                whole = whole or scores
            cursor.execute(
                "SELECT rowid, bm25(core_searchindex, 10.0, 4.0, 1.0, 0.0) "
                "FROM core_searchindex WHERE core_searchindex MATCH %s",
                [f'({words}) AND "{facet_token("kind:data")}"'],
            )
            narrowed = dict(cursor.fetchall())
            assert narrowed.items() <= whole.items()
            assert narrowed or not whole
        cursor.execute("DROP TABLE temp.plain")


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the column of facet tokens is SQLite's"
)
def test_column_f_is_padded_to_the_length_of_the_text_columns():
    from fabrique.core.search.backends.sqlite import _varints, even_out, facet_column

    Commons.objects.create(
        title="Gare", slug="long", summary="", description="velo " * 300, kind="data"
    )
    Commons.objects.create(title="ταξί", slug="taxi", summary="", kind="software")

    def sizes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, sz FROM core_searchindex_docsize")
            return {pk: _varints(bytes(size)) for pk, size in cursor.fetchall()}

    found = sizes()
    assert max(a + b + c for a, b, c, _ in found.values()) > 300
    assert all(a + b + c == f for a, b, c, f in found.values())
    # A row padded wrong (as when FTS5 counts a word otherwise) is padded again.
    pk = min(found)
    with connection.cursor() as cursor:
        cursor.execute("SELECT a, b, c FROM core_searchindex WHERE rowid = %s", [pk])
        a, b, c = cursor.fetchone()
        cursor.execute("DELETE FROM core_searchindex WHERE rowid = %s", [pk])
        cursor.execute(
            "INSERT INTO core_searchindex (rowid, a, b, c, f) "
            "VALUES (%s, %s, %s, %s, %s)",
            [pk, a, b, c, facet_column("kind:data", 1)],
        )
    assert even_out() == 1
    assert all(a + b + c == f for a, b, c, f in sizes().values())
    assert search("gare", filters={"kind": ["data"]}).total == 1
