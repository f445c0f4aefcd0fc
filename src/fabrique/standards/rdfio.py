"""Reading RDF files from strangers: size cap, defused XML, clear errors."""

from __future__ import annotations

import json
import warnings
from pathlib import PurePath
from typing import Any

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from fabrique.standards import StandardsError

MAX_BYTES = 20 * 1024 * 1024

# File suffix -> rdflib parser.
SUFFIXES = {
    ".ttl": "turtle",
    ".n3": "turtle",
    ".nt": "nt",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}


def guess_syntax(name: str, data: bytes) -> str:
    """The rdflib parser for a file, from its suffix, else its first bytes."""
    suffix = PurePath(name.lower()).suffix
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    if head.startswith((b"{", b"[")):
        return "json-ld"
    return "turtle"


def _check_xml(data: bytes) -> None:
    """Refuse DTDs, entities and external references before rdflib sees XML."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise StandardsError(
            f"RDF/XML refused: it declares a DTD or entities ({type(exc).__name__}); "
            "RDF/XML files with document type declarations are not read"
        ) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise StandardsError(
            f"not well-formed XML at line {line}, column {column}: {exc}"
        ) from exc


def _remote_contexts(value: Any) -> list[str]:
    """The remote ``@context`` references anywhere in a JSON-LD document."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                contexts = item if isinstance(item, list) else [item]
                found.extend(c for c in contexts if isinstance(c, str))
                found.extend(
                    ref
                    for c in contexts
                    if isinstance(c, dict)
                    for ref in _remote_contexts(c)
                )
            else:
                found.extend(_remote_contexts(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_remote_contexts(item))
    return found


def _check_jsonld(data: bytes) -> None:
    try:
        document = json.loads(data)
    except ValueError as exc:
        line = getattr(exc, "lineno", 0)
        raise StandardsError(f"not valid JSON at line {line}: {exc}") from exc
    remote = _remote_contexts(document)
    if remote:
        raise StandardsError(
            "JSON-LD with a remote @context is not read (contexts are never "
            f"fetched): {remote[0]}; put the context in the document"
        )


def parse(
    data: bytes,
    *,
    name: str = "",
    syntax: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Graph:
    """Parse one RDF document into a graph, or raise :class:`StandardsError`."""
    if len(data) > max_bytes:
        raise StandardsError(
            f"{name or 'the file'} is {len(data):,} bytes, over the limit of "
            f"{max_bytes:,} bytes for an RDF document"
        )
    chosen = syntax or guess_syntax(name, data)
    if chosen == "xml":
        _check_xml(data)
    elif chosen == "json-ld":
        _check_jsonld(data)
    graph = Graph()
    try:
        with warnings.catch_warnings():
            # rdflib's JSON-LD parser goes through its own deprecated classes.
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(data=data, format=chosen, publicID="urn:fabrique:document")
    except StandardsError:
        raise
    except Exception as exc:
        line: Any = None
        if isinstance(exc, BadSyntax):
            line = exc.lines + 1  # rdflib counts Turtle lines from 0
        elif callable(getattr(exc, "getLineNumber", None)):
            line = exc.getLineNumber()  # type: ignore[attr-defined]
        why = getattr(exc, "_why", None) or getattr(exc, "getMessage", lambda: "")()
        detail = str(why or exc).strip().splitlines()[0] if str(why or exc) else ""
        where = f" at line {line}" if line else ""
        label = {"xml": "RDF/XML", "json-ld": "JSON-LD", "nt": "N-Triples"}.get(
            chosen, "Turtle"
        )
        raise StandardsError(
            f"{name or 'the file'} is not valid {label}{where}: "
            f"{detail or type(exc).__name__}"
        ) from exc
    return graph
