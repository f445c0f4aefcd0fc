"""The search index stays current on every save and delete, and rebuilds."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from fabrique.catalog.models import Actor, Commons, Need, Place, Theme
from fabrique.core.search import backends, search
from fabrique.core.search.index import rebuild, reindex
from fabrique.core.search.models import (
    SearchDocument,
    SearchEntry,
    SearchFacet,
    SearchFacetTotal,
)
from fabrique.core.search.registry import types

pytestmark = pytest.mark.django_db


def make_commons(title="Vélos partagés", **fields):
    fields.setdefault("slug", "velos")
    fields.setdefault("summary", "Un commun.")
    fields.setdefault("kind", "data")
    return Commons.objects.create(title=title, **fields)


def found(query, **options):
    return [hit.title for hit in search(query, **options).hits]


def theme_values(commons):
    return set(
        SearchFacet.objects.filter(
            document__type="commons", document__object_id=commons.pk, name="theme"
        ).values_list("value", flat=True)
    )


def test_commons_and_actors_are_registered():
    assert {"commons", "actor"} <= set(types())


def test_a_new_commons_is_found_at_once():
    make_commons()
    assert found("velo") == ["Vélos partagés"]


def test_an_edited_title_replaces_the_old_words():
    item = make_commons()
    item.title = "Trottinettes"
    item.save()
    assert found("velo ") == []
    assert found("trottinette") == ["Trottinettes"]
    assert SearchDocument.objects.filter(type="commons").count() == 1


def test_an_edit_that_keeps_the_facets_rewrites_the_document_in_place():
    item = make_commons(summary="Des vélos à partager.")
    document = SearchDocument.objects.get(type="commons", object_id=item.pk)
    facets = list(SearchFacet.objects.values_list("pk", "name", "value"))
    totals = stored_totals()
    item.summary = "Des trottinettes à prêter."
    item.title = "Trottinettes partagées"
    item.save()
    kept = SearchDocument.objects.get(type="commons", object_id=item.pk)
    assert kept.pk == document.pk
    assert (kept.title, kept.summary) == (item.title, item.summary)
    assert kept.sort_title == "trottinettes partagees"
    assert list(SearchFacet.objects.values_list("pk", "name", "value")) == facets
    assert stored_totals() == totals == counted_totals()
    assert found("trottinette") == ["Trottinettes partagées"]
    assert found("preter") == ["Trottinettes partagées"]
    assert found("velo") == []
    item.kind = "service"  # a facet changes: the document is replaced
    item.save()
    assert SearchDocument.objects.get(type="commons", object_id=item.pk).pk != kept.pk
    assert stored_totals() == counted_totals()
    assert stored_totals()[("commons", "kind", "service")] == 1


def test_a_deleted_commons_leaves_the_index():
    item = make_commons()
    item.delete()
    assert found("velo") == []
    assert not SearchDocument.objects.exists()
    assert not SearchFacet.objects.exists()


def test_a_hidden_commons_leaves_the_index_and_comes_back_when_restored():
    item = make_commons()
    item.hidden = True
    item.save()
    assert found("velo") == []
    item.hidden = False
    item.save()
    assert found("velo") == ["Vélos partagés"]


def test_adding_and_removing_themes_updates_the_document():
    item = make_commons()
    bus = Theme.objects.create(slug="bus", name="Autobus")
    item.themes.add(bus)
    assert theme_values(item) == {"bus"}
    assert found("autobus") == ["Vélos partagés"]
    item.themes.remove(bus)
    assert theme_values(item) == set()
    item.themes.add(bus)
    item.themes.clear()
    assert found("autobus") == []


def test_theme_changes_from_the_theme_side_update_the_commons():
    item = make_commons()
    bus = Theme.objects.create(slug="bus", name="Autobus")
    bus.commons.add(item)
    assert theme_values(item) == {"bus"}
    bus.commons.clear()
    assert theme_values(item) == set()
    bus.commons.set([item])
    assert theme_values(item) == {"bus"}


def test_renaming_or_deleting_a_theme_updates_its_commons():
    item = make_commons()
    theme = Theme.objects.create(slug="tram", name="Tramway")
    item.themes.add(theme)
    theme.name = "Métro léger"
    theme.save()
    assert found("metro") == ["Vélos partagés"]
    theme.delete()
    assert found("metro") == []
    assert theme_values(item) == set()


def test_needs_update_the_text_and_the_open_needs_facet():
    item = make_commons()
    need = Need.objects.create(commons=item, title="Soudeurs", help_kind="skills")
    assert found("soudeur") == ["Vélos partagés"]
    assert found("", filters={"needs": ["open"]}) == ["Vélos partagés"]
    need.status = Need.Status.CLOSED
    need.save()
    assert found("", filters={"needs": ["open"]}) == []
    need.delete()
    assert found("soudeur") == []


def test_places_update_their_actor():
    actor = Actor.objects.create(name="Atelier", slug="atelier", type="association")
    place = Place.objects.create(actor=actor, name="Local", city="Besançon",
                                 lat=47.2, lon=6.0)  # fmt: skip
    assert found("besancon") == ["Atelier"]
    place.city = "Dijon"
    place.save()
    assert found("besancon ") == []
    assert found("dijon") == ["Atelier"]
    place.delete()
    assert found("dijon") == []
    assert found("atelier") == ["Atelier"]


def test_a_deleted_actor_leaves_the_index():
    actor = Actor.objects.create(name="Atelier", slug="atelier", type="lab")
    Place.objects.create(actor=actor, name="Local", city="Metz", lat=49.1, lon=6.2)
    actor.delete()
    assert found("atelier") == []
    assert found("metz") == []


def test_bulk_writes_are_caught_up_by_a_rebuild():
    Commons.objects.bulk_create(
        [Commons(title=f"Commun {n}", slug=f"c{n}", summary="s", kind="data")
         for n in range(30)]
    )  # fmt: skip
    assert search("commun").total == 0
    # Other apps register types of their own: only these two are asserted.
    counts = rebuild(batch_size=7)
    assert (counts["actor"], counts["commons"]) == (0, 30)
    assert search("commun").total == 30
    assert rebuild(["commons"]) == {"commons": 30}
    assert SearchDocument.objects.count() == 30


def test_a_rebuild_leaves_the_planner_statistics_of_the_index_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL gathers them (SQLite does well without)")
    Commons.objects.bulk_create(
        [Commons(title=f"Commun {n}", slug=f"s{n}", summary="s", kind="data")
         for n in range(25)]
    )  # fmt: skip
    rebuild(["commons"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = 'core_searchentry'"
        )
        (rows,) = cursor.fetchone()
    assert rows == SearchDocument.objects.count() == 25


def test_reindexing_a_missing_object_removes_its_document():
    item = make_commons()
    # A raw delete sends no signal: the document outlives its object.
    Commons.objects.filter(pk=item.pk)._raw_delete(using="default")
    assert SearchDocument.objects.exists()
    reindex("commons", [item.pk])
    assert not SearchDocument.objects.exists()


def test_the_rebuild_command_rebuilds_and_reports(capsys):
    Commons.objects.bulk_create(
        [Commons(title="Vélo", slug="v", summary="s", kind="data")]
    )
    call_command("rebuild_search_index", "--type", "commons")
    assert "commons: 1 documents" in capsys.readouterr().out
    assert found("velo") == ["Vélo"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--type", "unicorn"], "unknown type 'unicorn'"),
        (["--batch-size", "0"], "--batch-size must be at least 1"),
    ],
)
def test_the_rebuild_command_refuses_bad_arguments(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("rebuild_search_index", *arguments)


def test_the_backend_follows_the_database_vendor(db):
    from django.db import connection

    backends._cache.clear()
    assert backends.get_backend().vendor == connection.vendor


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("elastic", "expected one of postgresql, sqlite"),
        ("fabrique.nowhere.Backend", "cannot import"),
    ],
)
def test_a_bad_backend_setting_is_refused_clearly(value, message):
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(FABRIQUE_SEARCH_BACKEND=value):
        backends._cache.clear()
        with pytest.raises(ImproperlyConfigured, match=message):
            backends.get_backend()
    backends._cache.clear()


def test_a_backend_for_another_database_is_refused():
    from django.core.exceptions import ImproperlyConfigured
    from django.db import connection

    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    with override_settings(FABRIQUE_SEARCH_BACKEND=other):
        backends._cache.clear()
        with pytest.raises(ImproperlyConfigured, match="needs a"):
            backends.get_backend()
    backends._cache.clear()


def counted_totals():
    """The facet totals as they should be, counted from the documents."""
    expected = {}
    for document in SearchDocument.objects.prefetch_related("facets"):
        key = (document.type, "", "")
        expected[key] = expected.get(key, 0) + 1
        for facet in document.facets.all():
            key = (document.type, facet.name, facet.value)
            expected[key] = expected.get(key, 0) + 1
    return expected


def stored_totals():
    return {
        (row.type, row.name, row.value): row.count
        for row in SearchFacetTotal.objects.exclude(type="")  # the generation
    }


def test_facet_totals_follow_every_change_of_the_index():
    bus = Theme.objects.create(slug="bus", name="Bus")
    first = make_commons()
    second = make_commons("Covoiturage", slug="covoit", kind="service")
    second.themes.add(bus)
    first.themes.add(bus)
    Need.objects.create(commons=first, title="Testeurs", help_kind="testers")
    actor = Actor.objects.create(name="Ville", slug="ville", type="territory")
    Place.objects.create(actor=actor, name="Mairie", city="Tours", lat=47.4, lon=0.7)
    assert stored_totals() == counted_totals()
    second.kind = "data"
    second.save()
    first.themes.remove(bus)
    first.hidden = True
    first.save()
    actor.delete()
    assert stored_totals() == counted_totals()
    assert stored_totals()[("commons", "kind", "data")] == 1
    rebuild()
    assert stored_totals() == counted_totals()


def test_the_list_without_words_counts_from_the_totals():
    make_commons()
    make_commons("Covoiturage", slug="covoit", kind="service")
    result = search("", types=["commons"])
    kinds = {v.value: v.count for f in result.facets if f.name == "kind"
             for v in f.values}  # fmt: skip
    assert result.total == 2
    assert kinds == {"data": 1, "service": 1}
    filtered = search("", types=["commons"], filters={"kind": ["data"]})
    kinds = {v.value: v.count for f in filtered.facets if f.name == "kind"
             for v in f.values}  # fmt: skip
    assert filtered.total == 1
    assert kinds == {"data": 1, "service": 1}


def test_the_backend_setting_accepts_the_documented_names():
    from django.db import connection

    name = "postgres" if connection.vendor == "postgresql" else "sqlite"
    with override_settings(FABRIQUE_SEARCH_BACKEND=name):
        backends._cache.clear()
        assert backends.get_backend().vendor == connection.vendor
    backends._cache.clear()


def test_postgresql_keeps_one_entry_per_document_as_the_index_changes():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("entries are PostgreSQL's: SQLite searches the documents")

    def entries_match_documents():
        documents = {
            row.pk: (row.type, row.updated, row.title, row.sort_title, row.facet_keys)
            for row in SearchDocument.objects.all()
        }
        entries = {
            row.pk: (row.type, row.updated, row.title, row.sort_title, row.facet_keys)
            for row in SearchEntry.objects.all()
        }
        assert entries == documents
        return len(entries)

    first = make_commons()
    second = make_commons("Covoiturage", slug="covoit", kind="service")
    assert entries_match_documents() == 2
    second.kind = "data"
    second.save()
    first.hidden = True
    first.save()
    assert entries_match_documents() == 1
    rebuild()
    assert entries_match_documents() == 1
    second.delete()
    assert entries_match_documents() == 0
