"""The official SHACL shapes of DCAT-AP and mobilityDCAT-AP, and running them.

The shapes are published by SEMIC (DCAT-AP) and NAPCORE (mobilityDCAT-AP)
under CC-BY-4.0 and no Python package ships them, so Fabrique does not carry
a copy: they are read from a *standards directory* laid out as the releases
are (see :data:`LAYOUT`), named by the ``FABRIQUE_STANDARDS_DIR`` environment
variable (or passed in by the caller). Without it the validator says that the
shapes are not installed and where to get them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH, SKOS
from rdflib.term import Node

from fabrique.standards import Finding, StandardsError

ENV = "FABRIQUE_STANDARDS_DIR"

# Files read from the standards directory, relative to it.
DCAT_AP_SHAPES = (
    "dcat-ap/3.0.1/shacl/dcat-ap-SHACL.ttl",
    "dcat-ap/3.0.1/shacl/ranges.ttl",
)
MOBILITY_SHAPES = (
    "mobilitydcat-ap/validation-1.1.0/shacl/mobilitydcat-ap-shacl.ttl",
    "mobilitydcat-ap/validation-1.1.0/shacl/mobilitydcat-ap-shacl-ranges.ttl",
)
VOCABULARIES_DIR = "mobilitydcat-ap/controlled-vocabularies"

HOW_TO_INSTALL = (
    "The SHACL shapes are not installed. Set FABRIQUE_STANDARDS_DIR to a folder "
    "holding dcat-ap/3.0.1/shacl/ (dcat-ap-SHACL.ttl and ranges.ttl from the "
    "SEMIC release, https://github.com/SEMICeu/DCAT-AP/tree/master/releases/3.0.1) "
    "and mobilitydcat-ap/validation-1.1.0/shacl/ plus "
    "mobilitydcat-ap/controlled-vocabularies/*.ttl (from "
    "https://github.com/mobilityDCAT-AP/validation and "
    "https://github.com/mobilityDCAT-AP/controlled-vocabularies)."
)

LAYOUT = DCAT_AP_SHAPES + MOBILITY_SHAPES + (VOCABULARIES_DIR + "/*.ttl",)


class ShapesMissing(StandardsError):
    """The standards directory is not there or lacks a file."""


def standards_dir(explicit: str | Path | None = None) -> Path:
    """The standards directory: ``explicit``, else ``$FABRIQUE_STANDARDS_DIR``."""
    chosen = explicit or os.environ.get(ENV, "")
    if not chosen:
        raise ShapesMissing(HOW_TO_INSTALL)
    folder = Path(chosen)
    missing = [
        name
        for name in DCAT_AP_SHAPES + MOBILITY_SHAPES
        if not (folder / name).is_file()
    ]
    if not (folder / VOCABULARIES_DIR).is_dir():
        missing.append(VOCABULARIES_DIR + "/")
    if missing:
        raise ShapesMissing(
            f"{HOW_TO_INSTALL} Missing in {folder}: {', '.join(missing)}."
        )
    return folder


def _load(paths: tuple[Path, ...]) -> Graph:
    g = Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


def _drop_dangling(shapes: Graph) -> None:
    """Remove ``sh:property`` links to shapes defined nowhere.

    DCAT-AP 3.0.1's ``ranges.ttl`` names five property shapes that neither it
    nor ``dcat-ap-SHACL.ttl`` defines; pyshacl refuses such a link as
    ill-formed, so the empty links are dropped (they constrain nothing)."""
    for shape, prop in list(shapes.subject_objects(SH.property)):
        if (prop, None, None) not in shapes:
            shapes.remove((shape, SH.property, prop))


@lru_cache(maxsize=4)
def _shapes(folder: str, mobility: bool) -> Graph:
    names = DCAT_AP_SHAPES + (MOBILITY_SHAPES if mobility else ())
    shapes = _load(tuple(Path(folder) / name for name in names))
    _drop_dangling(shapes)
    return shapes


@lru_cache(maxsize=2)
def vocabularies(folder: str) -> Graph:
    """The mobilityDCAT-AP controlled vocabularies, one graph."""
    files = sorted((Path(folder) / VOCABULARIES_DIR).glob("*.ttl"))
    return _load(tuple(files))


def with_concepts(data: Graph, vocabulary: Graph) -> Graph:
    """A copy of ``data`` with the description of every vocabulary concept it
    points to (and of their schemes), so that range checks see their types.

    Only what is referred to is copied: handing the whole vocabularies to
    pyshacl as an ontology graph made one dataset's check take minutes."""
    out = Graph()
    out += data
    wanted = {o for o in data.objects() if isinstance(o, URIRef)}
    schemes: set[URIRef] = set()
    for node in wanted:
        for p, o in vocabulary.predicate_objects(node):
            out.add((node, p, o))
            if p == SKOS.inScheme and isinstance(o, URIRef):
                schemes.add(o)
    for scheme in schemes:
        for p, o in vocabulary.predicate_objects(scheme):
            if p != SKOS.hasTopConcept:
                out.add((scheme, p, o))
    return out


@dataclass(frozen=True)
class Report:
    conforms: bool
    findings: list[Finding]


# Prefixes of the names in findings, whatever prefixes the document chose.
PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "locn": "http://www.w3.org/ns/locn#",
    "adms": "http://www.w3.org/ns/adms#",
    "dcatap": "http://data.europa.eu/r5r/",
    "spdx": "http://spdx.org/rdf/terms#",
    "mobilitydcatap": "https://w3id.org/mobilitydcat-ap#",
}


def short(graph: Graph, node: object) -> str:
    """A node as findings name it: ``dct:title``, ``<https://…>``, or a
    blank node's label."""
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in PREFIXES.items():
            local = text.removeprefix(namespace)
            if local != text and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return f"<{text}>"
    return str(node)


def run(data: Graph, *, mobility: bool, folder: str | Path | None = None) -> Report:
    """Validate ``data`` against DCAT-AP 3.0.1 (and mobilityDCAT-AP 1.1.0 when
    ``mobility``), with the controlled vocabularies as ontology graph."""
    from pyshacl import validate as shacl_validate

    root = str(standards_dir(folder))
    shapes = _shapes(root, mobility)
    if mobility:
        target = with_concepts(data, vocabularies(root))
    elif data.store.context_aware:
        target = data
    else:
        # pyshacl needs a context-aware store (exports use SimpleMemory).
        target = Graph()
        target += data
    conforms, report, _ = shacl_validate(
        target,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    findings: list[Finding] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        text = str(message) if message is not None else "constraint not met"
        if value is not None:
            text += f" (value: {value})"
        constraint, expected = _constraint(
            report, result, shapes, report.value(result, SH.sourceShape)
        )
        findings.append(
            Finding(
                severity="error" if severity == SH.Violation else "warning",
                message=text,
                path=short(data, path) if path is not None else "",
                focus=short(data, focus) if focus is not None else "",
                constraint=constraint,
                expected=expected,
                value=short(data, value) if value is not None else "",
            )
        )
    findings.sort(key=lambda f: (f.severity != "error", f.focus, f.path, f.message))
    return Report(conforms=bool(conforms), findings=findings)


# Constraint component -> the shape parameter that says what was expected.
_PARAMETERS = {
    "MinCount": SH.minCount,
    "MaxCount": SH.maxCount,
    "Class": SH["class"],
    "NodeKind": SH.nodeKind,
    "Datatype": SH.datatype,
    "Pattern": SH.pattern,
    "MinLength": SH.minLength,
    "MaxLength": SH.maxLength,
    "HasValue": SH.hasValue,
    "LanguageIn": SH.languageIn,
    "UniqueLang": SH.uniqueLang,
    "Or": None,
    "Closed": None,
}


def _constraint(
    report: Graph, result: Node, shapes: Graph, shape: Node | None
) -> tuple[str, str]:
    """The failed constraint of a result (``minCount``…) and its parameter."""
    component = report.value(result, SH.sourceConstraintComponent)
    if not isinstance(component, URIRef):
        return "", ""
    name = str(component).removeprefix(str(SH)).removesuffix("ConstraintComponent")
    if name not in _PARAMETERS:
        return "", ""
    constraint = name[0].lower() + name[1:]
    parameter = _PARAMETERS[name]
    if parameter is None or shape is None:
        return constraint, ""
    value = shapes.value(shape, parameter)
    if value is None:
        return constraint, ""
    if parameter == SH.languageIn:
        from rdflib.collection import Collection

        return constraint, ", ".join(str(v) for v in Collection(shapes, value))
    if parameter == SH.nodeKind:
        return constraint, str(value).removeprefix(str(SH))
    return constraint, short(shapes, value)


def unknown_concepts(data: Graph, *, folder: str | Path | None = None) -> list[Finding]:
    """Warnings for mobility concept URIs that are not in their vocabulary."""
    from fabrique.standards.mobility import BASE, MOBILITYDCATAP, VOCABULARIES

    known = vocabularies(str(standards_dir(folder)))
    findings = []
    for name, folder_name in VOCABULARIES.items():
        prop = MOBILITYDCATAP[name] if name != "rights" else None
        if prop is None:
            continue
        for subject, value in data.subject_objects(prop):
            if not isinstance(value, URIRef):
                continue
            prefix = f"{BASE}{folder_name}/"
            if (value, RDF.type, SKOS.Concept) in known and str(value).startswith(
                prefix
            ):
                continue
            findings.append(
                Finding(
                    severity="warning",
                    message=(
                        f"{value} is not a concept of the mobilityDCAT-AP "
                        f"vocabulary {folder_name} ({prefix})"
                    ),
                    path=short(data, prop),
                    focus=short(data, subject),
                )
            )
    return findings
