"""The validator end to end on the small base feed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from fabrique.gtfs.validator import validate
from fabrique.notices import Severity

from .conftest import VALIDATION_DATE


def test_the_base_fixture_feed_has_no_error_and_no_warning(make_feed):
    result = validate(make_feed(), today=VALIDATION_DATE)
    found = {
        g.code: g.samples[:2]
        for g in result.notices.sorted_groups()
        if g.severity is not Severity.INFO
    }
    assert found == {}


def test_a_folder_feed_validates_like_its_zip(gtfs_data):
    result = validate(gtfs_data / "base", today=VALIDATION_DATE)
    assert not result.notices.has_errors
    assert result.summary["counts"]["Trips"] == 3


def test_a_failing_rule_becomes_a_notice_and_the_others_still_run(
    make_feed, monkeypatch
):
    from fabrique.gtfs.rules.registry import CHECKS, Check

    def broken(ctx):
        ctx.feed.con.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(
        "fabrique.gtfs.validator.CHECKS", [Check("broken", (), broken), *CHECKS]
    )
    result = validate(make_feed("duplicate_key"), today=VALIDATION_DATE)
    sample = result.notices.groups["runtime_exception_in_validator_error"].samples[0]
    assert sample["validator"] == "broken"
    assert "no_such_table" in sample["message"]
    assert result.notices.count("duplicate_key") == 1


def test_a_file_that_fails_to_load_becomes_a_notice(make_feed, monkeypatch):
    import duckdb

    from fabrique.gtfs.reader import Reader

    original = Reader._load

    def failing(self, file_spec, source_file):
        if file_spec.name == "shapes.txt":
            original(self, file_spec, source_file)  # the view exists already
            raise duckdb.IOException("disk full")
        return original(self, file_spec, source_file)

    monkeypatch.setattr(Reader, "_load", failing)
    result = validate(make_feed(), today=VALIDATION_DATE)
    sample = result.notices.groups["runtime_exception_in_loader_error"].samples[0]
    assert sample == {
        "filename": "shapes.txt",
        "exception": "IOException",
        "message": "disk full",
    }


def test_duckdb_runs_with_the_memory_limit_given_and_a_spill_folder(tmp_path):
    from fabrique.gtfs.validator import connect

    con = connect(memory_limit="256MB", temp=tmp_path / "spill")
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit in {"256.0 MiB", "244.1 MiB", "256.0 MB", "256MB"}
    folder = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    assert folder == str(tmp_path / "spill")


def test_a_feed_larger_than_the_memory_limit_still_validates(make_feed, tmp_path):
    rows = "".join(
        f"T1,{8 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d},"
        f"{8 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d},S{i % 4 + 1},{i}\n"
        for i in range(1, 40_000)
    )
    feed = make_feed(
        stop_times="trip_id,arrival_time,departure_time,stop_id,stop_sequence\n" + rows
    )
    result = validate(feed, today=VALIDATION_DATE, memory_limit="64MB")
    assert "runtime_exception_in_validator_error" not in result.notices.codes()
    assert result.summary["counts"]["Trips"] == 3


@pytest.mark.parametrize(
    ("budget", "share", "expected"),
    [
        ("2GB", 0.6, "1200MB"),
        ("1GiB", 0.5, "536MB"),
        ("512 mb", 0.5, "256MB"),
        ("10MB", 0.5, "64MB"),  # a floor: DuckDB needs some room
        ("80%", 0.5, "80%"),  # not a size: passed on for DuckDB to judge
    ],
)
def test_duckdb_gets_a_share_of_the_memory_budget(budget, share, expected):
    from fabrique.gtfs.validator import duckdb_share

    assert duckdb_share(budget, share) == expected


def test_a_large_feed_in_a_database_file_gives_the_same_report(make_feed, monkeypatch):
    feed = make_feed("duplicate_key")
    in_memory = validate(feed, today=VALIDATION_DATE)
    monkeypatch.setattr("fabrique.gtfs.validator.LARGE_FEED_BYTES", 0)
    on_disk = validate(feed, today=VALIDATION_DATE)
    assert {g.code: (g.total, g.samples) for g in on_disk.notices.groups.values()} == {
        g.code: (g.total, g.samples) for g in in_memory.notices.groups.values()
    }
    assert on_disk.notices.count("duplicate_key") == 1


def test_checks_one_by_one_or_side_by_side_give_the_same_report(make_feed):
    from fabrique.gtfs.reader import Reader
    from fabrique.gtfs.sources import open_source
    from fabrique.gtfs.validator import connect, run_checks
    from fabrique.notices import Notices

    reports = []
    for workers in (1, 4):
        with tempfile.TemporaryDirectory() as work:
            source = open_source(make_feed("duplicate_key"), Path(work))
            con = connect()
            notices = Notices()
            feed = Reader(con, source, notices).read()
            run_checks(feed, notices, VALIDATION_DATE, workers=workers)
            con.close()
        reports.append([(g.code, g.total, g.samples) for g in notices.groups.values()])
    assert reports[0] == reports[1]
    assert reports[0]


def test_time_zones_are_checked_though_their_table_is_built_on_demand(make_feed):
    agency = (
        "agency_id,agency_name,agency_url,agency_timezone\n"
        "A1,Fabrique,https://t.example.org,Europe/Pariss\n"
    )
    result = validate(make_feed(agency=agency), today=VALIDATION_DATE)
    [sample] = result.notices.groups["invalid_timezone"].samples
    assert sample["fieldValue"] == "Europe/Pariss"
