"""``fabrique gtfs validate`` from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fabrique.cli import main


def test_validate_writes_a_report_json_and_exits_zero_on_a_valid_feed(
    make_feed, tmp_path
):
    report = tmp_path / "report.json"
    html = tmp_path / "report.html"
    result = CliRunner().invoke(
        main,
        [
            "gtfs",
            "validate",
            str(make_feed()),
            "--json",
            str(report),
            "--html",
            str(html),
            "--date",
            "2026-03-01",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["summary"]["dateForValidation"] == "2026-03-01"
    assert data["summary"]["counts"]["Routes"] == 2
    assert "<h1>GTFS validation report" in html.read_text()


def test_validate_exits_one_when_the_feed_has_errors(make_feed):
    result = CliRunner().invoke(
        main, ["gtfs", "validate", str(make_feed(agency=None)), "--date", "2026-03-01"]
    )
    assert result.exit_code == 1
    assert "missing_required_file" in result.output


def test_validate_refuses_a_file_that_is_not_a_zip_with_a_clean_message(tmp_path):
    bogus = tmp_path / "feed.zip"
    bogus.write_bytes(b"this is not a zip")
    result = CliRunner().invoke(main, ["gtfs", "validate", str(bogus)])
    assert result.exit_code == 1
    assert "not a readable zip archive" in result.output
    assert "Traceback" not in result.output


def test_validate_rejects_a_malformed_date(make_feed):
    result = CliRunner().invoke(
        main, ["gtfs", "validate", str(make_feed()), "--date", "01/03/2026"]
    )
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_an_unwritable_report_path_is_a_clean_error(make_feed, tmp_path):
    target = tmp_path / "missing" / "report.json"
    result = CliRunner().invoke(
        main,
        ["gtfs", "validate", str(make_feed()), "--json", str(target)],
    )
    assert result.exit_code == 1
    assert "cannot write the report" in result.output
    assert "Traceback" not in result.output


def test_ingest_then_diff_from_the_command_line(make_feed, tmp_path):
    runner = CliRunner()
    first = runner.invoke(
        main, ["gtfs", "ingest", str(make_feed()), str(tmp_path / "a")]
    )
    assert first.exit_code == 0, first.output
    assert (tmp_path / "a" / "stops.geojson").is_file()
    assert (
        json.loads((tmp_path / "a" / "summary.json").read_text())["counts"]["trips"]
        == 3
    )
    runner.invoke(
        main, ["gtfs", "ingest", str(make_feed(routes=None)), str(tmp_path / "b")]
    )
    diff = runner.invoke(
        main, ["gtfs", "diff", str(tmp_path / "a"), str(tmp_path / "b")]
    )
    assert diff.exit_code == 0, diff.output
    assert json.loads(diff.output)["routes"]["removed"] == ["R1", "R2"]
