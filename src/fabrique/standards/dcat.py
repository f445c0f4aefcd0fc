"""DCAT-AP 3.0 (and mobilityDCAT-AP for transport datasets), out and checked.

Export: :func:`catalog_graph` turns plain dicts (the web layer makes them from
its models) into an rdflib graph, :func:`serialise` writes it in one of the
RDF syntaxes through rdflib. Validation: :func:`validate` parses any RDF file
safely and checks it with the official SHACL shapes (``fabrique.standards.shacl``).

The dicts
---------
A *catalog*: ``uri``, ``title``, ``description``, ``homepage``, ``language``
(ISO 639-1, the language of the texts), ``publisher`` (an agent), ``spatial``
(a Location URI, the default coverage), ``modified``, optional ``page`` (hydra
paging: ``uri``, ``first``, ``last``, ``next``, ``previous``, ``total``,
``per_page``), ``datasets`` and ``services``.

A *dataset* (a commons of kind data, or a transport dataset): ``uri``,
``title``, ``summary``, ``description``, ``landing_page``, ``tags``,
``themes`` (``[{"uri", "label"}]``), ``licence`` (SPDX id), ``created``,
``modified`` (dates or datetimes), ``publisher`` (an agent or None),
``contact`` (``{"name", "url", "email"}`` or None), ``distributions``
(``[{"uri", "title", "access_url", "download_url", "format"}]``), and for a
transport dataset ``transport``: ``{"formats", "coverage", "bbox",
"transport_modes", "update_hours"}``.

An *agent*: ``uri``, ``name``, ``homepage``.
A *service* (a commons of kind service, or one of the site's APIs): ``uri``,
``title``, ``description``, ``endpoint_url``, ``endpoint_description``,
``landing_page``, ``licence``, ``serves`` (dataset URIs), ``publisher``, and
optionally ``summary``, ``tags``, ``themes``, ``created``, ``modified``,
``contact`` as for a dataset.

A dataset or a service harvested from another catalogue also has ``source``:
the URI of the original, written as ``dct:source`` and
``prov:wasDerivedFrom`` so that whoever harvests this catalogue keeps the
first origin (and recognises its own commons coming back).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import weakref
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    RDF,
    RDFS,
    SKOS,
    XSD,
    NamespaceManager,
)
from rdflib.plugins.serializers.turtle import (
    _GEN_QNAME_FOR_DT,
    OBJECT,
    VERB,
    TurtleSerializer,
)
from rdflib.plugins.stores.memory import SimpleMemory

from fabrique.standards import Finding, mobility, rdfio, shacl
from fabrique.standards.mobility import MOBILITYDCATAP

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
SPDX_LICENCES = "https://spdx.org/licenses/"

# The syntaxes an export is offered in: name -> (rdflib format, media type, suffix)
SYNTAXES: dict[str, tuple[str, str, str]] = {
    "turtle": ("turtle", "text/turtle", "ttl"),
    "xml": ("xml", "application/rdf+xml", "rdf"),
    "json-ld": ("json-ld", "application/ld+json", "jsonld"),
    "nt": ("nt", "application/n-triples", "nt"),
}
SUFFIXES = {suffix: name for name, (_, _, suffix) in SYNTAXES.items()}
MEDIA_TYPES = {media: name for name, (_, media, _) in SYNTAXES.items()}

# Fabrique resource format -> EU file type and IANA media type.
FILE_TYPES: dict[str, tuple[str, str]] = {
    "gtfs": ("ZIP", "application/zip"),
    "netex": ("ZIP", "application/zip"),
    "gbfs": ("JSON", "application/json"),
    "gtfs-rt": ("BIN", ""),
    # An unknown transport format: bytes (mobilityDCAT-AP needs a format).
    "other": ("OCTET", "application/octet-stream"),
}
LANGUAGES = {"fr": "FRA", "en": "ENG", "de": "DEU", "es": "SPA", "it": "ITA"}
# The data theme (EU vocabulary) of every transport dataset.
TRANSPORT_THEME = EU + "data-theme/TRAN"


def _date(value: Any) -> Literal:
    """A ``dct:modified``/``issued`` value: xsd:dateTime, or xsd:date."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return _dated(value.isoformat(timespec="seconds"), XSD.dateTime)
    if isinstance(value, dt.date):
        return _dated(value.isoformat(), XSD.date)
    raise TypeError(f"expected a date or a datetime, got {value!r}")


@lru_cache(maxsize=4096)
def _dated(text: str, datatype: URIRef) -> Literal:
    """A typed literal made once per text: rdflib parses the text back into a
    date at each new literal. Keyed by the text, not the date: two equal
    moments in different time zones are written differently."""
    return Literal(text, datatype=datatype)


def _frequency(hours: int | None) -> str:
    """The EU frequency concept closest to an update every ``hours`` hours."""
    if not hours:
        return EU + "frequency/UNKNOWN"
    if hours <= 1:
        return EU + "frequency/HOURLY"
    if hours <= 24:
        return EU + "frequency/DAILY"
    if hours <= 24 * 7:
        return EU + "frequency/WEEKLY"
    if hours <= 24 * 31:
        return EU + "frequency/MONTHLY"
    return EU + "frequency/IRREG"


class _Terms:
    """A namespace's terms, each made once: rdflib builds (and checks) a new
    term at every attribute access of a namespace."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = URIRef(getattr(self._namespace, name))
        setattr(self, name, term)
        return term


_DCAT = _Terms(DCAT)
_DCTERMS = _Terms(DCTERMS)
_FOAF = _Terms(FOAF)
_RDF = _Terms(RDF)
_RDFS = _Terms(RDFS)
_SKOS = _Terms(SKOS)
_XSD = _Terms(XSD)
_VCARD = _Terms(VCARD)
_GSP = _Terms(GSP)
_MOBILITYDCATAP = _Terms(MOBILITYDCATAP)
_HYDRA = _Terms(HYDRA)


@lru_cache(maxsize=4096)
def _ref(uri: str) -> URIRef:
    """The URIRef of an address met again and again (vocabulary concepts,
    licences, publishers): built and checked once."""
    return URIRef(uri)


class _Adder:
    """Adds triples to a graph's store directly: what ``Graph.add`` does
    without its check that each part is an rdflib term (the builder only
    makes terms, and the check costs more than storing the triple)."""

    def __init__(self, graph: Graph) -> None:
        self.add = functools.partial(graph.store.add, context=graph)


class _Builder:
    """Adds one catalogue's triples to a graph.

    Nodes shared by many datasets (a publisher, a licence, a concept, a file
    type) are described once per graph: :meth:`shared` says whether a node
    is met for the first time, so their triples are not added again."""

    def __init__(self, graph: Graph, language: str) -> None:
        self.g = _Adder(graph)
        self.lang = language or None
        self._described: set[tuple[URIRef, URIRef]] = set()
        self._texts: dict[str, Literal] = {}

    def text(self, value: str) -> Literal:
        literal = self._texts.get(value)
        if literal is None:
            literal = self._texts[value] = Literal(value, lang=self.lang)
        return literal

    def typed(self, uri: str, cls: URIRef) -> URIRef:
        node = URIRef(uri)
        self.g.add((node, _RDF.type, cls))
        return node

    def shared(self, uri: str, cls: URIRef) -> tuple[URIRef, bool]:
        """A node of class ``cls`` that other datasets may share, and whether
        it is new in this graph (then typed, and to be described)."""
        node = _ref(uri)
        key = (node, cls)
        if key in self._described:
            return node, False
        self._described.add(key)
        self.g.add((node, _RDF.type, cls))
        return node, True

    def agent(self, agent: Mapping[str, Any]) -> URIRef:
        node, new = self.shared(agent["uri"], _FOAF.Agent)
        if new:
            self.g.add((node, _FOAF.name, self.text(agent["name"])))
            if agent.get("homepage"):
                home, _ = self.shared(agent["homepage"], _FOAF.Document)
                self.g.add((node, _FOAF.homepage, home))
        return node

    def licence(self, subject: URIRef, spdx: str) -> None:
        if spdx:
            doc, _ = self.shared(SPDX_LICENCES + spdx, _DCTERMS.LicenseDocument)
            self.g.add((subject, _DCTERMS.license, doc))

    def contact(self, subject: URIRef, contact: Mapping[str, Any]) -> None:
        node = URIRef(str(subject) + "#contact")
        self.g.add((node, _RDF.type, _VCARD.Kind))
        self.g.add((node, _RDF.type, _VCARD.Organization))
        self.g.add((node, _VCARD.fn, self.text(contact["name"])))
        if contact.get("url"):
            self.g.add((node, _VCARD.hasURL, URIRef(contact["url"])))
        if contact.get("email"):
            self.g.add((node, _VCARD.hasEmail, URIRef(f"mailto:{contact['email']}")))
        self.g.add((subject, _DCAT.contactPoint, node))

    def concept(self, uri: str, label: str, lang: str | None = None) -> URIRef:
        """A ``skos:Concept`` with its label (DCAT-AP asks for one)."""
        node, new = self.shared(uri, _SKOS.Concept)
        if new:
            label_node = (
                self.text(label)
                if lang in (None, self.lang)
                else Literal(label, lang=lang)
            )
            self.g.add((node, _SKOS.prefLabel, label_node))
        return node

    def source(self, node: URIRef, data: Mapping[str, Any]) -> None:
        """``dct:source`` and ``prov:wasDerivedFrom`` of a harvested copy."""
        if data.get("source"):
            origin = _ref(data["source"])
            self.g.add((node, _DCTERMS.source, origin))
            self.g.add((node, PROV.wasDerivedFrom, origin))

    def resource(self, uri: str) -> URIRef:
        return self.shared(uri, _RDFS.Resource)[0]

    def dataset(
        self, data: Mapping[str, Any], catalog: URIRef, spatial: str, created: Any
    ) -> URIRef:
        g = self.g
        node = self.typed(data["uri"], _DCAT.Dataset)
        g.add((node, _RDF.type, _DCAT.Resource))
        g.add((catalog, _DCAT.dataset, node))
        g.add((node, _DCTERMS.title, self.text(data["title"])))
        description = data.get("description") or data.get("summary") or data["title"]
        g.add((node, _DCTERMS.description, self.text(description)))
        if data.get("summary"):
            g.add((node, _DCTERMS.abstract, self.text(data["summary"])))
        g.add((node, _DCTERMS.identifier, Literal(data["uri"])))
        self.source(node, data)
        if data.get("landing_page"):
            page = self.typed(data["landing_page"], _FOAF.Document)
            g.add((node, _DCAT.landingPage, page))
        for tag in data.get("tags") or ():
            g.add((node, _DCAT.keyword, self.text(tag)))
        for theme in data.get("themes") or ():
            if data.get("transport") is None:
                g.add((node, _DCAT.theme, self.concept(theme["uri"], theme["label"])))
            else:
                # mobilityDCAT-AP keeps dcat:theme for the EU data themes.
                g.add((node, _DCAT.keyword, self.text(theme["label"])))
        if data.get("created"):
            g.add((node, _DCTERMS.issued, _date(data["created"])))
        if data.get("modified"):
            g.add((node, _DCTERMS.modified, _date(data["modified"])))
        if data.get("publisher"):
            g.add((node, _DCTERMS.publisher, self.agent(data["publisher"])))
        if data.get("contact"):
            self.contact(node, data["contact"])
        transport = data.get("transport")
        distributions = data.get("distributions") or ()
        for distribution in distributions:
            g.add((node, _DCAT.distribution, self.distribution(data, distribution)))
        if not distributions:
            # DCAT-AP puts the licence on distributions; without one, it goes
            # on the dataset, where DCAT 3 allows it on any dcat:Resource.
            self.licence(node, data.get("licence", ""))
        if transport is not None:
            self.mobility(node, data, transport, spatial)
        self.record(catalog, node, data, created)
        return node

    def distribution(
        self, data: Mapping[str, Any], distribution: Mapping[str, Any]
    ) -> URIRef:
        g = self.g
        node = self.typed(distribution["uri"], _DCAT.Distribution)
        if distribution.get("title"):
            g.add((node, _DCTERMS.title, self.text(distribution["title"])))
        g.add((node, _DCAT.accessURL, URIRef(distribution["access_url"])))
        if distribution.get("download_url"):
            g.add((node, _DCAT.downloadURL, URIRef(distribution["download_url"])))
        self.licence(node, data.get("licence", ""))
        fmt = distribution.get("format", "")
        file_type, media_type = FILE_TYPES.get(fmt, ("", ""))
        if file_type:
            extent, _ = self.shared(
                EU + "file-type/" + file_type, _DCTERMS.MediaTypeOrExtent
            )
            g.add((node, _DCTERMS.format, extent))
        if media_type:
            iana = "https://www.iana.org/assignments/media-types/" + media_type
            g.add((node, _DCAT.mediaType, self.shared(iana, _DCTERMS.MediaType)[0]))
        if data.get("transport") is not None:
            standard = mobility.concept(
                "mobility-data-standard", mobility.DATA_STANDARD.get(fmt, "other")
            )
            g.add((node, _MOBILITYDCATAP.mobilityDataStandard, _ref(standard)))
            rights = (
                mobility.RIGHTS_LICENSED
                if data.get("licence")
                else mobility.RIGHTS_FREE
            )
            statement, _ = self.shared(
                mobility.concept("conditions-for-access-and-usage", rights),
                _DCTERMS.RightsStatement,
            )
            g.add((node, _DCTERMS.rights, statement))
            if fmt in mobility.GRAMMAR:
                grammar = mobility.concept("grammar", mobility.GRAMMAR[fmt])
                g.add((node, _MOBILITYDCATAP.grammar, _ref(grammar)))
            if fmt in mobility.COMMUNICATION:
                method = mobility.concept(
                    "communication-method", mobility.COMMUNICATION[fmt]
                )
                g.add((node, _MOBILITYDCATAP.communicationMethod, _ref(method)))
        return node

    def mobility(
        self,
        node: URIRef,
        data: Mapping[str, Any],
        transport: Mapping[str, Any],
        spatial: str,
    ) -> None:
        g = self.g
        formats = list(transport.get("formats") or [])
        g.add((node, _DCAT.theme, self.concept(TRANSPORT_THEME, "Transport", "en")))
        for theme in mobility.themes_for(formats):
            g.add((node, _MOBILITYDCATAP.mobilityTheme, _ref(theme)))
        for mode in transport.get("transport_modes") or ():
            uri = mobility.concept("transport-mode", mode)
            g.add((node, _MOBILITYDCATAP.transportMode, _ref(uri)))
        networks = {mobility.NETWORK[f] for f in formats if f in mobility.NETWORK}
        for network in sorted(networks):
            uri = mobility.concept("network-coverage", network)
            g.add((node, _MOBILITYDCATAP.networkCoverage, _ref(uri)))
        frequency, _ = self.shared(
            _frequency(transport.get("update_hours")), _DCTERMS.Frequency
        )
        g.add((node, _DCTERMS.accrualPeriodicity, frequency))
        bbox = transport.get("bbox")
        if bbox:
            min_lon, min_lat, max_lon, max_lat = bbox
            place = self.typed(data["uri"] + "#coverage", _DCTERMS.Location)
            wkt = (
                f"POLYGON(({min_lon} {min_lat}, {max_lon} {min_lat}, "
                f"{max_lon} {max_lat}, {min_lon} {max_lat}, {min_lon} {min_lat}))"
            )
            g.add((place, _DCAT.bbox, Literal(wkt, datatype=_GSP.wktLiteral)))
            if transport.get("coverage"):
                g.add((place, _SKOS.prefLabel, self.text(transport["coverage"])))
        else:
            place = self.shared(spatial, _DCTERMS.Location)[0]
        g.add((node, _DCTERMS.spatial, place))

    def record(
        self, catalog: URIRef, dataset: URIRef, data: Mapping[str, Any], created: Any
    ) -> None:
        g = self.g
        node = self.typed(str(dataset) + "#record", _DCAT.CatalogRecord)
        g.add((catalog, _DCAT.record, node))
        g.add((node, _FOAF.primaryTopic, dataset))
        g.add((node, _DCTERMS.created, _date(data.get("created") or created)))
        g.add(
            (
                node,
                _DCTERMS.modified,
                _date(data.get("modified") or data.get("created") or created),
            )
        )
        if self.lang in LANGUAGES:
            lang, _ = self.shared(
                EU + "language/" + LANGUAGES[self.lang], _DCTERMS.LinguisticSystem
            )
            g.add((node, _DCTERMS.language, lang))

    def service(self, data: Mapping[str, Any], catalog: URIRef) -> URIRef:
        g = self.g
        node = self.typed(data["uri"], _DCAT.DataService)
        g.add((node, _RDF.type, _DCAT.Resource))
        g.add((catalog, _DCAT.service, node))
        g.add((node, _DCTERMS.title, self.text(data["title"])))
        self.source(node, data)
        if data.get("description"):
            g.add((node, _DCTERMS.description, self.text(data["description"])))
        if data.get("summary"):
            g.add((node, _DCTERMS.abstract, self.text(data["summary"])))
        for tag in data.get("tags") or ():
            g.add((node, _DCAT.keyword, self.text(tag)))
        for theme in data.get("themes") or ():
            g.add((node, _DCAT.theme, self.concept(theme["uri"], theme["label"])))
        if data.get("created"):
            g.add((node, _DCTERMS.issued, _date(data["created"])))
        if data.get("modified"):
            g.add((node, _DCTERMS.modified, _date(data["modified"])))
        if data.get("contact"):
            self.contact(node, data["contact"])
        g.add((node, _DCAT.endpointURL, self.resource(data["endpoint_url"])))
        if data.get("endpoint_description"):
            g.add(
                (
                    node,
                    _DCAT.endpointDescription,
                    self.resource(data["endpoint_description"]),
                )
            )
        if data.get("landing_page"):
            page = self.typed(data["landing_page"], _FOAF.Document)
            g.add((node, _DCAT.landingPage, page))
        self.licence(node, data.get("licence", ""))
        if data.get("publisher"):
            g.add((node, _DCTERMS.publisher, self.agent(data["publisher"])))
        for uri in data.get("serves") or ():
            g.add((node, _DCAT.servesDataset, URIRef(uri)))
        return node


class _QNames(NamespaceManager):
    """rdflib's namespace manager, quicker with addresses it cannot shorten.

    The Turtle serialiser asks for the prefixed name of every subject and
    object, and a dataset's own addresses have none: rdflib then adds their
    namespace to its look-up tree (which grows with every dataset) before
    failing. An address that no bound namespace starts fails here at once,
    and failures are remembered until the next prefix is bound, so the output
    is the same as without it."""

    def __init__(self, graph: Graph) -> None:
        self._unknown: set[tuple[str, bool]] = set()
        self._bound: tuple[str, ...] = ()
        self._store = graph.store
        super().__init__(graph)
        # The graph holds its namespace manager, which held the graph: that
        # cycle kept every triple of a graph alive until a full garbage
        # collection, which then walked the triples of every page written
        # since the last one (tens of milliseconds in a request). The graph
        # is held weakly here (rdflib's manager only reads its store).
        self.graph = weakref.proxy(graph)

    @property
    def store(self) -> Any:
        return self._store

    def compute_qname(self, uri: str, generate: bool = True) -> tuple[str, URIRef, str]:
        # str.startswith: rdflib terms take one prefix only.
        if not generate and not str.startswith(uri, self._bound):
            raise KeyError(f"no known prefix for {uri}")
        key = (uri, generate)
        if key in self._unknown:
            raise KeyError(f"no known prefix for {uri}")
        try:
            return super().compute_qname(uri, generate)
        except (KeyError, ValueError):
            self._unknown.add(key)
            raise

    def bind(
        self, prefix: str | None, namespace: Any, *args: Any, **kwargs: Any
    ) -> None:
        self._unknown.clear()
        super().bind(prefix, namespace, *args, **kwargs)
        self._bound = tuple(str(bound) for _, bound in self.namespaces())


_TYPE = str(RDF.type)


class _ExportStore(SimpleMemory):
    """rdflib's ``SimpleMemory`` store, filled lazily.

    Writing a graph reads it subject by subject (and asks for the members of
    one class), so while nothing else is asked, triples are kept in a
    subject → predicate → object index only, plus the subjects of each
    ``rdf:type`` and the list of triples in the order they were added. The
    first question that needs another index hands every triple, in that
    order, to ``SimpleMemory``,
    which answers everything from then on: the graph holds and returns the
    same triples either way, only their indexing is put off."""

    def __init__(self, configuration: str | None = None, identifier: Any = None):
        super().__init__(configuration, identifier)
        # None once the triples have been handed to SimpleMemory.
        self._spo: dict[Any, dict[Any, dict[Any, None]]] | None = {}
        self._types: dict[Any, dict[Any, None]] = {}
        # Every triple in the order added, for SimpleMemory's other indexes.
        self._added: list[Any] = []

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        spo = self._spo
        if spo is None:
            super().add(triple, context, quoted)
            return
        s, p, o = triple
        objects = spo.setdefault(s, {}).setdefault(p, {})
        if o not in objects:
            objects[o] = None
            self._added.append(triple)
            # p == RDF.type, without rdflib's equality (an address is equal
            # to an address of the same class and text only).
            if type(p) is URIRef and str.__eq__(p, _TYPE):
                self._types.setdefault(o, {})[s] = None

    def objects_of(self, subject: Any) -> dict[Any, dict[Any, None]] | None:
        """The subject's predicates and objects while the store is lean, in
        the order added; None once it is not."""
        spo = self._spo
        return None if spo is None else spo.get(subject, {})

    def lean_triples(self) -> Iterable[tuple[Any, Any, Any]] | None:
        """Every triple in the order added while the store is lean, else None."""
        spo = self._spo
        if spo is None:
            return None
        return (
            (s, p, o)
            for s, predicates in spo.items()
            for p, objects in predicates.items()
            for o in objects
        )

    def _index(self) -> None:
        """Hands every triple to ``SimpleMemory``; the store is lean no more."""
        if self._spo is None:
            return
        self._spo = None
        for triple in self._added:
            # SimpleMemory keeps no contexts.
            super().add(triple, None)  # type: ignore[arg-type]
        self._added = []
        self._types = {}

    def triples(self, triple_pattern: Any, context: Any = None) -> Any:
        spo = self._spo
        if spo is not None:
            s, p, o = triple_pattern
            if s is not None:
                return self._of_subject(spo, s, p, o)
            if p is None and o is None:
                return ((t, iter(())) for t in self.lean_triples() or ())
            if p == _RDF.type and o is not None:
                return (
                    ((subject, p, o), iter(())) for subject in self._types.get(o, {})
                )
            self._index()
        return super().triples(triple_pattern, context)

    @staticmethod
    def _of_subject(spo: dict[Any, Any], s: Any, p: Any, o: Any) -> Any:
        predicates = spo.get(s, {})
        for predicate in predicates if p is None else (p,):
            objects = predicates.get(predicate, {})
            for obj in objects if o is None else (o,) if o in objects else ():
                yield (s, predicate, obj), iter(())

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        self._index()
        super().remove(triple_pattern, context)

    def __len__(self, context: Any = None) -> int:
        if self._spo is not None:
            return len(self._added)
        return super().__len__(context)


def new_graph() -> Graph:
    """An empty graph with the prefixes of DCAT-AP and mobilityDCAT-AP bound."""
    # rdflib's SimpleMemory store: the same triples and the same output as
    # its default Memory store, without the per-context indexes an export
    # never reads; and filled lazily (see _ExportStore), so adding and
    # walking triples costs less.
    g = Graph(store=_ExportStore())
    g.namespace_manager = _QNames(g)
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("skos", SKOS),
        ("vcard", VCARD),
        ("xsd", XSD),
        ("hydra", HYDRA),
        ("prov", PROV),
        ("locn", LOCN),
        ("gsp", GSP),
        ("mobilitydcatap", MOBILITYDCATAP),
    ):
        g.bind(prefix, namespace, replace=True)
    return g


def catalog_graph(catalog: Mapping[str, Any], graph: Graph | None = None) -> Graph:
    """The DCAT-AP graph of ``catalog`` (see the module's docstring)."""
    g = graph if graph is not None else new_graph()
    build = _Builder(g, catalog.get("language", ""))
    node = build.typed(catalog["uri"], _DCAT.Catalog)
    g.add((node, _DCTERMS.title, build.text(catalog["title"])))
    g.add((node, _DCTERMS.description, build.text(catalog["description"])))
    g.add((node, _DCTERMS.publisher, build.agent(catalog["publisher"])))
    home = build.typed(catalog["homepage"], _FOAF.Document)
    g.add((node, _FOAF.homepage, home))
    spatial = catalog["spatial"]
    g.add((node, _DCTERMS.spatial, build.typed(spatial, _DCTERMS.Location)))
    if catalog.get("modified"):
        g.add((node, _DCTERMS.modified, _date(catalog["modified"])))
    if build.lang in LANGUAGES:
        lang = build.typed(
            EU + "language/" + LANGUAGES[build.lang], _DCTERMS.LinguisticSystem
        )
        g.add((node, _DCTERMS.language, lang))
    created = catalog.get("modified") or dt.datetime.now(dt.UTC)
    for dataset in catalog.get("datasets") or ():
        build.dataset(dataset, node, spatial, created)
    for service in catalog.get("services") or ():
        build.service(service, node)
    page = catalog.get("page")
    if page:
        _paging(g, page)
    return g


def _paging(g: Graph, page: Mapping[str, Any]) -> None:
    """The hydra ``PartialCollection`` view of one page of the catalogue."""
    node = URIRef(page["uri"])
    g.add((node, RDF.type, HYDRA.PartialCollection))
    g.add((node, HYDRA.totalItems, Literal(int(page["total"]))))
    g.add((node, HYDRA.itemsPerPage, Literal(int(page["per_page"]))))
    for key, prop in (
        ("first", HYDRA.first),
        ("last", HYDRA.last),
        ("next", HYDRA.next),
        ("previous", HYDRA.previous),
    ):
        if page.get(key):
            g.add((node, prop, URIRef(page[key])))


def serialise(graph: Graph, syntax: str = "turtle") -> bytes:
    """``graph`` in one of :data:`SYNTAXES`, written by rdflib."""
    if syntax not in SYNTAXES:
        raise ValueError(
            f"unknown RDF syntax {syntax!r}: expected one of {', '.join(SYNTAXES)}"
        )
    rdflib_format = SYNTAXES[syntax][0]
    if rdflib_format == "json-ld":
        text = graph.serialize(format="json-ld", auto_compact=True)
        return text.encode("utf-8")
    if rdflib_format == "turtle":
        stream = io.BytesIO()
        _Turtle(graph).serialize(stream, encoding="utf-8")
        return stream.getvalue()
    return graph.serialize(format=rdflib_format, encoding="utf-8")


class _Turtle(TurtleSerializer):
    """rdflib's Turtle serialiser, writing the same bytes with less work.

    It asks for the prefixed name of each address at every occurrence (when
    counting references, then when writing), and writes every term of every
    triple through the same few calls. Here:

    - each address's prefixed name, and each term's written form, is worked
      out once per document and remembered (both depend only on the term,
      whether it is a predicate, and the prefixes, which are all known once
      the triples have been counted: rdflib finds them in that first pass);
    - the first pass works out each term once, in the order rdflib meets
      them, so prefixes are bound in the same order;
    - an address or a literal is never a blank node to inline: told at once;
    - the triples of a subject come straight from an ``_ExportStore`` while
      it is lean, in the order the graph would give them;
    - the text is encoded once, at the end, instead of piece by piece.

    With a ``base`` (never set by the export) rdflib's own code runs. The
    tests compare the output with rdflib's byte for byte."""

    def reset(self) -> None:
        super().reset()
        self._pnames: dict[tuple[Any, bool], str | None] = {}
        self._labels: dict[Any, str] = {}
        self._verb_labels: dict[Any, str] = {}
        self._named: set[Any] = set()
        # id -> the literal (kept, so that its id is not reused) and its label.
        self._named_literals: dict[int, Any] = {}
        self._literal_labels: dict[int, tuple[Any, str]] = {}
        self._named_verbs: set[Any] = set()
        self._chunks: list[str] = []

    def get_pname(self, uri: Any, gen_prefix: bool = True) -> str | None:
        key = (uri, gen_prefix)
        try:
            return self._pnames[key]
        except KeyError:
            name = self._pnames[key] = super().get_pname(uri, gen_prefix)
            return name

    def preprocess(self) -> None:
        store = self.store.store
        triples = store.lean_triples() if isinstance(store, _ExportStore) else None
        if triples is None:
            super().preprocess()
            return
        for triple in triples:
            self.preprocessTriple(triple)

    def _name(self, node: Any, gen_prefix: bool) -> None:
        """What rdflib's first pass does with one term."""
        self.get_pname(node, gen_prefix=gen_prefix)
        if isinstance(node, Literal) and node.datatype:
            self.get_pname(node.datatype, gen_prefix=_GEN_QNAME_FOR_DT)

    def preprocessTriple(self, triple: Any) -> None:
        if self.base is not None:
            super().preprocessTriple(triple)
            return
        s, p, o = triple
        self._references[o] += 1
        self._subjects[s] = True
        named = self._named
        if s not in named:
            named.add(s)
            self._name(s, False)
        if p not in self._named_verbs:
            self._named_verbs.add(p)
            if p not in self.keywords:
                self._name(p, True)
        if type(o) is Literal:
            # A literal by its identity (hashing one is a Python call each
            # time, and the builder makes each text once): an equal literal
            # met again as another object is named again, which changes
            # nothing.
            if id(o) not in self._named_literals:
                self._named_literals[id(o)] = o
                self._name(o, False)
        elif o not in named:
            named.add(o)
            self._name(o, False)
        if type(p) is not URIRef and isinstance(p, BNode):
            self._references[p] += 1

    def label(self, node: Any, position: int) -> str:
        if type(node) is Literal and position != VERB:
            # By identity, as in the first pass; the written form depends on
            # the literal alone (its language tag's case included, which
            # literal equality ignores but the document does not).
            found = self._literal_labels.get(id(node))
            if found is not None:
                return found[1]
            text = super().label(node, position)
            self._literal_labels[id(node)] = (node, text)
            return text
        labels = self._verb_labels if position == VERB else self._labels
        key = (node, node.language) if type(node) is Literal else node
        try:
            return labels[key]
        except KeyError:
            text = labels[key] = super().label(node, position)
            return text

    def p_squared(self, node: Any, position: int, newline: bool = False) -> bool:
        if type(node) is URIRef or type(node) is Literal:
            return False
        return super().p_squared(node, position, newline)

    def predicateList(self, subject: Any, newline: bool = False) -> None:
        """rdflib's ``predicateList``, ``verb``, ``objectList`` and ``path`` in
        one loop when no term can be an inlined blank node (all are addresses
        or literals, so rdflib would write each term's label as it comes);
        rdflib's own calls otherwise."""
        properties = self.buildPredicateHash(subject)
        order = self.sortProperties(properties)
        plain = (URIRef, Literal)
        if any(
            type(term) not in plain
            for predicate in order
            for term in (predicate, *properties[predicate])
        ):
            super().predicateList(subject, newline)
            return
        label = self.label
        write = self._chunks.append
        step = self.indentString
        for index, predicate in enumerate(order):
            if index:
                write(" ;\n" + self.indent(1))
            elif not newline:
                write(" ")
            write(label(predicate, VERB))
            objects = properties[predicate]
            write(" ")
            write(label(objects[0], OBJECT))
            if len(objects) > 1:
                # rdflib indents the next objects one step further.
                between = ",\n" + self.indent(1) + step
                for obj in objects[1:]:
                    write(between)
                    write(label(obj, OBJECT))

    def sortProperties(self, properties: Any) -> Any:
        """rdflib's order, compared as texts where all the terms compared are
        addresses (rdflib compares two addresses by their text, so the order
        is the same, without a call to its comparison per pair)."""
        for objects in properties.values():
            if len(objects) > 1:
                if all(type(obj) is URIRef for obj in objects):
                    objects.sort(key=str)
                else:
                    objects.sort()
        predicates = list(properties)
        if all(type(predicate) is URIRef for predicate in predicates):
            predicates.sort(key=str)
        else:
            predicates.sort()
        first = [p for p in dict.fromkeys(self.predicateOrder) if p in properties]
        return first + [p for p in predicates if p not in first]

    def buildPredicateHash(self, subject: Any) -> Any:
        store = self.store.store
        found = store.objects_of(subject) if isinstance(store, _ExportStore) else None
        if found is None:
            return super().buildPredicateHash(subject)
        return {predicate: list(objects) for predicate, objects in found.items()}

    def write(self, text: str) -> None:
        self._chunks.append(text)

    def endDocument(self) -> None:
        super().endDocument()
        text = "".join(self._chunks)
        self._chunks = []
        assert self.stream is not None
        self.stream.write(text.encode(self.encoding, "replace"))


def dataset_uris(graph: Graph) -> Iterable[URIRef]:
    """The datasets a graph describes, in a stable order."""
    return sorted(
        (s for s in graph.subjects(RDF.type, DCAT.Dataset) if isinstance(s, URIRef)),
        key=str,
    )


def uses_mobility(graph: Graph) -> bool:
    """Whether a graph speaks mobilityDCAT-AP (uses one of its terms)."""
    namespaces = (str(MOBILITYDCATAP), "http://w3id.org/mobilitydcat-ap#")
    return any(str(p).startswith(namespaces) for p in set(graph.predicates())) or any(
        str(o).startswith(namespaces) for o in graph.objects(None, RDF.type)
    )


def validate(
    data: bytes,
    *,
    name: str = "",
    offline: bool = True,
    profile: str = "auto",
    standards_dir: str | None = None,
) -> list[Finding]:
    """Check an RDF document against DCAT-AP 3.0.1, and mobilityDCAT-AP 1.1.0
    when ``profile`` is ``"mobility"`` (or ``"auto"`` and the document uses
    its terms). Nothing is ever fetched, whatever ``offline`` says: the shapes
    and vocabularies are read from the standards directory.

    Raises :class:`StandardsError` when the file cannot be read as RDF, and
    :class:`fabrique.standards.shacl.ShapesMissing` when the shapes are not
    installed."""
    if profile not in {"auto", "dcat-ap", "mobility"}:
        raise ValueError(f"unknown profile {profile!r}")
    graph = rdfio.parse(data, name=name)
    if len(graph) == 0:
        return [Finding("error", "the document holds no RDF statement")]
    mobile = profile == "mobility" or (profile == "auto" and uses_mobility(graph))
    report = shacl.run(graph, mobility=mobile, folder=standards_dir)
    findings = list(report.findings)
    findings.extend(untyped(graph))
    findings.extend(shacl.unknown_concepts(graph, folder=standards_dir))
    return findings


def untyped(graph: Graph) -> list[Finding]:
    """Errors for described nodes without ``rdf:type``: the shapes choose what
    to check by class, so such a node would escape them (and could not be
    imported: nothing says what it is)."""
    typed = set(graph.subjects(RDF.type, None))
    return [
        Finding(
            "error",
            "this node has properties but no rdf:type, so nothing says whether "
            "it is a catalogue, a dataset or a distribution",
            path="rdf:type",
            focus=shacl.short(graph, subject),
        )
        for subject in sorted(set(graph.subjects()) - typed, key=str)
    ]


# Parsing: DCAT-AP (and mobilityDCAT-AP) back to the dicts of the export.

_MOBILITY_NAMESPACES = (MOBILITYDCATAP, Namespace("http://w3id.org/mobilitydcat-ap#"))
_FREQUENCY_HOURS = {"HOURLY": 1, "DAILY": 24, "WEEKLY": 24 * 7, "MONTHLY": 24 * 31}
# EU licence authority -> SPDX, for the licences the catalogue meets most.
EU_LICENCES = {
    "CC0": "CC0-1.0",
    "CC_BY_4_0": "CC-BY-4.0",
    "CC_BYSA_4_0": "CC-BY-SA-4.0",
    "ODC_BL": "ODbL-1.0",
    "ODC_BY": "ODC-By-1.0",
    "ODC_PDDL": "PDDL-1.0",
    "ETALAB_2_0": "etalab-2.0",
    "OGL_3_0": "OGL-UK-3.0",
    "EUPL_1_2": "EUPL-1.2",
}
_STANDARD_FORMATS = {value: key for key, value in mobility.DATA_STANDARD.items()}
# An SPDX licence address, as exported or as often written by others.
_SPDX = re.compile(r"https?://spdx\.org/licenses/([A-Za-z0-9.+-]+?)(?:\.html|\.json)?")


class _Reader:
    """Reads the fields Fabrique models from one graph."""

    def __init__(self, graph: Graph, language: str) -> None:
        self.g = graph
        self.lang = language
        self.warnings: list[str] = []

    def text(self, node: Any, prop: URIRef) -> str:
        """The value of ``prop`` in the reader's language, else any one."""
        values = [v for v in self.g.objects(node, prop) if isinstance(v, Literal)]
        for value in values:
            if value.language == self.lang:
                return str(value)
        for value in values:
            if not value.language:
                return str(value)
        return str(values[0]) if values else ""

    def texts(self, node: Any, prop: URIRef) -> list[str]:
        values = [
            v
            for v in self.g.objects(node, prop)
            if isinstance(v, Literal) and v.language in (self.lang, None)
        ]
        return sorted({str(v) for v in values})

    def uri(self, node: Any, prop: URIRef) -> str:
        value = self.g.value(node, prop)
        if isinstance(value, URIRef):
            return str(value)
        if isinstance(value, Literal) and str(value).startswith(
            ("http://", "https://")
        ):
            self.warnings.append(f"{node}: {prop} is a text, read as an address")
            return str(value)
        return ""

    def source(self, node: Any) -> str:
        """The origin a harvested copy names (``prov:wasDerivedFrom``, else
        ``dct:source``), or ''."""
        return self.uri(node, PROV.wasDerivedFrom) or self.uri(node, DCTERMS.source)

    def with_source(self, node: Any, found: dict[str, Any]) -> dict[str, Any]:
        """``found`` with ``source`` when the node names an origin."""
        source = self.source(node)
        if source:
            found["source"] = source
        return found

    def mobility(self, node: Any, name: str) -> list[URIRef]:
        found: list[URIRef] = []
        for namespace in _MOBILITY_NAMESPACES:
            found.extend(
                v
                for v in self.g.objects(node, namespace[name])
                if isinstance(v, URIRef)
            )
        return sorted(set(found), key=str)

    def when(self, node: Any, prop: URIRef) -> Any:
        value = self.g.value(node, prop)
        if not isinstance(value, Literal):
            return None
        parsed = value.toPython()
        if isinstance(parsed, dt.datetime | dt.date):
            return parsed
        self.warnings.append(f"{node}: {prop} is not a date: {value}")
        return None

    def agent(self, node: Any) -> dict[str, Any] | None:
        if not isinstance(node, URIRef):
            return None
        return {
            "uri": str(node),
            "name": self.text(node, FOAF.name),
            "homepage": self.uri(node, FOAF.homepage),
        }

    def contact(self, node: Any) -> dict[str, Any] | None:
        point = self.g.value(node, DCAT.contactPoint)
        if point is None:
            return None
        email = self.uri(point, VCARD.hasEmail).removeprefix("mailto:")
        return {
            "name": self.text(point, VCARD.fn),
            "url": self.uri(point, VCARD.hasURL),
            "email": email,
        }

    def licence(self, node: Any, distributions: list[Any]) -> str:
        """The SPDX id of the dataset's licence, read on the dataset itself
        (DCAT 3), else on its first distribution that has one (DCAT-AP)."""
        for subject in [node, *distributions]:
            value = self.uri(subject, DCTERMS.license)
            address = _SPDX.fullmatch(value)
            if address:
                return address.group(1)
            if value.startswith(EU + "licence/"):
                spdx = EU_LICENCES.get(value.removeprefix(EU + "licence/"))
                if spdx:
                    return spdx
            if value:
                self.warnings.append(
                    f"{node}: licence {value} is not an SPDX licence address"
                )
                return ""
        return ""

    def distribution(self, node: Any) -> dict[str, Any]:
        standards = self.mobility(node, "mobilityDataStandard")
        fmt = ""
        if standards:
            name = str(standards[0]).rsplit("/", 1)[-1]
            fmt = _STANDARD_FORMATS.get(name, "other")
        return {
            "uri": str(node),
            "title": self.text(node, DCTERMS.title),
            "access_url": self.uri(node, DCAT.accessURL),
            "download_url": self.uri(node, DCAT.downloadURL),
            "format": fmt,
        }

    def transport(self, node: Any, formats: list[str]) -> dict[str, Any] | None:
        if not self.mobility(node, "mobilityTheme"):
            return None
        modes = [
            str(u).rsplit("/", 1)[-1] for u in self.mobility(node, "transportMode")
        ]
        frequency = self.uri(node, DCTERMS.accrualPeriodicity).rsplit("/", 1)[-1]
        bbox = None
        coverage = ""
        for place in self.g.objects(node, DCTERMS.spatial):
            coverage = coverage or self.text(place, SKOS.prefLabel)
            box = self.g.value(place, DCAT.bbox)
            if box is not None and bbox is None:
                bbox = _bbox(str(box))
        return {
            "formats": sorted({f for f in formats if f}),
            "coverage": coverage,
            "bbox": bbox,
            "transport_modes": modes,
            "update_hours": _FREQUENCY_HOURS.get(frequency),
        }

    def dataset(self, node: URIRef) -> dict[str, Any]:
        g = self.g
        distributions = sorted(g.objects(node, DCAT.distribution), key=str)
        dists = [self.distribution(d) for d in distributions]
        title = self.text(node, DCTERMS.title)
        summary = self.text(node, DCTERMS.abstract)
        description = self.text(node, DCTERMS.description)
        if not title:
            self.warnings.append(f"{node}: no title")
        transport = self.transport(node, [d["format"] for d in dists])
        themes = []
        tags = self.texts(node, DCAT.keyword)
        for theme in sorted(g.objects(node, DCAT.theme), key=str):
            if str(theme) == TRANSPORT_THEME and transport is not None:
                continue
            themes.append(
                {"uri": str(theme), "label": self.text(theme, SKOS.prefLabel)}
            )
        if not summary:
            summary = description.split("\n", 1)[0][:300]
        if description in (summary, title):
            description = ""
        found = {
            "uri": str(node),
            "title": title,
            "summary": summary,
            "description": description,
            "landing_page": self.uri(node, DCAT.landingPage),
            "tags": tags,
            "themes": themes,
            "licence": self.licence(node, distributions),
            "created": self.when(node, DCTERMS.issued),
            "modified": self.when(node, DCTERMS.modified),
            "publisher": self.agent(g.value(node, DCTERMS.publisher)),
            "contact": self.contact(node),
            "distributions": dists,
            "transport": transport,
        }
        return self.with_source(node, found)

    def service(self, node: URIRef) -> dict[str, Any]:
        """A ``dcat:DataService`` as the export's service dict."""
        title = self.text(node, DCTERMS.title)
        if not title:
            self.warnings.append(f"{node}: no title")
        summary = self.text(node, DCTERMS.abstract)
        description = self.text(node, DCTERMS.description)
        if not summary:
            summary = description.split("\n", 1)[0][:300]
        if description in (summary, title):
            description = ""
        found = {
            "uri": str(node),
            "title": title,
            "summary": summary,
            "description": description,
            "endpoint_url": self.uri(node, DCAT.endpointURL),
            "endpoint_description": self.uri(node, DCAT.endpointDescription),
            "landing_page": self.uri(node, DCAT.landingPage),
            "tags": self.texts(node, DCAT.keyword),
            "themes": [
                {"uri": str(theme), "label": self.text(theme, SKOS.prefLabel)}
                for theme in sorted(self.g.objects(node, DCAT.theme), key=str)
            ],
            "licence": self.licence(node, []),
            "created": self.when(node, DCTERMS.issued),
            "modified": self.when(node, DCTERMS.modified),
            "publisher": self.agent(self.g.value(node, DCTERMS.publisher)),
            "contact": self.contact(node),
            "serves": sorted(str(d) for d in self.g.objects(node, DCAT.servesDataset)),
        }
        return self.with_source(node, found)


def service_uris(graph: Graph) -> list[URIRef]:
    """The data services a graph describes, in a stable order."""
    return sorted(
        (
            s
            for s in graph.subjects(RDF.type, DCAT.DataService)
            if isinstance(s, URIRef)
        ),
        key=str,
    )


def _bbox(wkt: str) -> tuple[float, float, float, float] | None:
    """The bounding box of a WKT polygon's points."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", wkt)]
    if len(numbers) < 4 or len(numbers) % 2:
        return None
    lons, lats = numbers[0::2], numbers[1::2]
    return (min(lons), min(lats), max(lons), max(lats))


def parse(
    data: bytes, *, name: str = "", language: str = "fr", syntax: str | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The datasets of a DCAT-AP document as the export's dicts, and warnings
    for what could not be read. Texts are taken in ``language`` when given in
    several."""
    datasets, _services, warnings = read(
        data, name=name, language=language, syntax=syntax
    )
    if not datasets:
        warnings.append("the document describes no dcat:Dataset")
    return datasets, warnings


def read(
    data: bytes, *, name: str = "", language: str = "fr", syntax: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The datasets and the data services of a DCAT-AP document as the
    export's dicts, and warnings for what could not be read."""
    graph = rdfio.parse(data, name=name, syntax=syntax)
    return read_graph(graph, language=language)


def read_graph(
    graph: Graph, *, language: str = "fr"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """:func:`read` for a graph already parsed."""
    reader = _Reader(graph, language)
    datasets = [reader.dataset(node) for node in dataset_uris(graph)]
    services = [reader.service(node) for node in service_uris(graph)]
    return datasets, services, reader.warnings


def next_page(graph: Graph) -> str:
    """The address of the next page of a paged catalogue (hydra
    ``next``, as this export and others write it), or ''.

    >>> next_page(new_graph())
    ''
    """
    # ``nextPage`` is the name of the older hydra ``PagedCollection``.
    for prop in (HYDRA.next, HYDRA.nextPage):
        for _view, link in graph.subject_objects(prop):
            if isinstance(link, URIRef):
                return str(link)
    return ""
