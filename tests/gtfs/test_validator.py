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
