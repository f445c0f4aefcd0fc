"""NeTEx XML Schema: install, version choice, errors in English and French."""

from __future__ import annotations

import zipfile

import pytest

from fabrique.netex import xsd
from fabrique.netex.validate import validate


def test_the_schema_is_installed_under_its_version(netex_xsd):
    versions = xsd.installed(netex_xsd)
    assert versions
    label, entry = xsd.choose(netex_xsd, "1.10:FR-NETEX-2.2")
    assert entry.name == "NeTEx_publication.xsd"
    assert label in versions


def test_the_version_is_chosen_per_file(tmp_path):
    for label in ("1.1", "1.10", "2.0"):
        (tmp_path / label).mkdir()
        (tmp_path / label / xsd.ENTRY).write_text("<x/>")
    assert xsd.choose(tmp_path, "1.10:FR-NETEX-2.2")[0] == "1.10"
    assert xsd.choose(tmp_path, "1.1")[0] == "1.1"
    assert xsd.choose(tmp_path, "1.15")[0] == "1.10"
    assert xsd.choose(tmp_path, "3.0")[0] == "2.0"
    assert xsd.choose(tmp_path / "none", "1.1") is None


def test_install_takes_only_xsd_files_and_never_climbs_out(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("repo/xsd/NeTEx_publication.xsd", '<s version="9.9"/>')
        out.writestr("repo/xsd/../../../escape.xsd", "<s/>")
        out.writestr("repo/xsd/readme.txt", "hello")
    folder = xsd.install(archive, tmp_path / "target")
    assert folder == tmp_path / "target" / "9.9"
    assert sorted(p.name for p in folder.rglob("*")) == ["NeTEx_publication.xsd"]
    assert not (tmp_path / "escape.xsd").exists()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(xsd.XsdError):
        xsd.install(bad, tmp_path / "target")


def test_a_schema_error_names_file_line_path_in_english_and_french(
    netex_xsd, netex_data, tmp_path
):
    text = (netex_data / "fr_valid.xml").read_text()
    broken = tmp_path / "broken.xml"
    broken.write_text(
        text.replace(
            "<StopPlaceType>onstreetBus</StopPlaceType>",
            "<StopPlaceType>feryPort</StopPlaceType>",
            1,
        )
    )
    result = validate(broken, xsd_dir=netex_xsd)
    sample = result.notices.groups["xsd_invalid"].samples[0]
    assert sample["filename"] == "broken.xml"
    assert sample["line"] == 34
    assert sample["path"].endswith("StopPlace[FR:75056:LMO:gare:LOC]/StopPlaceType")
    assert "feryPort" in sample["message"]
    assert sample["messageFr"].startswith("Élément 'StopPlaceType' : la valeur")
    assert result.verdict == "invalid"


def test_french_messages_cover_common_errors():
    assert (
        xsd.french("Element 'Line': The attribute 'id' is required but missing.")
        == "Élément 'Line' : l'attribut obligatoire 'id' manque."
    )
    assert xsd.french("Something new.").startswith("Non conforme au schéma NeTEx")


def test_without_a_schema_the_other_checks_run_and_say_so(netex_data, tmp_path):
    result = validate(netex_data / "fr_valid.xml", xsd_dir=tmp_path / "empty")
    assert result.notices.codes() == {"xsd_not_available"}
    assert result.verdict == "valid_with_warnings"
    assert "no XML Schema" in result.summary()["checked"]


def test_a_file_over_the_schema_limit_is_streamed_only(netex_xsd, netex_data):
    result = validate(netex_data / "fr_valid.xml", xsd_dir=netex_xsd, max_xsd_bytes=10)
    assert result.notices.count("xsd_skipped_file_too_large") == 1
    assert result.summary()["schema"]["filesChecked"] == 0


def test_the_epip_example_is_schema_valid(netex_xsd, shared_data):
    example = (
        shared_data / "standards" / "netex" / "examples" / "epip_common_profile.xml"
    )
    result = validate(example, xsd_dir=netex_xsd)
    assert "xsd_invalid" not in result.notices.codes()
    # The example is a fragment: its responsible area lives elsewhere.
    (sample,) = result.notices.groups["unresolved_reference"].samples
    assert sample["ref"] == "epip:Europe"
    declared = validate(example, xsd_dir=netex_xsd, external=("epip:Europe",))
    assert declared.verdict == "valid"
    assert declared.summary()["profile"] == ""


def test_the_french_sample_gets_its_expected_verdict(netex_xsd, shared_data):
    """The published sample has real schema errors (a `feryPort` typo, order 0)."""
    result = validate(
        shared_data / "netex" / "netex_french_profile_sample.zip", xsd_dir=netex_xsd
    )
    assert result.verdict == "invalid"
    codes = result.notices.codes()
    assert {"xsd_invalid", "fr_stop_place_type_unknown"} <= codes
    assert "unresolved_reference" not in codes
    assert "duplicate_id" not in codes
    summary = result.summary()
    assert summary["frenchProfileFiles"] == 26
    assert summary["linesByMode"] == {"ferry": 23}
    assert summary["stopPlaces"] == summary["quays"] == 7
    assert summary["validity"] == {"from": "2024-07-04", "to": "2024-12-31"}
    assert summary["operators"][0]["name"] == "COMPAGNIE MARITIME PENN AR BED"
    messages = [s["message"] for s in result.notices.groups["xsd_invalid"].samples]
    assert any("feryPort" in m for m in messages)


def test_entities_are_refused_before_any_lxml_parse(netex_xsd, tmp_path):
    from tests.netex.test_check import BILLION_LAUGHS, XXE

    for payload in (BILLION_LAUGHS, XXE):
        path = tmp_path / "attack.xml"
        path.write_bytes(payload)
        result = validate(path, xsd_dir=netex_xsd)
        assert result.notices.codes() == {"xml_entities_refused"}
        assert result.verdict == "invalid"


def test_lxml_parser_never_expands_entities(tmp_path):
    from lxml import etree

    from tests.netex.test_check import XXE

    document = etree.parse(__import__("io").BytesIO(XXE), xsd.safe_parser())
    assert "root:" not in etree.tostring(document).decode()


def test_the_default_folder_is_in_the_user_cache():
    assert xsd.default_dir().parts[-3:] == (".cache", "fabrique", "netex-xsd")


def test_a_large_file_uses_the_schema_without_identity_constraints(
    netex_xsd, netex_data
):
    result = validate(
        netex_data / "fr_valid.xml", xsd_dir=netex_xsd, max_constrained_bytes=10
    )
    assert result.notices.count("xsd_constraints_skipped") == 1
    assert "xsd_invalid" not in result.notices.codes()
    assert result.summary()["schema"]["filesChecked"] == 1


def test_the_valid_fixture_is_schema_valid_too(netex_xsd, netex_data):
    result = validate(netex_data / "fr_valid.xml", xsd_dir=netex_xsd)
    assert result.notices.codes() <= {"xsd_version_substituted"}
    assert result.verdict == "valid"
