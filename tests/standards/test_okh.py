"""Open Know-How: OKH-LOSH schema validation, exports, imports, bad input."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.standards import StandardsError, okh
from fabrique.standards.validate import validate as validate_any
from tests.conftest import SHARED_DATA
from tests.standards.test_publiccode_mapping import MODELLED, commons_dicts

COMMONS = {
    "title": "Métier à tisser",
    "summary": "Un métier à tisser libre.",
    "description": "Construit en contreplaqué.",
    "licence": "CERN-OHL-S-2.0",
    "maturity": "beta",
    "repository_url": "https://example.org/loom",
    "documentation_url": "https://docs.example.org/loom",
    "download_url": "https://example.org/loom-1.0.zip",
    "contacts": [{"name": "Ada", "email": ""}],
}


@pytest.fixture
def standards(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = shared_data / "standards"
    monkeypatch.setenv("FABRIQUE_STANDARDS_DIR", str(folder))
    return folder


def test_javascript_named_groups_become_python_ones() -> None:
    pattern = okh.python_pattern(r"^(?<a>x)(?<b>y)|(?<a>z)(?<=q)(?<!r)$")
    assert pattern == r"^(?P<a>x)(?P<b>y)|(?P<a_2>z)(?<=q)(?<!r)$"
    assert re.compile(pattern).match("xy")


def test_export_passes_the_okh_losh_schema(standards: Path) -> None:
    text = okh.from_commons(COMMONS)
    assert okh.validate(text.encode(), name="okh.toml") == []
    assert validate_any(text.encode(), name="okh.toml") == ("okh", [])


def test_schema_patterns_are_applied(standards: Path) -> None:
    text = okh.from_commons(dict(COMMONS, language="fr_FR"))
    findings = okh.validate(text.encode(), name="okh.toml")
    assert [f.path for f in findings] == ["documentation-language"]
    text = okh.from_commons(dict(COMMONS, repository_url="ftp://example.org/x"))
    assert [f.path for f in okh.validate(text.encode())] == ["repo"]


def test_reference_manifests(standards: Path) -> None:
    examples = standards / "okh" / "examples"
    ohloom = (examples / "okh-OHLOOM.toml").read_bytes()
    assert okh.validate(ohloom, name="okh-OHLOOM.toml") == []
    commons, warnings = okh.to_commons(ohloom)
    assert commons["title"] == "OHLOOM"
    assert commons["licence"] == "CC-BY-SA-4.0"
    assert commons["repository_url"].startswith("https://gitlab.com/")
    assert commons["contacts"][0]["name"]
    assert warnings  # bom, image, … have no place in a commons
    # The template predates the schema: its standard-compliance is a string.
    template = (examples / "okh-TEMPLATE.toml").read_bytes()
    findings = okh.validate(template, name="okh-TEMPLATE.toml")
    assert [f.path for f in findings] == ["standard-compliance"]


def test_legacy_okh_yml(standards: Path) -> None:
    legacy = b"""\
title: Hose adapter
description: A 3D printed hose adapter.
license:
  hardware: CERN-OHL-1.2
licensor:
  name: Ada
keywords: [garden, water]
project-link: https://example.org/hose
development-stage: prototype
"""
    assert okh.validate(legacy, name="okh.yml") == []
    commons, _ = okh.to_commons(legacy, name="okh.yml")
    assert commons["title"] == "Hose adapter"
    assert commons["licence"] == "CERN-OHL-1.2"
    assert commons["tags"] == ["garden", "water"]
    assert commons["maturity"] == "prototype"
    findings = okh.validate(b"title: x\n", name="okh.yml")
    assert {f.message for f in findings} >= {"'description' is a required property"}


def test_schema_absent_is_said(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FABRIQUE_STANDARDS_DIR", str(tmp_path))
    with pytest.raises(StandardsError, match="not installed"):
        okh.validate(okh.from_commons(COMMONS).encode())


def test_huge_arrays_and_files_are_refused(standards: Path) -> None:
    huge = "okhv = 'OKH-LOSHv1.0'\nlicensor = [" + ",".join(["'a'"] * 30_000) + "]\n"
    with pytest.raises(StandardsError, match="more than"):
        okh.validate(huge.encode())
    with pytest.raises(StandardsError, match="too large"):
        okh.validate(b"name = 'x'\n" + b"#" * (2 * 1024**2))
    with pytest.raises(StandardsError, match="not valid TOML"):
        okh.validate(b"name = [\n")


def test_export_names_missing_fields() -> None:
    with pytest.raises(StandardsError, match="licensor"):
        okh.from_commons(
            {"title": "x", "licence": "MIT", "repository_url": "https://e.org"}
        )


@settings(max_examples=60, deadline=None)
@given(commons_dicts.filter(lambda c: c["contacts"]), st.sampled_from(["fr", "en"]))
def test_round_trip_keeps_modelled_fields(commons: dict, language: str) -> None:
    commons = dict(
        commons,
        maturity="beta" if commons["maturity"] == "archived" else commons["maturity"],
        language=language,
    )
    text = okh.from_commons(commons)
    schemas = SHARED_DATA / "standards" / "okh" / "schema"
    if schemas.is_dir():
        assert okh.check(tomllib.loads(text), "losh", schemas) == []
    back, _ = okh.to_commons(text.encode())
    for key in MODELLED:
        if key != "demo_url":
            assert back[key] == commons[key].strip(), key
    assert [c["name"] for c in back["contacts"]] == [
        c["name"] for c in commons["contacts"]
    ]
