"""CodeMeta 3: exports expand without dropping a term, crosswalk, round trip."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings

from fabrique.standards import StandardsError, codemeta, publiccode
from fabrique.standards.validate import validate as validate_any
from tests.standards.test_publiccode_mapping import MODELLED, commons_dicts

COMMONS = {
    "title": "Medusa",
    "summary": "Calcule des itinéraires.",
    "description": "Un long texte.",
    "licence": "EUPL-1.2",
    "maturity": "beta",
    "repository_url": "https://example.org/medusa.git",
    "documentation_url": "https://docs.example.org/",
    "demo_url": "https://demo.example.org/",
    "download_url": "https://example.org/medusa.zip",
    "tags": ["fleet-management", "gtfs"],
    "contacts": [{"name": "Ada", "email": "ada@example.org"}],
}


@pytest.fixture
def standards(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = shared_data / "standards"
    monkeypatch.setenv("FABRIQUE_STANDARDS_DIR", str(folder))
    return folder


def test_export_expands_with_every_context_without_dropping_a_term(
    standards: Path,
) -> None:
    from rdflib import Graph

    document = codemeta.from_commons(COMMONS)
    for version in ("v3.0", "v3.1", "v2.0"):
        context = json.loads(
            (standards / "codemeta" / version / "codemeta.jsonld").read_text()
        )
        local = dict(document, **{"@context": context["@context"]})
        with warnings.catch_warnings():  # rdflib's JSON-LD parser: ConjunctiveGraph
            warnings.simplefilter("ignore", DeprecationWarning)
            graph = Graph().parse(data=json.dumps(local), format="json-ld")
        predicates = {str(p).rsplit("/", 1)[-1] for p in graph.predicates()}
        for key in document:
            if not key.startswith("@"):
                assert key in predicates, (version, key)
    assert codemeta.validate(json.dumps(document).encode()) == []


def test_invalid_example_is_flagged(standards: Path) -> None:
    path = (
        standards / "codemeta" / "master" / "examples" / "example-codemeta-invalid.json"
    )
    findings = codemeta.validate(path.read_bytes(), name=path.name)
    assert {f.path for f in findings if f.severity == "error"} == {
        "not_in_schema",
        "descriptionn",
    }


def test_reference_examples_are_valid(standards: Path) -> None:
    folder = standards / "codemeta" / "master"
    for path in [
        folder / "codemeta-repo-self.json",
        folder / "examples" / "codemeta.json",
    ]:
        findings = codemeta.validate(path.read_bytes())
        assert [f for f in findings if f.severity == "error"] == [], path.name


def test_validate_command_detects_codemeta(standards: Path) -> None:
    data = json.dumps(codemeta.from_commons(COMMONS)).encode()
    assert validate_any(data, name="codemeta.json") == ("codemeta", [])


def test_contexts_absent_is_said(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FABRIQUE_STANDARDS_DIR", str(tmp_path))
    with pytest.raises(StandardsError, match="not installed"):
        codemeta.validate(json.dumps(codemeta.from_commons(COMMONS)).encode())


def test_mapping_follows_the_publiccode_crosswalk(standards: Path) -> None:
    path = standards / "codemeta" / "master" / "crosswalks" / "publiccode.csv"
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    crosswalk = {r["Property"]: r["publiccode"] for r in rows if r["publiccode"]}
    meta = codemeta.from_commons(COMMONS)
    import yaml

    pc = yaml.safe_load(publiccode.from_commons(COMMONS))
    lang = next(iter(pc["description"]))
    assert crosswalk["codeRepository"] == "url"
    assert meta["codeRepository"] == pc["url"]
    assert crosswalk["license"] == "legal.license"
    assert meta["license"].endswith("/" + pc["legal"]["license"])
    assert crosswalk["name"].startswith("name")
    assert meta["name"] == pc["name"]
    assert crosswalk["developmentStatus"] == "developmentStatus"
    assert meta["developmentStatus"] == pc["developmentStatus"]
    assert crosswalk["keywords"] == "description.[lang].features"
    assert set(pc["description"][lang]["features"]) <= set(meta["keywords"])
    assert crosswalk["description"].startswith("description.[lang].shortDescription")
    assert meta["description"].startswith(pc["description"][lang]["shortDescription"])
    assert crosswalk["maintainer"].endswith("maintenance.contacts")
    assert meta["maintainer"][0]["name"] == pc["maintenance"]["contacts"][0]["name"]


def test_import_of_the_reference_example(standards: Path) -> None:
    path = standards / "codemeta" / "master" / "codemeta-repo-self.json"
    commons, warnings = codemeta.to_commons(path.read_bytes())
    document = json.loads(path.read_text())
    assert commons["title"] == document["name"]
    assert commons["repository_url"] == document["codeRepository"]
    assert isinstance(warnings, list)


@settings(max_examples=60, deadline=None)
@given(commons_dicts)
def test_round_trip_keeps_modelled_fields(commons: dict) -> None:
    document = codemeta.from_commons(commons)
    back, _ = codemeta.to_commons(json.dumps(document).encode())
    for key in MODELLED:
        assert back[key] == commons[key].strip(), key
    assert back["tags"] == commons["tags"]


def test_dcat_properties_follow_the_dcat3_crosswalk(standards: Path) -> None:
    path = standards / "codemeta" / "master" / "crosswalks" / "DCAT-3.csv"
    crosswalk: dict[str, set[str]] = {}
    for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines()):
        if row["DCAT-3"].strip():
            crosswalk.setdefault(row["Property"], set()).add(row["DCAT-3"].strip())
    exported = codemeta.from_commons(COMMONS) | {"identifier": "x"}
    for term in exported:
        if term.startswith("@"):
            continue
        assert term in codemeta.DCAT, term
        expected = codemeta.DCAT[term]
        if expected is None:
            assert term not in crosswalk, term
        else:
            assert expected in crosswalk[term], term
