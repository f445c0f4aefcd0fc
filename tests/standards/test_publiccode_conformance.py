"""publiccode.yml validator against the reference parser's own test files.

The verdict expected for each file comes from where the reference parser
(italia/publiccode-parser-go) keeps it: ``v0/valid*/`` parse (with warnings
in ``valid_with_warnings``), ``v0/invalid/`` are rejected, and every ``v1/``
file is rejected because version "1" is not supported. The key at fault is
the one the file name starts with (testdata/README.md); a few files name no
key or a parent of it and are listed below.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fabrique.standards import publiccode
from tests.conftest import SHARED_DATA

TESTDATA = SHARED_DATA / "standards" / "publiccode" / "parser-testdata"
FILES = sorted(p.relative_to(TESTDATA).as_posix() for p in TESTDATA.rglob("*.yml"))

# The only error of this file is a logo URL that does not answer: with network
# checks off the reference accepts it too (TestRelativePathsOrURLsNoNetwork*).
NETWORK_ONLY = {"v0/invalid/logo_missing_url.yml"}

# Files whose verdict hangs on the Italian iPA vocabulary (urn:x-italian-pa:…,
# IT.riuso.codiceIPA), which the shared data does not hold.
NEEDS_IPA = {
    "v0/invalid/organisation_uri_wrong_italian_pa2.yml",
    "v0/invalid/fundedBy_uri_wrong_italian_pa2.yml",
    "v0/invalid/it_riuso_codiceIPA_invalid.yml",
}

# Where the file name does not start with the path of the key at fault.
FIELD_AT_FAULT = {
    "file_encoding.yml": "",
    "invalid_yaml.yml": "",
    "mostly_empty.yml": "name",
    "isBasedOn_wrong_type.yml": "isBasedOn",
    "inputTypes_wrong_type.yml": "inputTypes",
    "outputTypes_wrong_type.yml": "outputTypes",
    "fundedBy_wrong_type.yml": "fundedBy",
    "legal_missing.yml": "legal.license",
    "it_wrong_case.yml": "It",
    "fundedBy_wrong_uri.yml": "fundedBy",
    "organisation_wrong_uri.yml": "organisation",
    "supports_unknown_alias.yml": "supports",
    "unknown_field.yml": "foobar",
}


def expected_verdict(relative: str) -> str:
    parts = relative.split("/")
    if parts[0] == "v1":
        return "invalid"
    folder = parts[1]
    if folder == "invalid":
        return "valid" if relative in NETWORK_ONLY else "invalid"
    return folder  # "valid" or "valid_with_warnings"


def verdict(findings: list) -> str:
    if any(f.severity == "error" for f in findings):
        return "invalid"
    if findings:
        return "valid_with_warnings"
    return "valid"


def _norm(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path).replace(".", "_").lower()


@pytest.mark.parametrize("relative", FILES or ["(no test files)"])
def test_same_verdict_as_reference_parser(shared_data: Path, relative: str) -> None:
    if not FILES:
        pytest.skip(f"publiccode parser test data not found at {TESTDATA}")
    if relative in NEEDS_IPA and publiccode.ipa_codes() is None:
        pytest.skip("needs the Italian iPA vocabulary (FABRIQUE_IPA_CODES)")
    path = TESTDATA / relative
    findings = publiccode.validate(
        path.read_bytes(), name=path.name, offline=True, base_dir=path.parent
    )
    expected = expected_verdict(relative)
    assert verdict(findings) == expected, [f.as_dict() for f in findings]

    if expected == "invalid" and relative.startswith("v0/"):
        errors = [f for f in findings if f.severity == "error"]
        key = FIELD_AT_FAULT.get(path.name)
        if key is not None:
            assert any(
                f.path == key or f.path.startswith((key + ".", key + "["))
                for f in errors
            )
        else:
            stem = path.stem.lower()
            assert any(f.path and stem.startswith(_norm(f.path)) for f in errors), [
                f.as_dict() for f in errors
            ]
    if relative.startswith("v1/"):
        assert any(f.path == "publiccodeYmlVersion" for f in findings)


def test_standard_examples(shared_data: Path) -> None:
    folder = shared_data / "standards" / "publiccode" / "standard-examples"
    minimal = folder / "publiccode.minimal.yml"
    assert publiccode.validate(minimal.read_bytes(), name=minimal.name) == []
    # The full example's video address (https://youtube.com/xxxxxxxx) matches
    # no oEmbed provider scheme, so the reference parser rejects it as well.
    full = folder / "publiccode.yml"
    findings = publiccode.validate(full.read_bytes(), name=full.name)
    assert [f.path for f in findings if f.severity == "error"] == [
        "description.en.videos[0]"
    ]


def test_ipa_vocabulary_is_used_when_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_data: Path
) -> None:
    vocabulary = tmp_path / "ipa_codes.txt"
    vocabulary.write_text("pcm\nc_h501\n", encoding="utf-8")
    monkeypatch.setenv("FABRIQUE_IPA_CODES", str(vocabulary))
    for relative in sorted(NEEDS_IPA):
        path = TESTDATA / relative
        findings = publiccode.validate(path.read_bytes(), base_dir=path.parent)
        assert not publiccode.is_valid(findings), relative
    valid = TESTDATA / "v0/valid/valid_with_organisation_uri_italian_pa.yml"
    findings = publiccode.validate(valid.read_bytes(), base_dir=valid.parent)
    assert publiccode.is_valid(findings), findings
