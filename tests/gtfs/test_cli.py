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


def _modules_after(*args: str) -> set[str]:
    """The modules a fresh ``fabrique`` process has imported after ``args``."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from fabrique.cli import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n'.join(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_the_help_of_validate_imports_neither_duckdb_nor_rich_nor_protobuf():
    loaded = _modules_after("gtfs", "validate", "--help")
    assert "fabrique.gtfs.cli" in loaded
    assert not {"duckdb", "rich", "google.protobuf"} & loaded


def test_the_realtime_command_is_still_listed_and_runs(tmp_path):
    listed = CliRunner().invoke(main, ["gtfs", "--help"])
    assert " rt " in listed.output
    missing = CliRunner().invoke(main, ["gtfs", "rt", str(tmp_path / "none.pb")])
    assert missing.exit_code == 2  # click: the file does not exist
    assert "does not exist" in missing.output


def test_without_a_terminal_the_results_are_plain_lines(make_feed):
    result = CliRunner().invoke(
        main, ["gtfs", "validate", str(make_feed(agency=None)), "--date", "2026-03-01"]
    )
    lines = result.output.splitlines()
    assert "ERROR   missing_required_file (1)" in lines
    assert "[red]" not in result.output
    assert "[/]" not in result.output
