"""DCAT-AP export from plain dicts: what the graph says, in every syntax."""

from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

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


def test_a_written_graph_is_freed_without_the_garbage_collector():
    """A page's graph and its triples go as soon as they are dropped: left
    in a reference cycle, they piled up until a full collection walked them,
    in the middle of some later request."""
    datasets = [data_commons(f"c{i}") for i in range(5)] + [transport_dataset()]
    gc.collect()
    gc.disable()
    try:
        graph = dcat.catalog_graph(catalog(datasets))
        assert dcat.serialise(graph).startswith(b"@prefix")
        assert graph.namespace_manager.store is graph.store
        del graph
        assert gc.collect() == 0
    finally:
        gc.enable()


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


def _rdflibs_own(graph: Graph, syntax: str = "turtle", base: str | None = None):
    """``graph`` written by rdflib alone: its default store, its serialiser."""
    plain = Graph(base=base)
    for prefix, namespace in graph.namespaces():
        plain.bind(prefix, namespace, replace=True)
    plain += graph
    return plain.serialize(format=syntax, encoding="utf-8")


# Texts and address parts with what Turtle escapes or cannot shorten:
# quotes, backslashes, line breaks, non-Latin letters, brackets, a final dot.
_TEXTS = st.text(
    alphabet=st.sampled_from(list("ab Zé\"'\\\n\r\t.()%_-~:#/ü中\u2028")),
    min_size=1,
    max_size=12,
)
_SLUGS = st.text(alphabet=st.sampled_from(list("az09-_.()%~")), min_size=1, max_size=8)


@st.composite
def _catalogues(draw):
    datasets = []
    for index in range(draw(st.integers(0, 4))):
        slug = f"{index}{draw(_SLUGS)}"
        if draw(st.booleans()):
            one = transport_dataset(
                slug,
                title=draw(_TEXTS),
                tags=draw(st.lists(_TEXTS, max_size=3)),
                licence=draw(st.sampled_from(["", "etalab-2.0", "MIT"])),
            )
            one["transport"]["formats"] = draw(
                st.lists(st.sampled_from(["gtfs", "netex", "gbfs", "other"]))
            )
            one["transport"]["bbox"] = draw(st.sampled_from([None, (1, 2, 3.5, 4)]))
            one["transport"]["coverage"] = draw(_TEXTS)
        else:
            one = data_commons(
                slug,
                title=draw(_TEXTS),
                summary=draw(st.sampled_from(["", "Résumé"])),
                description=draw(_TEXTS),
                tags=draw(st.lists(_TEXTS, max_size=3)),
                themes=[
                    {"uri": f"{BASE}/themes/{draw(_SLUGS)}/", "label": draw(_TEXTS)}
                    for _ in range(draw(st.integers(0, 2)))
                ],
                distributions=draw(st.sampled_from([[], None]))
                or data_commons(slug)["distributions"],
                source=draw(st.sampled_from(["", "https://ailleurs.example/c/1"])),
            )
        datasets.append(one)
    language = draw(st.sampled_from(["fr", "en", "", "de"]))
    return catalog(datasets, language=language)


@settings(max_examples=80, deadline=None)
@given(_catalogues())
def test_any_catalogue_is_written_as_rdflib_writes_it(data):
    """Byte for byte, whatever the texts and addresses hold."""
    graph = dcat.catalog_graph(data)
    assert dcat.serialise(graph) == _rdflibs_own(graph)
    assert sorted(dcat.serialise(graph, "nt").splitlines()) == sorted(
        _rdflibs_own(graph, "nt").splitlines()
    )


_NODES = st.sampled_from(
    [URIRef(f"{BASE}/n/{i}") for i in range(4)]
    + [URIRef("http://www.w3.org/ns/dcat#Dataset"), URIRef(f"{BASE}/x.")]
    + [BNode(f"b{i}") for i in range(3)]
)
_PREDICATES = st.sampled_from(
    [
        RDF.type,
        DCTERMS.title,
        DCAT.keyword,
        URIRef("http://other.example/p#q"),
        RDF.first,
        RDF.rest,
        BNode("bp"),
    ]
)
_OBJECTS = st.one_of(
    _NODES,
    st.sampled_from([RDF.nil]),
    st.builds(
        Literal,
        st.one_of(st.sampled_from(["x", 'a "b"']), _TEXTS),
        lang=st.sampled_from([None, "fr", "FR", "en-GB"]),
    ),
    st.builds(
        Literal,
        st.sampled_from(["1", "01", "2025-01-02", "true", "x"]),
        datatype=st.sampled_from(
            [XSD.integer, XSD.date, XSD.boolean, URIRef("http://other.example/t")]
        ),
    ),
)
_TRIPLES = st.lists(st.tuples(_NODES, _PREDICATES, _OBJECTS), max_size=25)


@settings(max_examples=150, deadline=None)
@given(_TRIPLES, st.sampled_from([None, f"{BASE}/n/"]))
def test_any_graph_is_written_as_rdflib_writes_it(triples, base):
    """The serialiser's shortcuts hold for graphs the export never makes too:
    blank nodes (inlined, lists), language tags differing in case only,
    typed literals, a base address; else rdflib's own code runs."""
    graph = dcat.new_graph()
    for triple in triples:
        graph.add(triple)
    if base:
        graph.base = base
    try:
        expected = _rdflibs_own(graph, base=base)
    except Exception as error:  # rdflib cannot write it: neither can we
        with pytest.raises(type(error)):
            dcat.serialise(graph)
        return
    assert dcat.serialise(graph) == expected


_PATTERNS = st.tuples(
    st.one_of(st.none(), _NODES),
    st.one_of(st.none(), _PREDICATES),
    st.one_of(st.none(), _OBJECTS),
)


@settings(max_examples=150, deadline=None)
@given(_TRIPLES, st.lists(_PATTERNS, max_size=6), _TRIPLES, _PATTERNS)
def test_export_store_answers_as_rdflibs_store(triples, patterns, more, removed):
    """The lazily indexed store holds and returns the same triples, in the
    same order, as rdflib's SimpleMemory: before any other index is needed,
    after, and after more triples are added and some removed."""
    ours = dcat.new_graph()
    theirs = Graph(store="SimpleMemory")

    def same() -> None:
        assert len(ours) == len(theirs)
        assert list(ours) == list(theirs)
        for pattern in patterns:
            assert list(ours.triples(pattern)) == list(theirs.triples(pattern))

    for graph in (ours, theirs):
        for triple in triples:
            graph.add(triple)
    same()
    for graph in (ours, theirs):
        for triple in more:
            graph.add(triple)
        graph.remove(removed)
    same()
