"""DCAT-AP export from plain dicts: what the graph says, in every syntax."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from fabrique.standards import dcat, rdfio
from fabrique.standards.mobility import MOBILITYDCATAP
from tests.standards.dcat_samples import (
    BASE,
    catalog,
    data_commons,
    transport_dataset,
)

MOBILITY = "https://w3id.org/mobilitydcat-ap/"


def test_catalogue_holds_datasets_distributions_services_and_publisher():
    g = dcat.catalog_graph(catalog([data_commons(), transport_dataset()]))
    cat = URIRef(f"{BASE}/catalogue")
    assert (cat, RDF.type, DCAT.Catalog) in g
    datasets = set(g.objects(cat, DCAT.dataset))
    assert datasets == {
        URIRef(f"{BASE}/communs/compteurs-velo/"),
        URIRef(f"{BASE}/transport/jeux/bus-belvallon/"),
    }
    velo = URIRef(f"{BASE}/communs/compteurs-velo/")
    assert g.value(velo, DCTERMS.title) == Literal(
        "Compteurs vélo de Belvallon", lang="fr"
    )
    assert set(g.objects(velo, DCAT.keyword)) == {
        Literal("vélo", lang="fr"),
        Literal("comptage", lang="fr"),
    }
    assert g.value(velo, DCAT.theme) == URIRef(f"{BASE}/themes/velo/")
    assert str(g.value(velo, DCTERMS.modified)) == "2025-06-01T12:00:00+00:00"
    assert str(g.value(velo, DCTERMS.issued)) == "2025-01-02T03:04:05+00:00"
    publisher = g.value(velo, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g
    assert str(g.value(publisher, FOAF.name)) == "Ville de Belvallon"
    distribution = g.value(velo, DCAT.distribution)
    assert g.value(distribution, DCAT.accessURL) == URIRef(
        "https://ville.example/velo.csv"
    )
    assert g.value(distribution, DCTERMS.license) == URIRef(
        "https://spdx.org/licenses/ODbL-1.0"
    )
    assert g.value(velo, DCAT.contactPoint) is not None
    assert g.value(velo, DCAT.landingPage) == velo
    service = URIRef(f"{BASE}/api/1/geocoder/")
    assert (cat, DCAT.service, service) in g
    assert (service, RDF.type, DCAT.DataService) in g
    assert g.value(service, DCAT.endpointURL) == service


def test_transport_dataset_carries_mobility_concepts():
    g = dcat.catalog_graph(catalog([transport_dataset()]))
    bus = URIRef(f"{BASE}/transport/jeux/bus-belvallon/")
    assert set(map(str, g.objects(bus, MOBILITYDCATAP.mobilityTheme))) == {
        MOBILITY + "mobility-theme/timetables-static",
        MOBILITY + "mobility-theme/real-time-estimated-departure-and-arrival-times",
    }
    assert str(g.value(bus, MOBILITYDCATAP.transportMode)) == (
        MOBILITY + "transport-mode/bus"
    )
    assert str(g.value(bus, MOBILITYDCATAP.networkCoverage)) == (
        MOBILITY + "network-coverage/other-public-transport-network"
    )
    assert str(g.value(bus, DCTERMS.accrualPeriodicity)).endswith("/frequency/DAILY")
    standards = {
        str(g.value(d, MOBILITYDCATAP.mobilityDataStandard))
        for d in g.objects(bus, DCAT.distribution)
    }
    assert standards == {
        MOBILITY + "mobility-data-standard/gtfs",
        MOBILITY + "mobility-data-standard/gtfs-rt",
    }
    place = g.value(bus, DCTERMS.spatial)
    assert "POLYGON((4.7 45.6" in str(g.value(place, DCAT.bbox))
    # The site's own themes stay as keywords: dcat:theme holds EU data themes.
    assert Literal("Bus", lang="fr") in set(g.objects(bus, DCAT.keyword))
    assert set(map(str, g.objects(bus, DCAT.theme))) == {dcat.TRANSPORT_THEME}


def test_without_bbox_the_catalogue_coverage_is_used():
    dataset = transport_dataset()
    dataset["transport"] = dict(dataset["transport"], bbox=None)
    g = dcat.catalog_graph(catalog([dataset]))
    bus = URIRef(f"{BASE}/transport/jeux/bus-belvallon/")
    assert str(g.value(bus, DCTERMS.spatial)).endswith("/country/FRA")


@pytest.mark.parametrize("syntax", sorted(dcat.SYNTAXES))
def test_every_syntax_reads_back_to_the_same_graph(syntax):
    g = dcat.catalog_graph(catalog([data_commons(), transport_dataset()]))
    data = dcat.serialise(g, syntax)
    back = rdfio.parse(data, syntax=dcat.SYNTAXES[syntax][0])
    assert len(back) == len(g)
    assert isomorphic(back, g)


def test_paged_catalogue_has_hydra_links():
    page = {
        "uri": f"{BASE}/catalogue.ttl?page=2",
        "first": f"{BASE}/catalogue.ttl?page=1",
        "previous": f"{BASE}/catalogue.ttl?page=1",
        "next": f"{BASE}/catalogue.ttl?page=3",
        "last": f"{BASE}/catalogue.ttl?page=3",
        "total": 250,
        "per_page": 100,
    }
    g = dcat.catalog_graph(catalog([data_commons()], page=page))
    node = URIRef(page["uri"])
    assert (node, RDF.type, dcat.HYDRA.PartialCollection) in g
    assert g.value(node, dcat.HYDRA.next) == URIRef(page["next"])
    assert g.value(node, dcat.HYDRA.totalItems).toPython() == 250


def test_unknown_syntax_is_refused_by_name():
    with pytest.raises(ValueError, match="'n3'"):
        dcat.serialise(Graph(), "n3")


def test_the_turtle_is_rdflibs_own_byte_for_byte():
    """The export's speed-ups (a store without context indexes, remembered
    prefixed names) change nothing in the document rdflib writes."""
    datasets = [data_commons(f"c{i}") for i in range(5)] + [transport_dataset()]
    ours = dcat.catalog_graph(catalog(datasets))
    plain = Graph()
    for prefix, namespace in ours.namespaces():
        plain.bind(prefix, namespace, replace=True)
    plain += ours
    assert dcat.serialise(ours) == plain.serialize(format="turtle", encoding="utf-8")
    assert sorted(dcat.serialise(ours, "nt").splitlines()) == sorted(
        plain.serialize(format="nt", encoding="utf-8").splitlines()
    )
