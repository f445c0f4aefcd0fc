"""DCAT-AP exports on the web: by suffix, by Accept header, the paged catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from fabrique.catalog.models import Commons, Theme
from fabrique.standards import dcat, rdfio, shacl
from fabrique.standards.dcat import HYDRA
from fabrique.standards.mobility import MOBILITYDCATAP
from tests.catalog.factories import make_commons, make_theme, make_user
from tests.transport.factories import make_actor, make_dataset, make_resource

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def graph_of(response) -> Graph:
    media = response["Content-Type"].split(";")[0]
    syntax = dcat.SYNTAXES[dcat.MEDIA_TYPES[media]][0]
    return rdfio.parse(response.content, syntax=syntax)


@pytest.fixture
def commons():
    return make_commons(
        themes=[make_theme("Vélo", "velo")],
        download_url="https://ville.example/velo.csv",
        repository_url="https://forge.example/velo",
    )


@pytest.fixture
def transport():
    user = make_user()
    dataset = make_dataset(
        user=user,
        publisher=make_actor(user=user, name="Régie de Belvallon"),
        coverage="Belvallon",
    )
    make_resource(dataset, user)
    make_resource(dataset, user, title="Vélos", format="gbfs")
    return dataset


@pytest.mark.parametrize("suffix", ["ttl", "rdf", "jsonld", "nt"])
def test_a_commons_by_suffix(client: Client, commons, suffix):
    response = client.get(f"/communs/{commons.slug}.{suffix}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        {"ttl": "text/turtle", "rdf": "application/rdf+xml",
         "jsonld": "application/ld+json", "nt": "application/n-triples"}[suffix]
    )  # fmt: skip
    g = graph_of(response)
    node = URIRef(f"{HOST}/communs/{commons.slug}/")
    assert (node, RDF.type, DCAT.Dataset) in g
    assert str(g.value(node, DCTERMS.title)) == commons.title
    assert str(g.value(node, DCAT.theme)) == f"{HOST}/themes/velo/"
    accesses = {
        str(g.value(d, DCAT.accessURL)) for d in g.objects(node, DCAT.distribution)
    }
    assert accesses == {"https://ville.example/velo.csv", "https://forge.example/velo"}


def test_an_unknown_suffix_or_slug_is_not_found(client: Client, commons):
    assert client.get(f"/communs/{commons.slug}.n3").status_code == 404
    assert client.get("/communs/nothing-here.ttl").status_code == 404


def test_accept_header_on_the_commons_page(client: Client, commons):
    url = f"/communs/{commons.slug}/"
    response = client.get(url, HTTP_ACCEPT="text/turtle")
    assert response["Content-Type"].startswith("text/turtle")
    assert "Accept" in response["Vary"]
    assert (URIRef(HOST + url), RDF.type, DCAT.Dataset) in graph_of(response)
    response = client.get(url, HTTP_ACCEPT="application/ld+json;q=0.9, text/html;q=0.5")
    assert response["Content-Type"].startswith("application/ld+json")
    page = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]
    assert (
        f'</communs/{commons.slug}.ttl>; rel="alternate"; type="text/turtle"'
        in (page["Link"])
    )
    html = page.content.decode()
    assert (
        f'<link rel="alternate" type="application/rdf+xml" '
        f'href="/communs/{commons.slug}.rdf">'
    ) in html


def test_a_hidden_commons_is_not_exported(client: Client, commons):
    Commons.objects.filter(pk=commons.pk).update(hidden=True)
    assert client.get(f"/communs/{commons.slug}.ttl").status_code == 404
    response = client.get(f"/communs/{commons.slug}/", HTTP_ACCEPT="text/turtle")
    assert response.status_code == 404


def test_a_transport_dataset_in_mobility_dcat_ap(client: Client, transport):
    response = client.get(f"/transport/jeux/{transport.slug}.ttl")
    assert response.status_code == 200
    g = graph_of(response)
    node = URIRef(f"{HOST}/communs/{transport.slug}/")
    assert (
        str(g.value(node, DCAT.landingPage))
        == f"{HOST}/transport/jeux/{transport.slug}/"
    )
    standards = {
        str(g.value(d, MOBILITYDCATAP.mobilityDataStandard))
        for d in g.objects(node, DCAT.distribution)
    }
    assert standards == {
        "https://w3id.org/mobilitydcat-ap/mobility-data-standard/gtfs",
        "https://w3id.org/mobilitydcat-ap/mobility-data-standard/gbfs",
    }
    publisher = g.value(node, DCTERMS.publisher)
    assert str(publisher).endswith(f"/acteurs/{transport.publisher.slug}/")
    # The departures API serves it.
    services = set(g.subjects(DCAT.servesDataset, node))
    assert URIRef(f"{HOST}/api/1/transport/datasets/") in services


def test_a_plain_commons_is_no_transport_dataset(client: Client, commons):
    assert client.get(f"/transport/jeux/{commons.slug}.ttl").status_code == 404


def _page(client: Client, query: str = "", suffix: str = "ttl") -> Graph:
    response = client.get(f"/catalogue.{suffix}{query}")
    assert response.status_code == 200, response.content
    return graph_of(response)


def _datasets(g: Graph) -> list[str]:
    return sorted(str(d) for d in g.subjects(RDF.type, DCAT.Dataset))


def test_the_catalogue_is_paged_in_a_stable_order(client: Client):
    user = make_user()
    made = [make_commons(user=user, title=f"Commun {i}") for i in range(5)]
    uris = [f"{HOST}/communs/{c.slug}/" for c in sorted(made, key=lambda c: c.pk)]
    first = _page(client, "?page_size=2")
    view = URIRef(f"{HOST}/catalogue.ttl?page_size=2&page=1")
    assert (view, RDF.type, HYDRA.PartialCollection) in first
    assert first.value(view, HYDRA.totalItems).toPython() == 5
    assert (
        str(first.value(view, HYDRA.next)) == f"{HOST}/catalogue.ttl?page_size=2&page=2"
    )
    assert (
        str(first.value(view, HYDRA.last)) == f"{HOST}/catalogue.ttl?page_size=2&page=3"
    )
    assert first.value(view, HYDRA.previous) is None
    seen = _datasets(first) + _datasets(_page(client, "?page_size=2&page=2"))
    last = _page(client, "?page_size=2&page=3")
    assert (
        last.value(URIRef(f"{HOST}/catalogue.ttl?page_size=2&page=3"), HYDRA.next)
        is None
    )
    seen += _datasets(last)
    assert sorted(seen) == sorted(uris)
    assert _datasets(first) == sorted(uris[:2])
    # Every page is a catalogue with the site's APIs as data services.
    catalogue = URIRef(f"{HOST}/catalogue")
    assert (catalogue, RDF.type, DCAT.Catalog) in last
    assert (catalogue, DCAT.service, URIRef(f"{HOST}/api/1/geocoder/")) in last


def test_modified_since_filters_the_catalogue(client: Client):
    user = make_user()
    old = make_commons(user=user, title="Ancien")
    new = make_commons(user=user, title="Récent")
    Commons.objects.filter(pk=old.pk).update(updated="2020-01-01T00:00:00Z")
    Commons.objects.filter(pk=new.pk).update(updated="2025-06-01T00:00:00Z")
    g = _page(client, "?modified_since=2024-01-01")
    assert _datasets(g) == [f"{HOST}/communs/{new.slug}/"]
    view = URIRef(f"{HOST}/catalogue.ttl?modified_since=2024-01-01&page=1")
    assert g.value(view, HYDRA.totalItems).toPython() == 1
    g = _page(client, "?modified_since=2019-12-31T23:00:00%2B00:00")
    assert len(_datasets(g)) == 2


@pytest.mark.parametrize(
    "query", ["?page=zero", "?page=0", "?page_size=-1", "?modified_since=yesterday"]
)
def test_bad_paging_values_are_refused_clearly(client: Client, query):
    response = client.get(f"/catalogue.ttl{query}")
    assert response.status_code == 400
    assert response.content


def test_page_size_is_capped_and_pages_past_the_end_are_not_found(client: Client):
    make_commons()
    g = _page(client, "?page_size=100000")
    view = next(g.subjects(RDF.type, HYDRA.PartialCollection))
    assert g.value(view, HYDRA.itemsPerPage).toPython() == 500
    assert client.get("/catalogue.ttl?page=2").status_code == 404


def test_the_catalogue_uri_negotiates(client: Client):
    make_commons()
    response = client.get("/catalogue", HTTP_ACCEPT="application/n-triples")
    assert response["Content-Type"].startswith("application/n-triples")
    assert client.get("/catalogue")["Content-Type"].startswith("text/turtle")


def test_hidden_commons_are_left_out_of_the_catalogue(client: Client):
    shown, hidden = make_commons(title="Visible"), make_commons(title="Caché")
    Commons.objects.filter(pk=hidden.pk).update(hidden=True)
    assert _datasets(_page(client)) == [f"{HOST}/communs/{shown.slug}/"]


def test_a_page_costs_a_fixed_number_of_queries(
    client: Client, transport, django_assert_max_num_queries
):
    user = make_user()
    theme = make_theme("Bus", "bus")
    for i in range(12):
        make_commons(user=user, title=f"Commun {i}", themes=[theme])
    with django_assert_max_num_queries(12):
        _page(client)


@pytest.fixture
def standards_dir(shared_data: Path) -> Path:
    try:
        return shacl.standards_dir(shared_data / "standards")
    except shacl.ShapesMissing as exc:
        pytest.skip(f"standards shapes not found: {exc}")


def test_exports_of_every_kind_conform(client: Client, transport, standards_dir):
    user = make_user()
    theme = make_theme("Bus", "bus")
    for kind in ["data", "software", "hardware", "knowledge", "service"]:
        make_commons(
            user=user, kind=kind, title=f"Un commun {kind}", themes=[theme],
            documentation_url="https://docs.example/",
        )  # fmt: skip
    make_commons(user=user, title="Sans rien", licence="", tags=[])
    catalogue = _page(client)
    report = shacl.run(catalogue, mobility=False, folder=standards_dir)
    assert [f for f in report.findings if f.severity == "error"] == []
    mobility = graph_of(client.get(f"/transport/jeux/{transport.slug}.ttl"))
    report = shacl.run(mobility, mobility=True, folder=standards_dir)
    assert [f for f in report.findings if f.severity == "error"] == []


def test_the_demo_commons_conform(client: Client, standards_dir):
    """The demo's 43 commons (its texts, links, themes and licences), without
    the rest of the demo (people, discussions, images) that exports ignore."""
    from fabrique.catalog.demo_data import COMMONS

    user = make_user()
    themes: dict[str, object] = {}
    for spec in COMMONS:
        for slug in spec["themes"]:
            themes[slug] = Theme.objects.get_or_create(
                slug=slug, defaults={"name": slug.replace("-", " ")}
            )[0]
        make_commons(
            user=user,
            themes=[themes[slug] for slug in spec["themes"]],
            title=spec["title"],
            summary=spec["summary"],
            description=spec["description"],
            kind=spec["kind"],
            tags=spec["tags"],
            licence=spec["licence"],
            maturity=spec["maturity"],
            **spec.get("links", {}),
        )
    g = _page(client, "?page_size=500")
    services = [c for c in COMMONS if c["kind"] == "service"]
    assert services
    assert len(_datasets(g)) == len(COMMONS) - len(services)
    commons_services = {
        s for s in g.subjects(RDF.type, DCAT.DataService) if "/communs/" in str(s)
    }
    assert len(commons_services) == len(services)
    report = shacl.run(g, mobility=False, folder=standards_dir)
    assert [f for f in report.findings if f.severity == "error"] == []


def test_a_service_commons_is_a_data_service(client: Client):
    service = make_commons(
        kind="service",
        title="Relais temps réel",
        themes=[make_theme("Bus", "bus")],
        demo_url="https://relais.example/api/",
        documentation_url="https://relais.example/docs/openapi.json",
        licence="MIT",
    )
    g = _page(client)
    node = URIRef(f"{HOST}/communs/{service.slug}/")
    assert (node, RDF.type, DCAT.DataService) in g
    assert (node, RDF.type, DCAT.Dataset) not in g
    assert (URIRef(f"{HOST}/catalogue"), DCAT.service, node) in g
    assert g.value(node, DCAT.endpointURL) == URIRef("https://relais.example/api/")
    assert g.value(node, DCAT.endpointDescription) == URIRef(
        "https://relais.example/docs/openapi.json"
    )
    assert g.value(node, DCTERMS.license) == URIRef("https://spdx.org/licenses/MIT")
    assert g.value(node, DCAT.theme) == URIRef(f"{HOST}/themes/bus/")
    # Its own export holds it too, without the site's APIs.
    alone = graph_of(client.get(f"/communs/{service.slug}.ttl"))
    assert (node, RDF.type, DCAT.DataService) in alone
    assert not set(alone.subjects(DCAT.endpointURL, None)) - {node}


def test_the_sites_apis_are_data_services_described_by_openapi(
    client: Client, transport
):
    g = _page(client)
    openapi = URIRef(f"{HOST}/api/1/openapi.json")
    assert client.get("/api/1/openapi.json").status_code == 200
    for path in ("/api/1/geocoder/", "/api/1/transport/datasets/"):
        api = URIRef(HOST + path)
        assert (api, RDF.type, DCAT.DataService) in g
        assert g.value(api, DCAT.endpointURL) == api
        assert g.value(api, DCAT.endpointDescription) == openapi
    departures = URIRef(f"{HOST}/api/1/transport/datasets/")
    assert set(g.objects(departures, DCAT.servesDataset)) == {
        URIRef(f"{HOST}/communs/{transport.slug}/")
    }


def test_services_conform_to_dcat_ap(client: Client, transport, standards_dir):
    user = make_user()
    theme = make_theme("Bus", "bus")
    make_commons(user=user, kind="service", title="Sans adresse", licence="")
    make_commons(
        user=user, kind="service", title="Avec tout", themes=[theme],
        demo_url="https://relais.example/api/",
        documentation_url="https://relais.example/docs/",
        tags=["temps réel"],
    )  # fmt: skip
    g = _page(client)
    assert len(set(g.subjects(RDF.type, DCAT.DataService))) == 4
    report = shacl.run(g, mobility=False, folder=standards_dir)
    assert [f for f in report.findings if f.severity == "error"] == []
