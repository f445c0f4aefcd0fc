"""Harvesting DCAT-AP catalogues, udata and CKAN portals into commons.

The udata and CKAN answers are written here in the shapes of their public
API documentation (udata ``GET /api/1/datasets/`` and ``/api/1/reuses/``
pages with ``data`` and ``next_page``; CKAN ``package_search`` with
``result.count`` and ``result.results``), not copied from real answers.
"""

from __future__ import annotations

import pytest

from fabrique.catalog.models import Commons
from fabrique.federation import harvest
from fabrique.federation.models import HarvestSource, RemoteCommons
from fabrique.standards import dcat

pytestmark = pytest.mark.django_db(transaction=True)

SWEDISH = (
    "standards/mobilitydcat-ap/drafts-latest/examples/"
    "SE_NAP_dataset_expressed_in_mobilityDCAT-AP_original_population_240205.xml"
)
UDATA = "https://udata.example"
CKAN = "https://ckan.example"


def source(url: str, kind: str, **fields) -> HarvestSource:
    return HarvestSource.objects.create(name=kind, url=url, kind=kind, **fields)


def test_the_swedish_mobilitydcat_ap_example_gives_its_dataset(recorded, shared_data):
    body = (shared_data / SWEDISH).read_bytes()
    url = "https://nap.example/catalogue.rdf"
    recorded.add(url, body, media="application/rdf+xml")
    run = harvest.run_source(source(url, "dcat"))
    assert (run.created, run.failed, run.stopped) == (1, [], "")
    commons = Commons.objects.get()
    assert commons.title.startswith("Traffic signs expressing traffic regulations")
    assert (commons.kind, commons.licence) == ("data", "CC0-1.0")
    assert commons.tags == ["Act B", "Datex", "Speed limits"]
    remote = commons.remote
    assert remote.origin_uri == (
        "https://www.trafficdata.se/dataset/ec459578-a11f-4728-acaa-16b08ae45cfa"
    )
    assert remote.contributors[0]["name"] == "Trafikverket"
    # Again: nothing changes, nothing is duplicated.
    again = harvest.run_source(HarvestSource.objects.get())
    assert (again.created, again.unchanged) == (0, 1)


def catalogue_page(n: int, next_url: str = "", source_uri: str = "") -> bytes:
    data = {
        "uri": f"https://portal.example/datasets/{n}",
        "title": f"Jeu {n}",
        "summary": "Des données.",
        "description": "",
        "landing_page": f"https://portal.example/datasets/{n}",
        "tags": [],
        "themes": [],
        "licence": "CC-BY-4.0",
        "created": None,
        "modified": None,
        "publisher": None,
        "contact": None,
        "distributions": [],
        "source": source_uri,
    }
    page = None
    if next_url:
        page = {
            "uri": f"https://portal.example/catalogue.ttl?page={n}",
            "first": "https://portal.example/catalogue.ttl?page=1",
            "last": "",
            "next": next_url,
            "previous": "",
            "total": 3,
            "per_page": 1,
        }
    graph = dcat.catalog_graph(
        {
            "uri": "https://portal.example/catalogue",
            "title": "Portail",
            "description": "Un portail.",
            "homepage": "https://portal.example/",
            "language": "fr",
            "publisher": {"uri": "https://portal.example/", "name": "Portail"},
            "spatial": "http://publications.europa.eu/resource/authority/country/FRA",
            "datasets": [data],
            "page": page,
        }
    )
    return dcat.serialise(graph, "turtle")


def test_a_paged_dcat_catalogue_is_walked_page_after_page(recorded):
    base = "https://portal.example/catalogue.ttl"
    recorded.add(base, catalogue_page(1, f"{base}?page=2"), media="text/turtle")
    recorded.add(f"{base}?page=2", catalogue_page(2, f"{base}?page=3"))
    recorded.add(f"{base}?page=3", catalogue_page(3))
    run = harvest.run_source(source(base, "dcat"))
    assert (run.created, run.requests, run.stopped) == (3, 3, "")


def test_a_cycling_next_link_is_detected_and_nothing_is_deleted(recorded):
    base = "https://portal.example/catalogue.ttl"
    recorded.add(base, catalogue_page(1, f"{base}?page=2"), media="text/turtle")
    recorded.add(f"{base}?page=2", catalogue_page(2, base))
    run = harvest.run_source(source(base, "dcat"))
    assert run.created == 2
    assert "repeats an address already read" in run.stopped
    assert run.requests == 2


def test_a_copy_in_a_dcat_catalogue_keeps_its_first_origin(recorded):
    base = "https://portal.example/catalogue.ttl"
    first = "https://origin.example/communs/velos/"
    recorded.add(base, catalogue_page(1, source_uri=first), media="text/turtle")
    harvest.run_source(source(base, "dcat"))
    remote = RemoteCommons.objects.get()
    assert (remote.origin_uri, remote.origin_instance) == (
        first,
        "https://origin.example",
    )


def test_invalid_rdf_stops_the_run_with_its_reason(recorded, shared_data):
    broken = (
        "standards/mobilitydcat-ap/drafts-latest/examples/"
        "SE_NAP_dataset_expressed_in_mobilityDCAT-AP_minimum_population_240205.ttl"
    )
    url = "https://nap.example/catalogue.ttl"
    recorded.add(url, (shared_data / broken).read_bytes(), media="text/turtle")
    run = harvest.run_source(source(url, "dcat"))
    assert "invalid RDF" in run.stopped
    assert "line 62" in run.stopped
    assert not Commons.objects.exists()


def udata_dataset(n: int, **extra) -> dict:
    return {
        "id": f"ds{n}",
        "title": f"Horaires du réseau {n}",
        "slug": f"horaires-{n}",
        "description": "Les horaires **GTFS** du réseau.",
        "page": f"{UDATA}/fr/datasets/horaires-{n}/",
        "license": "fr-lo",
        "tags": ["transport", "gtfs"],
        "organization": {
            "id": "org1",
            "name": "Métropole",
            "slug": "metropole",
            "page": f"{UDATA}/fr/organizations/metropole/",
        },
        "resources": [
            {
                "id": "r1",
                "title": "GTFS",
                "format": "zip",
                "url": f"https://files.example/gtfs-{n}.zip",
            }
        ],
        "created_at": "2025-01-01T00:00:00",
        "last_modified": "2025-06-01T00:00:00",
        "deleted": None,
        **extra,
    }


def test_udata_datasets_and_reuses_become_data_and_service_commons(recorded):
    first = f"{UDATA}/api/1/datasets/?page_size=100"
    recorded.add(
        first,
        {
            "data": [udata_dataset(1)],
            "next_page": f"{UDATA}/api/1/datasets/?page=2&page_size=100",
            "page": 1,
            "page_size": 100,
            "total": 2,
        },
    )
    recorded.add(
        f"{UDATA}/api/1/datasets/?page=2&page_size=100",
        {"data": [udata_dataset(2)], "next_page": None, "page": 2, "total": 2},
    )
    recorded.add(
        f"{UDATA}/api/1/reuses/?page_size=100",
        {
            "data": [
                {
                    "id": "re1",
                    "title": "Calculateur d'itinéraires",
                    "description": "Une application.",
                    "url": "https://app.example/",
                    "page": f"{UDATA}/fr/reuses/calculateur/",
                    "tags": ["itinéraire"],
                    "organization": None,
                }
            ],
            "next_page": None,
            "total": 1,
        },
    )
    run = harvest.run_source(source(UDATA, "udata"))
    assert (run.created, run.failed, run.stopped) == (3, [], "")
    data = Commons.objects.get(title="Horaires du réseau 1")
    assert (data.kind, data.licence) == ("data", "etalab-2.0")
    assert data.download_url == "https://files.example/gtfs-1.zip"
    assert data.remote.contributors[0]["name"] == "Métropole"
    assert data.remote.origin_uri == f"{UDATA}/fr/datasets/horaires-1/"
    reuse = Commons.objects.get(kind="service")
    assert reuse.demo_url == "https://app.example/"


def test_a_ckan_portal_is_read_through_package_search(recorded):
    def package(n: int) -> dict:
        return {
            "id": f"pkg-{n}",
            "name": f"arrets-{n}",
            "title": f"Arrêts {n}",
            "notes": "Les arrêts du réseau.\nMis à jour chaque semaine.",
            "license_id": "odc-odbl",
            "state": "active",
            "private": False,
            "type": "dataset",
            "url": "",
            "organization": {"name": "ville", "title": "La Ville"},
            "tags": [{"name": "arrêts"}],
            "groups": [{"name": "mobilite", "title": "Mobilité"}],
            "resources": [
                {
                    "url": f"https://files.example/stops-{n}.csv",
                    "format": "CSV",
                    "name": "Arrêts",
                }
            ],
            "metadata_modified": "2025-06-01T00:00:00",
        }

    api = f"{CKAN}/api/3/action/package_search"
    pages = [[package(n) for n in range(100)], [package(100)]]
    recorded.add(
        f"{api}?rows=100&start=0&sort=id+asc",
        {"success": True, "result": {"count": 101, "results": pages[0]}},
    )
    recorded.add(
        f"{api}?rows=100&start=100&sort=id+asc",
        {"success": True, "result": {"count": 101, "results": pages[1]}},
    )
    run = harvest.run_source(source(CKAN, "ckan"))
    assert (run.created, run.requests, run.stopped) == (101, 2, "")
    one = Commons.objects.get(title="Arrêts 7")
    assert (one.licence, one.summary) == ("ODbL-1.0", "Les arrêts du réseau.")
    assert one.remote.origin_uri == f"{CKAN}/dataset/pkg-7"
    assert one.remote.origin_page == f"{CKAN}/dataset/arrets-7"
    assert one.remote.contributors[0]["name"] == "La Ville"


def test_a_ckan_page_that_repeats_is_a_loop(recorded):
    api = f"{CKAN}/api/3/action/package_search"
    same = {
        "success": True,
        "result": {"count": 500, "results": [{"id": "a", "title": "A"}] * 100},
    }
    recorded.add(f"{api}?rows=100&start=0&sort=id+asc", same)
    recorded.add(f"{api}?rows=100&start=100&sort=id+asc", same)
    run = harvest.run_source(source(CKAN, "ckan"))
    assert "repeats packages already read" in run.stopped
    assert Commons.objects.count() == 1


def test_filters_keep_only_the_kinds_and_licences_asked(recorded):
    first = f"{UDATA}/api/1/datasets/?page_size=100"
    recorded.add(
        first,
        {
            "data": [udata_dataset(1), udata_dataset(2, license="cc-by")],
            "next_page": None,
        },
    )
    recorded.add(
        f"{UDATA}/api/1/reuses/?page_size=100", {"data": [], "next_page": None}
    )
    chosen = source(
        UDATA, "udata", filter_kinds=["data"], filter_licences=["CC-BY-4.0"]
    )
    run = harvest.run_source(chosen)
    assert (run.created, run.skipped) == (1, 1)
    assert Commons.objects.get().licence == "CC-BY-4.0"
