"""The validator end to end on the small base feed."""

from __future__ import annotations

from fabrique.gtfs.notices import Severity
from fabrique.gtfs.validator import validate

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
