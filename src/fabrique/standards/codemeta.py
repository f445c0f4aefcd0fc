"""CodeMeta 3 (codemeta.json): export, import and validation of software commons.

Field mapping after the CodeMeta crosswalk to publiccode.yml: ``name`` is the
title, ``description`` the summary (then a blank line and the description),
``codeRepository`` the repository, ``license`` an SPDX address, ``keywords``
the tags, ``developmentStatus`` the publiccode.yml status word, ``maintainer``
the contacts, ``softwareHelp`` the documentation, ``url`` the demo,
``downloadUrl`` the download.

Validation expands every key of the document with the CodeMeta JSON-LD
context read from a local copy (no network): a key the context does not
define is dropped by JSON-LD expansion, so it is an error. The contexts are
looked for in ``$FABRIQUE_STANDARDS_DIR/codemeta/v3.0/codemeta.jsonld`` (and
``v3.1``, ``v2.0`` for documents that name those versions).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from fabrique.standards import Finding, StandardsError, not_imported
from fabrique.standards.safeload import Budget, load_json

CONTEXT_V3 = "https://w3id.org/codemeta/3.0"
CONTEXT_FOLDERS = {
    "https://w3id.org/codemeta/3.0": "v3.0",
    "https://w3id.org/codemeta/3.1": "v3.1",
    "https://doi.org/10.5063/schema/codemeta-2.0": "v2.0",
    "https://w3id.org/codemeta/v2.0": "v2.0",
    # the invalid example of the CodeMeta repository names its master context
    "https://raw.githubusercontent.com/codemeta/codemeta/master/codemeta.jsonld": (
        "v3.1"
    ),
}
BUDGET = Budget(max_bytes=2 * 1024**2, max_nodes=50_000, max_depth=32)
SPDX = "https://spdx.org/licenses/"
MATURITY_TO_STATUS = {
    "idea": "concept",
    "prototype": "development",
    "beta": "beta",
    "production": "stable",
    "archived": "obsolete",
}
STATUS_TO_MATURITY = {v: k for k, v in MATURITY_TO_STATUS.items()}

# The DCAT 3 property of each CodeMeta term this module writes, after the
# CodeMeta crosswalk (crosswalks/DCAT-3.csv); None where it gives none. A
# DCAT export of a software commons uses the same properties.
DCAT = {
    "name": "dcterms:title",
    "description": "dcterms:description",
    "identifier": "dcterms:identifier",
    "codeRepository": "dcat:accessURL",
    "downloadUrl": "dcat:downloadURL",
    "url": "dcat:landingPage",
    "keywords": "dcat:keyword",
    "license": "dcterms:license",
    "maintainer": "prov:qualifiedAttribution",
    "developmentStatus": None,
    "softwareHelp": None,
}


def standards_dir() -> Path | None:
    value = os.environ.get("FABRIQUE_STANDARDS_DIR")
    return Path(value) if value else None


@functools.cache
def _context(folder: Path, version: str) -> Any:
    from rdflib.plugins.shared.jsonld.context import Context

    path = folder / "codemeta" / version / "codemeta.jsonld"
    with path.open(encoding="utf-8") as handle:
        return Context(source=json.load(handle)["@context"])


def context_for(url: str, folder: Path | None = None) -> Any:
    """The rdflib JSON-LD context of a CodeMeta version, read locally."""
    folder = folder or standards_dir()
    version = CONTEXT_FOLDERS.get(url)
    if version is None:
        raise StandardsError(f"unknown CodeMeta context {url!r}")
    if folder is None or not (folder / "codemeta" / version).is_dir():
        raise StandardsError(
            "the CodeMeta contexts are not installed: set FABRIQUE_STANDARDS_DIR "
            "to a folder holding codemeta/<version>/codemeta.jsonld"
        )
    return _context(folder, version)


def _context_url(document: dict[str, Any]) -> str | None:
    context = document.get("@context")
    names = context if isinstance(context, list) else [context]
    return next((n for n in names if isinstance(n, str) and n in CONTEXT_FOLDERS), None)


def _walk_keys(value: Any, path: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else key
            if not key.startswith("@"):
                out.append((key, here))
            if key != "@context":
                out.extend(_walk_keys(item, here))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_walk_keys(item, f"{path}[{i}]"))
    return out


def check(document: Any, folder: Path | None = None) -> list[Finding]:
    """Findings for a parsed codemeta.json."""
    if not isinstance(document, dict):
        return [Finding("error", "a codemeta.json is a JSON object")]
    url = _context_url(document)
    if url is None:
        return [
            Finding(
                "error",
                f"@context must name a CodeMeta context (e.g. {CONTEXT_V3})",
                "@context",
            )
        ]
    context = context_for(url, folder)
    findings = []
    for key, path in _walk_keys(document, ""):
        expanded = context.expand(key)
        if not expanded or ":" not in expanded:
            findings.append(
                Finding(
                    "error",
                    f"'{key}' is not a term of the CodeMeta context: "
                    "JSON-LD expansion drops it",
                    path,
                )
            )
    if document.get("@type") not in ("SoftwareSourceCode", "SoftwareApplication"):
        findings.append(
            Finding("warning", "@type is usually SoftwareSourceCode", "@type")
        )
    if not document.get("name"):
        findings.append(Finding("warning", "the software has no name", "name"))
    return findings


def validate(data: bytes, *, name: str = "", offline: bool = True) -> list[Finding]:
    """Check a codemeta.json against the CodeMeta context (offline always)."""
    return check(load_json(data, BUDGET))


def from_commons(commons: dict[str, Any]) -> dict[str, Any]:
    """A codemeta.json document (CodeMeta 3.0) for a software commons."""
    summary = str(commons.get("summary") or "").strip()
    description = str(commons.get("description") or "").strip()
    document: dict[str, Any] = {
        "@context": CONTEXT_V3,
        "@type": "SoftwareSourceCode",
        "name": str(commons.get("title") or ""),
        "description": f"{summary}\n\n{description}" if description else summary,
    }
    if commons.get("repository_url"):
        document["codeRepository"] = commons["repository_url"]
    licence = str(commons.get("licence") or "")
    if licence:
        simple = " " not in licence
        document["license"] = SPDX + licence if simple else licence
    status = MATURITY_TO_STATUS.get(str(commons.get("maturity") or ""))
    if status:
        document["developmentStatus"] = status
    if commons.get("tags"):
        document["keywords"] = [str(t) for t in commons["tags"]]
    for key, term in (
        ("documentation_url", "softwareHelp"),
        ("demo_url", "url"),
        ("download_url", "downloadUrl"),
    ):
        if commons.get(key):
            document[term] = commons[key]
    maintainers = [
        {
            "@type": "Person",
            "name": c["name"],
            **({"email": c["email"]} if c.get("email") else {}),
        }
        for c in commons.get("contacts") or []
        if c.get("name")
    ]
    if maintainers:
        document["maintainer"] = maintainers
    return document


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("@value") or value.get("name") or ""
    return str(value or "")


def to_commons(doc: dict[str, Any] | bytes) -> tuple[dict[str, Any], list[str]]:
    """A commons' fields from a codemeta.json, and what could not be mapped."""
    document = load_json(doc, BUDGET) if isinstance(doc, bytes) else doc
    if not isinstance(document, dict):
        raise StandardsError("a codemeta.json is a JSON object")
    warnings: list[str] = []
    summary, _, description = _text(document.get("description")).partition("\n\n")
    licence = _text(document.get("license"))
    if licence.startswith(SPDX):
        licence = licence[len(SPDX) :]
    keywords = document.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    people = document.get("maintainer") or []
    if isinstance(people, dict):
        people = [people]
    contacts = [
        {"name": str(p.get("name", "")), "email": str(p.get("email") or "")}
        for p in people
        if isinstance(p, dict) and p.get("name")
    ]
    commons = {
        "kind": "software",
        "title": _text(document.get("name")),
        "summary": summary.strip(),
        "description": description.strip(),
        "licence": licence,
        "maturity": STATUS_TO_MATURITY.get(
            _text(document.get("developmentStatus")), "idea"
        ),
        "repository_url": _text(document.get("codeRepository")),
        "documentation_url": _text(document.get("softwareHelp")),
        "demo_url": _text(document.get("url")),
        "download_url": _text(document.get("downloadUrl")),
        "tags": [str(k) for k in keywords],
        "contacts": contacts,
    }
    known = {
        "@context",
        "@type",
        "@id",
        "id",
        "type",
        "name",
        "description",
        "license",
        "keywords",
        "maintainer",
        "developmentStatus",
        "codeRepository",
        "softwareHelp",
        "url",
        "downloadUrl",
    }
    warnings += not_imported(key for key in document if key not in known)
    return commons, warnings
