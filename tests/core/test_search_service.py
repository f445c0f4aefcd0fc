"""The search service: matching, facets, sorts, pagination and bad requests.

Runs on the configured database: SQLite FTS5 by default, PostgreSQL full text
with DATABASE_URL=postgres://…
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.text import slugify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.catalog.models import Actor, Commons, Need, Place, Theme
from fabrique.core.search import SearchError, search

pytestmark = pytest.mark.django_db


def commons(title, *, summary="Un commun de mobilité.", themes=(), **fields):
    slug = fields.pop("slug", None) or slugify(title)[:50] or "x"
    fields.setdefault("kind", "software")
    item = Commons.objects.create(title=title, slug=slug, summary=summary, **fields)
    if themes:
        item.themes.set(themes)
    return item


def actor(name, **fields):
    slug = fields.pop("slug", None) or slugify(name)[:50]
    fields.setdefault("type", "association")
    return Actor.objects.create(name=name, slug=slug, **fields)


def titles(result):
    return [hit.title for hit in result.hits]


def test_search_ignores_accents_and_case():
    commons("Vélos en libre-service")
    assert titles(search("velo")) == ["Vélos en libre-service"]
    assert titles(search("VÉLOS")) == ["Vélos en libre-service"]


def test_search_finds_other_forms_of_a_french_word():
    commons("Outil pour partager des trajets")
    assert titles(search("partage")) == ["Outil pour partager des trajets"]
    assert titles(search("partagées ")) == ["Outil pour partager des trajets"]


def test_search_finds_english_plurals():
    commons("Charging stations map", summary="Open data of chargers.")
    assert titles(search("station ")) == ["Charging stations map"]


def test_the_last_word_matches_as_a_prefix_while_typed():
    commons("Covoiturage du quotidien")
    assert titles(search("covoit")) == ["Covoiturage du quotidien"]
    assert search("covoit ").total == 0


def test_every_word_is_required():
    commons("Vélo cargo ouvert")
    commons("Vélo électrique")
    assert titles(search("velo cargo ")) == ["Vélo cargo ouvert"]


def test_summary_description_tags_needs_and_themes_are_searched():
    theme = Theme.objects.create(slug="logistique", name="Logistique urbaine")
    item = commons(
        "Projet A",
        summary="Résumé sur les tricycles",
        description="Une **description** parlant de remorques",
        tags=["gbfs"],
        themes=[theme],
    )
    Need.objects.create(commons=item, title="Besoin de soudeurs", help_kind="skills")
    for word in ("tricycles", "remorques", "gbfs", "logistique", "soudeurs"):
        assert titles(search(word + " ")) == ["Projet A"], word


def test_kind_labels_are_searchable_in_french_and_english():
    commons("Projet B", kind="hardware")
    assert titles(search("matériel ")) == ["Projet B"]
    assert titles(search("hardware ")) == ["Projet B"]


def test_a_match_in_the_title_ranks_above_a_match_in_the_description():
    commons("Autre chose", description="On y parle un peu de tramway.")
    commons("Tramway de Grenoble")
    assert titles(search("tramway")) == ["Tramway de Grenoble", "Autre chose"]


def test_among_title_matches_the_shorter_title_comes_first():
    commons("Tramway et bus de la métropole grenobloise, horaires")
    commons("Tramway")
    commons("Tramway de Grenoble")
    assert titles(search("tramway")) == [
        "Tramway",
        "Tramway de Grenoble",
        "Tramway et bus de la métropole grenobloise, horaires",
    ]


def test_a_broad_word_with_a_narrow_filter_counts_the_intersection():
    for number in range(30):
        commons(f"Vélo {number}", kind="software" if number % 10 else "data")
    result = search("velo", types=["commons"], filters={"kind": ["data"]})
    assert result.total == 3
    assert {hit.title for hit in result.hits} == {"Vélo 0", "Vélo 10", "Vélo 20"}
    kinds = {value.value: value.count for value in result.facets[0].values}
    assert result.facets[0].name == "kind"
    assert kinds == {"data": 3, "software": 27}


def test_actors_are_found_by_name_and_place():
    lyon = actor("Mairie de Lyon", type="territory")
    Place.objects.create(actor=lyon, name="Hôtel de ville", city="Vénissieux",
                         lat=45.7, lon=4.8)  # fmt: skip
    assert titles(search("venissieux", types=["actor"])) == ["Mairie de Lyon"]
    assert search("lyon", types=["commons"]).total == 0


def test_hostile_queries_are_plain_text():
    commons("NEAR AND OR")
    for raw in ["NEAR(a b)", '"', "*", "velo*)", "a:* & !b", "\x00", "col:x"]:
        result = search(raw)
        assert result.total >= 0
    assert titles(search('"near" AND (or)')) == ["NEAR AND OR"]


def test_empty_query_lists_everything_newest_first():
    old = commons("Ancien")
    commons("Récent")
    Commons.objects.filter(pk=old.pk).update(updated=timezone.now() - timedelta(days=3))
    from fabrique.core.search.index import reindex

    reindex("commons", [old.pk])
    assert titles(search("", types=["commons"])) == ["Récent", "Ancien"]


def test_hits_carry_their_object_url_and_facets():
    theme = Theme.objects.create(slug="velo", name="Vélo")
    item = commons("Zèbre", kind="data", licence="ODbL-1.0", themes=[theme])
    hit = search("zebre").hits[0]
    assert (hit.type, hit.id, hit.url) == ("commons", item.pk, item.get_absolute_url())
    assert [(t.value, t.label) for t in hit.facets["theme"]] == [("velo", "Vélo")]
    assert hit.facets["kind"][0].value == "data"
    assert hit.score is not None


def test_sort_by_title_ignores_accents():
    for title in ("Zoé", "Étoile", "avion"):
        commons(title)
    assert titles(search("", sort="title")) == ["avion", "Étoile", "Zoé"]


def test_sort_by_updated_puts_the_newest_first():
    commons("Premier")
    commons("Second")
    assert titles(search("", sort="updated"))[0] == "Second"


def test_pages_split_the_results():
    for n in range(5):
        commons(f"Commun {n}", slug=f"c{n}")
    first = search("commun", sort="title", page=1, page_size=2)
    last = search("commun", sort="title", page=3, page_size=2)
    beyond = search("commun", sort="title", page=9, page_size=2)
    assert titles(first) == ["Commun 0", "Commun 1"]
    assert titles(last) == ["Commun 4"]
    assert (first.total, first.num_pages, first.next_page) == (5, 3, 2)
    assert (last.next_page, last.previous_page) == (None, 2)
    assert beyond.hits == []
    assert beyond.total == 5


def test_facets_count_the_matching_documents():
    velo = Theme.objects.create(slug="velo", name="Vélo")
    bus = Theme.objects.create(slug="bus", name="Bus")
    commons("Vélo A", kind="data", themes=[velo], licence="ODbL-1.0")
    commons("Vélo B", kind="software", themes=[velo, bus], licence="MIT")
    commons("Bus C", kind="software", themes=[bus], maturity="production")
    result = search("velo", types=["commons"])
    facets = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
    assert facets["kind"] == {"data": 1, "software": 1}
    assert facets["theme"] == {"velo": 2, "bus": 1}
    assert facets["licence"] == {"ODbL-1.0": 1, "MIT": 1}
    assert facets["maturity"] == {"idea": 2}
    labels = {v.value: v.label for f in result.facets for v in f.values}
    assert labels["velo"] == "Vélo"


def test_filters_combine_facets_and_accept_alternatives():
    commons("Un", kind="data", maturity="beta")
    commons("Deux", kind="software", maturity="beta")
    commons("Trois", kind="hardware", maturity="idea")
    chosen = search("", filters={"kind": ["data", "software"]}, sort="title")
    assert titles(chosen) == ["Deux", "Un"]
    both = search("", filters={"kind": ["data", "hardware"], "maturity": ["idea"]})
    assert titles(both) == ["Trois"]


def test_a_facet_counts_ignore_its_own_filter_but_not_the_others():
    commons("Un", kind="data", maturity="beta")
    commons("Deux", kind="software", maturity="beta")
    commons("Trois", kind="software", maturity="idea")
    result = search("", filters={"kind": ["data"]}, types=["commons"])
    facets = {f.name: f for f in result.facets}
    kinds = {v.value: (v.count, v.selected) for v in facets["kind"].values}
    assert kinds == {"software": (2, False), "data": (1, True)}
    assert {v.value: v.count for v in facets["maturity"].values} == {"beta": 1}


def test_open_needs_facet_follows_the_needs_status():
    item = commons("Avec besoin")
    commons("Sans besoin")
    need = Need.objects.create(commons=item, title="Testeurs", help_kind="testers")
    assert titles(search("", filters={"needs": ["open"]})) == ["Avec besoin"]
    need.status = Need.Status.MET
    need.save()
    assert search("", filters={"needs": ["open"]}).total == 0


def test_actor_type_facet():
    actor("Labo", type="lab")
    actor("Ville", type="territory")
    result = search("", types=["actor"], filters={"actor_type": ["lab"]})
    assert titles(result) == ["Labo"]
    names = [f.name for f in result.facets]
    assert names == ["actor_type", "city"]


def test_actors_can_be_filtered_by_the_city_of_their_places():
    lyon = actor("Vélo Lyon")
    Place.objects.create(actor=lyon, name="Atelier", city="Lyon", lat=45.7, lon=4.8)
    actor("Vélo Brest")
    result = search("velo", types=["actor"], filters={"city": ["Lyon"]})
    assert titles(result) == ["Vélo Lyon"]


def test_selected_values_without_matches_stay_listed():
    commons("Un", kind="data")
    result = search("", types=["commons"], filters={"licence": ["EUPL-1.2"]})
    licence = next(f for f in result.facets if f.name == "licence")
    assert [(v.value, v.count, v.selected) for v in licence.values] == [
        ("EUPL-1.2", 0, True)
    ]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"types": ["unicorn"]}, "types"),
        ({"filters": {"colour": ["red"]}}, "filters"),
        ({"types": ["actor"], "filters": {"kind": ["data"]}}, "filters"),
        ({"filters": {"kind": [f"x{n}" for n in range(51)]}}, "filters"),
        ({"sort": "random"}, "sort"),
        ({"page": 0}, "page"),
        ({"page": "2"}, "page"),
        ({"page_size": 101}, "page_size"),
    ],
)
def test_invalid_requests_name_the_faulty_parameter(arguments, field):
    with pytest.raises(SearchError) as error:
        search("velo", **arguments)
    assert error.value.field == field
    assert str(error.value).startswith(f"{field}: ")


def test_the_result_as_data_has_the_documented_keys():
    commons("Vélo")
    data = search("velo").as_dict()
    assert set(data) >= {
        "query", "types", "filters", "sort", "page", "page_size", "total",
        "hits", "facets", "num_pages", "next_page", "previous_page",
    }  # fmt: skip
    assert data["query"] == "velo*"
    assert set(data["hits"][0]) == {
        "type", "id", "title", "summary", "url", "updated", "score", "facets",
    }  # fmt: skip


@pytest.fixture
def some_commons():
    commons("Vélo NEAR partage", description="AND OR NOT a:* col: (x)")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.text(max_size=80),
        st.lists(
            st.sampled_from(
                [
                    '"',
                    "*",
                    "(",
                    ")",
                    "NEAR",
                    "AND",
                    "OR",
                    "NOT",
                    ":",
                    "&",
                    "|",
                    "!",
                    "^",
                    "-",
                    "+",
                    "'",
                    "\\",
                    "\x00",
                    "\x1f",
                    "vé",
                    "lo",
                    " ",
                    "<->",
                    "{",
                    "}",
                    "a:*",
                    "col:",
                ]
            ),
            max_size=12,
        ).map("".join),
    )
)
def test_no_query_text_makes_the_search_fail(some_commons, text):
    result = search(text, types=["commons"])
    assert result.total >= 0
    assert len(result.hits) <= result.page_size


def test_facet_values_with_colons_and_line_breaks_count_right():
    commons("Un", licence="LicenseRef-a:b")
    commons("Deux", licence="LicenseRef-a:b")
    result = search("", types=["commons"], filters={"licence": ["LicenseRef-a:b"]})
    licence = next(f for f in result.facets if f.name == "licence")
    assert [(v.value, v.count) for v in licence.values] == [("LicenseRef-a:b", 2)]
    assert result.total == 2


def test_facet_counts_can_be_skipped_when_only_hits_are_wanted():
    commons("Vélo", kind="data")
    result = search("velo", count_facets=False)
    assert result.total == 1
    assert [hit.title for hit in result.hits] == ["Vélo"]
    assert result.facets == []


def test_past_the_count_limit_totals_and_facet_counts_are_lower_bounds(monkeypatch):
    from fabrique.core.search import service

    monkeypatch.setattr(service, "COUNT_LIMIT", 3)
    for number in range(5):
        commons(f"Vélo {number}", kind="data" if number % 2 else "software")
    result = search("velo", types=["commons"])
    assert (result.total, result.total_exact) == (3, False)
    kind = next(f for f in result.facets if f.name == "kind")
    assert not kind.exact
    assert sum(v.count for v in kind.values) <= 4
    # Narrow enough: exact again.
    narrow = search("velo", types=["commons"], filters={"kind": ["data"]})
    assert (narrow.total, narrow.total_exact) == (2, True)
    # The list without words reads the exact totals kept by the indexer.
    assert search("", types=["commons"]).total_exact


@pytest.mark.parametrize("visits", [10, 1])
@pytest.mark.parametrize("scope", [["commons"], None])
@pytest.mark.parametrize("sort", ["relevance", "updated", "title"])
def test_a_broad_word_walks_its_pages_in_the_same_order(
    monkeypatch, sort, scope, visits
):
    # Past the count limit, pages are found by walking the index of their
    # order: the same hits, in the same order, as the exact way finds them,
    # for one type or several; and the same again when the walk gives up
    # (it reads at most WALK_VISITS documents a hit) and the page is ranked.
    from fabrique.core.search import service
    from fabrique.core.search.backends import get_backend

    if sort == "relevance" and get_backend().newest_first:
        pytest.skip(
            "this backend ranks a broad word's newest matches only: "
            "test_a_broad_word_is_ranked_among_its_newest_matches"
        )
    if scope is None:
        actor("Tramway association", summary="Le tramway pour tous.")
        actor("Atelier du tramway")

    for number in range(4):
        commons(f"Tramway {number}", kind="data" if number % 2 else "software")
    for number in range(8):
        commons(
            f"Ligne {number:02}",
            description="Le tramway passe ici.",
            kind="data" if number % 3 else "software",
        )
    commons("Autre chose", description="Un bus.")

    def walk(filters):
        pages = []
        for page in range(1, 6):
            result = search(
                "tramway", types=scope, sort=sort, page=page, page_size=3,
                filters=filters,
            )  # fmt: skip
            pages.append(titles(result))
        return pages, result.total_exact

    for filters in ({}, {"kind": ["data"]} if scope else {}):
        exact, was_exact = walk(filters)
        assert was_exact
        monkeypatch.setattr(service, "COUNT_LIMIT", 2)
        monkeypatch.setattr(service, "WALK_VISITS", visits)
        cache.clear()  # results are cached whatever the limit
        walked, was_exact = walk(filters)
        monkeypatch.undo()
        cache.clear()
        assert not was_exact
        assert walked == exact
        expected = (12 if not filters else 7) + (2 if scope is None else 0)
        assert len([t for page in walked for t in page]) == expected


def test_the_list_page_says_more_than_past_the_count_limit(client, monkeypatch):
    from fabrique.core.search import service

    monkeypatch.setattr(service, "COUNT_LIMIT", 3)
    for number in range(5):
        commons(f"Vélo {number}")
    page = client.get("/communs/", {"q": "velo"}).content.decode()
    assert "Plus de 3 résultats" in page or "More than 3 results" in page
    assert '+<span class="visually-hidden">' in page


def test_relevance_puts_title_matches_first_and_pages_walk_every_match_once():
    for number in range(4):
        commons(f"Tramway {number}", description="Rien d'autre.")
    for number in range(5):
        commons(f"Autre {number}", description="On y parle de tramway.")
    seen = []
    for page in range(1, 6):
        result = search("tramway", types=["commons"], page=page, page_size=2)
        assert result.total == 9
        seen += titles(result)
    assert len(seen) == len(set(seen)) == 9
    assert all(title.startswith("Tramway") for title in seen[:4])
    assert all(title.startswith("Autre") for title in seen[4:])
    # Sorted by title, the same documents.
    by_title = search("tramway", types=["commons"], sort="title", page_size=20)
    assert sorted(seen) == sorted(titles(by_title))


def test_pages_of_short_and_long_titles_follow_one_order():
    # Short titles rank first and may be found from an index of their own:
    # pages taken from it and pages past it must join without a gap.
    for number in range(5):
        commons(f"Tramway {number}")
    for number in range(5):
        commons(f"Tramway {number} entre la gare, le centre et les quartiers nord")
    for number in range(3):
        commons(f"Autre {number}", description="On y parle de tramway.")
    everything = titles(search("tramway", types=["commons"], page_size=100))
    assert len(everything) == 13
    assert everything[:5] == [f"Tramway {n}" for n in range(4, -1, -1)]
    assert all("quartiers" in title for title in everything[5:10])
    for size in (1, 2, 3, 4, 5, 6):
        walked = []
        for page in range(1, 14 // size + 2):
            walked += titles(
                search("tramway", types=["commons"], page=page, page_size=size)
            )
        assert walked == everything, size


def test_results_are_cached_until_the_index_changes(django_assert_max_num_queries):
    item = commons("Vélo cargo", summary="Un vélo pour livrer.")
    first = search("velo", types=["commons"])
    # Served from the cache: only the index generation is read.
    with django_assert_max_num_queries(1):
        again = search("velo", types=["commons"])
    assert again == first
    item.title = "Vélo cargo électrique"
    item.save()
    assert titles(search("velo", types=["commons"])) == ["Vélo cargo électrique"]
    item.delete()
    assert search("velo", types=["commons"]).total == 0


@pytest.mark.parametrize("limit", [None, 5])
@pytest.mark.parametrize("words", ["", "tramway"])
def test_facet_counts_with_several_filters_match_the_documents(
    monkeypatch, limit, words
):
    # Each facet counts the documents meeting every other filter (and the
    # words); the total, those meeting every filter. Past the count limit
    # the total is still exact when it is under the limit.
    from fabrique.core.search import service

    kinds, maturities, licences = ["data", "software", "hardware"], ["idea", "beta"], [
        "MIT", "ODbL-1.0", "kind:data"
    ]  # fmt: skip
    made = []
    for number in range(18):
        fields = {
            "kind": kinds[number % 3],
            "maturity": maturities[number % 2],
            "licence": licences[number % 5 % 3],
        }
        commons(f"Tramway {number}", **fields)
        made.append(fields)
    commons("Autre", kind="data", maturity="idea", licence="MIT")
    made_words = made if words else [*made, {"kind": "data", "maturity": "idea",
                                              "licence": "MIT"}]  # fmt: skip
    if limit:
        monkeypatch.setattr(service, "COUNT_LIMIT", limit)
    filters = {"kind": ["data", "software"], "maturity": ["beta"], "licence": ["MIT"]}
    result = search(words, types=["commons"], filters=filters)

    def meets(fields, but=None):
        return all(fields[n] in v for n, v in filters.items() if n != but)

    expected_total = sum(meets(f) for f in made_words)
    assert result.total == min(expected_total, limit or expected_total)
    assert result.total_exact == (limit is None or expected_total <= limit)
    for facet in result.facets:
        if facet.name not in filters:
            continue
        expected = Counter(f[facet.name] for f in made_words if meets(f, facet.name))
        got = {v.value: v.count for v in facet.values if v.count}
        if facet.exact:
            assert got == dict(expected), facet.name
        else:
            assert all(n <= expected[value] for value, n in got.items()), facet.name
    if limit is None:
        assert all(facet.exact for facet in result.facets)


def test_a_broad_word_is_ranked_among_its_newest_matches(monkeypatch):
    # On a backend scoring each match (SQLite's bm25), a word with more
    # matches than the count limit ("more than …") is ranked among its
    # newest matches of the types and filters, as many as the limit: title
    # matches first, then by score; each listed once, the older ones not.
    from fabrique.core.search import service
    from fabrique.core.search.backends import get_backend

    if not get_backend().newest_first:
        pytest.skip("this backend ranks every match of a broad word")
    for number in range(6):
        commons(
            f"Ligne {number}",
            description="Le tramway passe ici.",
            kind="data" if number % 2 else "software",
        )
    for number in range(4):
        commons(f"Tramway {number}", kind="data" if number % 2 else "software")
    commons("Ligne récente", description="Le tramway, le tramway, encore le tramway.")
    commons("Autre chose", description="Un bus.")
    monkeypatch.setattr(service, "COUNT_LIMIT", 6)

    def pages(**options):
        found = []
        for page in range(1, 5):
            result = search("tramway", types=["commons"], page=page, page_size=2,
                            **options)  # fmt: skip
            assert not result.total_exact
            found += titles(result)
        return found

    found = pages()
    assert sorted(found[:4]) == [f"Tramway {n}" for n in range(4)]
    assert found[4:] == ["Ligne récente", "Ligne 5"]  # three times the word, once
    cache.clear()
    monkeypatch.setattr(service, "COUNT_LIMIT", 3)
    found = pages(filters={"kind": ["data"]})
    assert sorted(found[:2]) == ["Tramway 1", "Tramway 3"]
    assert found[2:] == ["Ligne 5"]
