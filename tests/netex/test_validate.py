"""``fabrique netex validate``: verdicts, reports in JSON, HTML and CSV, summary."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from fabrique.cli import main
from fabrique.netex.report import to_csv, to_html
from fabrique.netex.validate import validate


def test_a_valid_file_is_summarised_with_its_stops_on_a_map(netex_data, tmp_path):
    result = validate(netex_data / "fr_valid.xml", xsd_dir=tmp_path)
    summary = result.summary()
    assert summary["operators"] == [
        {"id": "EX:Operator:regie:LOC", "name": "Régie Exemple"}
    ]
    assert summary["linesByMode"] == {"bus": 1}
    assert summary["lineList"][0]["publicCode"] == "1"
    assert summary["stopPlaces"] == summary["quays"] == 2
    assert summary["validity"] == {"from": "2026-03-01", "to": "2026-06-30"}
    assert summary["calendars"]["dayTypes"] == 1
    assert summary["calendars"]["from"] == "2026-03-01"
    features = result.geojson()["features"]
    assert len(features) == 4
    assert [2.3522, 48.8566] in [f["geometry"]["coordinates"] for f in features]
    assert {f["properties"]["kind"] for f in features} == {"StopPlace", "Quay"}


def test_errors_and_warnings_are_kept_apart_and_errors_are_never_green(
    netex_data, tmp_path
):
    text = (netex_data / "fr_valid.xml").read_text()
    broken = tmp_path / "broken.xml"
    broken.write_text(
        text.replace('ref="EX:Line:1:LOC" version="1"/>\n            </Line>', "")
        .replace("<Name>Gare - Parc</Name>", "")
        .replace('id="EX:Operator:regie:LOC"', 'id="regie"')
        .replace('ref="EX:Operator:regie:LOC"', 'ref="regie"')
    )
    result = validate(broken, xsd_dir=tmp_path / "none")
    report = result.report()
    assert {g["severity"] for g in report["errors"]} == {"ERROR"}
    assert {g["severity"] for g in report["warnings"]} == {"WARNING"}
    assert report["summary"]["verdict"] == "invalid"
    assert report["summary"]["errors"] >= 1
    assert report["summary"]["warnings"] >= 1
    page = to_html(report)
    assert page.index("<h2>Errors") < page.index("<h2>Warnings")
    assert "invalid: " in page
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert rows[0]["severity"] == "ERROR"
    assert {"fr_line_without_name", "fr_id_syntax"} <= {r["code"] for r in rows}


def test_cli_writes_json_html_csv_and_fails_on_errors(netex_data, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    args = [
        "netex",
        "validate",
        str(netex_data / "fr_valid.xml"),
        "--xsd-dir",
        str(tmp_path / "none"),
        "--json",
        str(out / "r.json"),
        "--html",
        str(out / "r.html"),
        "--csv",
        str(out / "r.csv"),
        "--geojson",
        str(out / "stops.geojson"),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid_with_warnings: 0 errors, 1 warnings")
    assert json.loads((out / "r.json").read_text())["summary"]["verdict"] == (
        "valid_with_warnings"
    )
    assert "<html" in (out / "r.html").read_text()
    assert (out / "r.csv").read_text().startswith("severity,code")
    assert len(json.loads((out / "stops.geojson").read_text())["features"]) == 4
    bad = tmp_path / "bad.xml"
    bad.write_text("<PublicationDelivery><a></PublicationDelivery>")
    result = CliRunner().invoke(
        main, ["netex", "validate", str(bad), "--xsd-dir", str(tmp_path / "none")]
    )
    assert result.exit_code == 1
    assert "xml_not_well_formed" in result.output


def test_cli_installs_and_lists_the_schema(tmp_path):
    import zipfile

    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("xsd/NeTEx_publication.xsd", '<s version="1.1"/>')
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["netex", "xsd", "install", str(archive), "--xsd-dir", str(tmp_path / "d")],
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(
        main, ["netex", "xsd", "list", "--xsd-dir", str(tmp_path / "d")]
    )
    assert listed.output.startswith("1.1\t")
    missing = runner.invoke(
        main, ["netex", "xsd", "install", str(tmp_path / "nope.zip")]
    )
    assert missing.exit_code != 0
    assert "no such file" in missing.output


def test_the_check_report_is_unchanged_for_a_zip_bomb(tmp_path):
    import zipfile

    big = (
        b"<PublicationDelivery>" + b" " * (30 * 1024 * 1024) + b"</PublicationDelivery>"
    )
    target = tmp_path / "bomb.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xml", big)
    result = validate(target, xsd_dir=tmp_path)
    assert result.notices.count("archive_too_large") == 1
    assert result.verdict == "invalid"


def test_a_file_past_the_size_limit_is_stopped_with_a_clear_notice(
    netex_data, tmp_path
):
    """A 2 GB file meets the same code path: reading stops at the limit."""
    from fabrique.netex import Limits

    text = (netex_data / "fr_valid.xml").read_text()
    padded = tmp_path / "big.xml"
    padded.write_text(text.replace("<dataObjects>", "<dataObjects>" + " " * 300_000))
    result = validate(
        padded, xsd_dir=tmp_path / "none", limits=Limits(max_file_bytes=100_000)
    )
    message = result.notices.groups["archive_too_large"].samples[0]["message"]
    assert "more than 100,000 bytes" in message
    assert result.verdict == "invalid"
    # Nothing past the limit was read: no schema, no references, no summary.
    assert result.summary()["ids"] == 0
