"""Validate a metadata file in whichever standard it is written."""

from __future__ import annotations

import importlib
import json
from pathlib import Path, PurePath

from fabrique.standards import Finding, StandardsError

# format name -> module holding its ``validate`` function
FORMATS: dict[str, str] = {
    "dcat": "fabrique.standards.dcat",
    "publiccode": "fabrique.standards.publiccode",
    "codemeta": "fabrique.standards.codemeta",
    "okh": "fabrique.standards.okh",
}

RDF_SUFFIXES = {".ttl", ".rdf", ".xml", ".jsonld", ".nt", ".n3", ".owl"}


def detect(name: str, data: bytes) -> str:
    """Guess the standard of a file from its name, then from its first bytes."""
    path = PurePath(name.lower())
    if path.name in {"publiccode.yml", "publiccode.yaml"}:
        return "publiccode"
    if path.name == "codemeta.json":
        return "codemeta"
    if path.suffix == ".toml" or path.name in {"okh.yml", "okh.yaml"}:
        return "okh"
    if path.suffix in {".yml", ".yaml"}:
        return "publiccode"
    head = data[:4096].lstrip()
    if path.suffix == ".json" or (
        path.suffix == ".jsonld" and b"codemeta" in head.lower()
    ):
        try:
            document = json.loads(data)
        except ValueError:
            return "dcat"
        if isinstance(document, dict) and "codemeta" in json.dumps(
            document.get("@context", "")
        ):
            return "codemeta"
    return "dcat"


def validate(
    data: bytes,
    *,
    name: str = "",
    format: str | None = None,
    offline: bool = True,
    base_dir: Path | None = None,
) -> tuple[str, list[Finding]]:
    """Return the detected format and the findings for one file.

    ``base_dir`` is the file's folder: a publiccode.yml's relative paths
    (logo, screenshots) are checked there."""
    chosen = format or detect(name, data)
    if chosen not in FORMATS:
        raise StandardsError(
            f"unknown format {chosen!r}: expected one of {', '.join(FORMATS)}"
        )
    module = importlib.import_module(FORMATS[chosen])
    extra = {"base_dir": base_dir} if chosen == "publiccode" and base_dir else {}
    findings: list[Finding] = module.validate(data, name=name, offline=offline, **extra)
    return chosen, findings
