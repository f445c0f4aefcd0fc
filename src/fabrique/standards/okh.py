"""Open Know-How manifests: OKH-LOSH (okh.toml) and the legacy OKH v1 (okh.yml).

Validation uses the published JSON Schemas (draft-07) of OPEN-NEXT: they are
licensed AGPL-3.0-or-later and are not shipped with Fabrique, so they are read
at run time from ``$FABRIQUE_STANDARDS_DIR/okh/schema/`` (a folder laid out
like the shared standards data). Their ``pattern``s use JavaScript named
groups ``(?<name>…)``; they are rewritten to Python's ``(?P<name>…)`` when the
schema is loaded (a name used twice in one pattern gets a numbered twin).

Field mapping (OKH-LOSH): ``name`` is the title, ``function`` the summary
(then a blank line and the description), ``repo`` the repository,
``license`` the licence, ``licensor`` the contacts' names,
``user-manual`` the documentation, ``release`` the download,
``documentation-language`` the language, ``technology-readiness-level`` the
maturity (OTRL levels).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from pathlib import Path, PurePath
from typing import Any

import tomli_w

from fabrique.standards import Finding, StandardsError, not_imported
from fabrique.standards.safeload import Budget, load_toml, load_yaml

OKHV = "OKH-LOSHv1.0"
BUDGET = Budget(max_bytes=1024**2, max_nodes=20_000, max_depth=24)
SCHEMAS = {"losh": "okh-losh.schema.json", "v1": "okh-v1.schema.json"}
MATURITY_TO_OTRL = {
    "idea": "OTRL-1",
    "prototype": "OTRL-4",
    "beta": "OTRL-5",
    "production": "OTRL-6",
}
OTRL_TO_MATURITY = {
    "OTRL-1": "idea",
    "OTRL-2": "idea",
    "OTRL-3": "prototype",
    "OTRL-4": "prototype",
    "OTRL-5": "beta",
    "OTRL-6": "production",
}
V1_STAGES = {"idea": "idea", "prototype": "prototype", "product": "production"}

_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>")


def python_pattern(pattern: str) -> str:
    """Rewrite JavaScript named groups ``(?<n>…)`` as Python's ``(?P<n>…)``."""
    seen: dict[str, int] = {}

    def rename(match: re.Match[str]) -> str:
        name = match.group(1)
        seen[name] = seen.get(name, 0) + 1
        suffix = "" if seen[name] == 1 else f"_{seen[name]}"
        return f"(?P<{name}{suffix}>"

    return _NAMED_GROUP.sub(rename, pattern)


def _convert(node: Any) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                out[key] = python_pattern(value)
            elif key == "patternProperties" and isinstance(value, dict):
                out[key] = {python_pattern(k): _convert(v) for k, v in value.items()}
            else:
                out[key] = _convert(value)
        return out
    if isinstance(node, list):
        return [_convert(v) for v in node]
    return node


def schema_dir() -> Path | None:
    value = os.environ.get("FABRIQUE_STANDARDS_DIR")
    return Path(value) / "okh" / "schema" if value else None


@functools.cache
def _validator(path: str) -> Any:
    import jsonschema

    with open(path, encoding="utf-8") as handle:
        schema = _convert(json.load(handle))
    cls = jsonschema.validators.validator_for(schema)
    return cls(copy.deepcopy(schema), format_checker=cls.FORMAT_CHECKER)


def validator(which: str = "losh", folder: Path | None = None) -> Any:
    folder = folder or schema_dir()
    path = folder / SCHEMAS[which] if folder else None
    if path is None or not path.is_file():
        raise StandardsError(
            f"the OKH schema {SCHEMAS[which]} is not installed: set "
            "FABRIQUE_STANDARDS_DIR to a folder holding okh/schema/ "
            "(the schema is AGPL-licensed and not shipped with Fabrique)"
        )
    return _validator(str(path))


def check(
    document: Any, which: str = "losh", folder: Path | None = None
) -> list[Finding]:
    """Findings of the OKH JSON Schema for a parsed manifest."""
    findings = []
    for error in validator(which, folder).iter_errors(document):
        path = ".".join(
            f"[{p}]" if isinstance(p, int) else str(p) for p in error.absolute_path
        ).replace(".[", "[")
        findings.append(Finding("error", error.message[:500], path))
    return sorted(findings, key=lambda f: f.path)


def parse(data: bytes, name: str = "") -> tuple[str, Any]:
    """("losh", dict) for okh.toml, ("v1", dict) for a legacy okh.yml."""
    suffix = PurePath(name.lower()).suffix
    if suffix in (".yml", ".yaml"):
        return "v1", load_yaml(data, BUDGET)
    return "losh", load_toml(data, BUDGET)


def validate(data: bytes, *, name: str = "", offline: bool = True) -> list[Finding]:
    """Check an okh.toml (OKH-LOSH) or a legacy okh.yml (OKH v1)."""
    which, document = parse(data, name)
    return check(document, which)


def from_commons(commons: dict[str, Any]) -> str:
    """okh.toml text (OKH-LOSH v1.0) for a hardware commons.

    Needs a title, a licence, a repository and a licensor (the ``licensor``
    key, or the contacts' names); raises StandardsError naming what is missing.
    """
    licensors = [str(n) for n in commons.get("licensor") or [] if n] or [
        str(c["name"]) for c in commons.get("contacts") or [] if c.get("name")
    ]
    missing = [
        key
        for key in ("title", "licence", "repository_url")
        if not str(commons.get(key) or "").strip()
    ]
    if not licensors:
        missing.append("licensor (a contact)")
    if missing:
        raise StandardsError(
            "an OKH manifest needs these fields of the commons: " + ", ".join(missing)
        )
    summary = str(commons.get("summary") or "").strip()
    description = str(commons.get("description") or "").strip()
    manifest: dict[str, Any] = {
        "okhv": OKHV,
        "name": str(commons["title"]).strip(),
        "repo": str(commons["repository_url"]),
        "version": str(commons.get("version") or "0.0.0"),
        "license": str(commons["licence"]),
        "licensor": licensors if len(licensors) > 1 else licensors[0],
        "function": f"{summary}\n\n{description}" if description else summary,
        "documentation-language": str(commons.get("language") or "fr"),
    }
    level = MATURITY_TO_OTRL.get(str(commons.get("maturity") or ""))
    if level:
        manifest["technology-readiness-level"] = level
    if commons.get("documentation_url"):
        manifest["user-manual"] = str(commons["documentation_url"])
    if commons.get("download_url"):
        manifest["release"] = str(commons["download_url"])
    return tomli_w.dumps(manifest)


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")


def to_commons(
    doc: dict[str, Any] | bytes, *, name: str = "okh.toml"
) -> tuple[dict[str, Any], list[str]]:
    """A commons' fields from an OKH manifest, and what could not be mapped."""
    if isinstance(doc, bytes):
        which, document = parse(doc, name)
    else:
        document = doc
        which = "losh" if "okhv" in doc else "v1"
    if not isinstance(document, dict):
        raise StandardsError("an OKH manifest is a table of keys")
    warnings: list[str] = []
    if which == "v1":
        return _from_v1(document, warnings)
    summary, _, description = str(document.get("function") or "").partition("\n\n")
    licensor = document.get("licensor") or []
    names = [licensor] if isinstance(licensor, str) else [str(n) for n in licensor]
    commons = {
        "kind": "hardware",
        "title": str(document.get("name") or ""),
        "summary": summary.strip(),
        "description": description.strip(),
        "licence": str(document.get("license") or ""),
        "maturity": OTRL_TO_MATURITY.get(
            str(document.get("technology-readiness-level") or ""), "idea"
        ),
        "repository_url": str(document.get("repo") or ""),
        "documentation_url": str(document.get("user-manual") or ""),
        "download_url": str(document.get("release") or ""),
        "demo_url": "",
        "tags": [],
        "contacts": [{"name": n, "email": ""} for n in names],
        "language": _first(document.get("documentation-language")),
        "version": str(document.get("version") or ""),
    }
    mapped = {
        "okhv",
        "name",
        "function",
        "licensor",
        "license",
        "technology-readiness-level",
        "repo",
        "user-manual",
        "release",
        "documentation-language",
        "version",
    }
    warnings += not_imported(key for key in document if key not in mapped)
    return commons, warnings


def _from_v1(
    document: dict[str, Any], warnings: list[str]
) -> tuple[dict[str, Any], list[str]]:
    licence = document.get("license") or {}
    if isinstance(licence, dict):
        licence = licence.get("hardware") or licence.get("documentation") or ""
    person = document.get("licensor") or {}
    contacts = (
        [{"name": str(person.get("name", "")), "email": str(person.get("email") or "")}]
        if isinstance(person, dict) and person.get("name")
        else []
    )
    commons = {
        "kind": "hardware",
        "title": str(document.get("title") or ""),
        "summary": str(document.get("description") or "").strip().split("\n\n")[0],
        "description": str(document.get("description") or "").strip(),
        "licence": str(licence),
        "maturity": V1_STAGES.get(str(document.get("development-stage") or ""), "idea"),
        "repository_url": str(document.get("project-link") or ""),
        "documentation_url": str(document.get("documentation-home") or ""),
        "download_url": str(document.get("archive-download") or ""),
        "demo_url": "",
        "tags": [str(k) for k in document.get("keywords") or []],
        "contacts": contacts,
        "language": str(document.get("documentation-language") or ""),
        "version": str(document.get("version") or ""),
    }
    mapped = {
        "title",
        "description",
        "license",
        "licensor",
        "development-stage",
        "project-link",
        "documentation-home",
        "archive-download",
        "keywords",
        "documentation-language",
        "version",
    }
    warnings += not_imported(key for key in document if key not in mapped)
    return commons, warnings
