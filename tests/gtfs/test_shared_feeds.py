"""Validation of the real feeds of the shared data folder (skipped without it)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from fabrique.cli import main
from fabrique.gtfs.validator import validate

DAY = date(2026, 11, 21)


@pytest.mark.slow
def test_vilnius_report_json_has_the_mobilitydata_structure(shared_data, tmp_path):
    report = tmp_path / "r.json"
    result = CliRunner().invoke(
        main,
        [
            "gtfs",
            "validate",
            str(shared_data / "gtfs" / "vilnius.zip"),
            "--json",
            str(report),
            "--date",
            DAY.isoformat(),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert set(data) == {"summary", "notices"}
    summary = data["summary"]
    for key in ("feedInfo", "agencies", "files", "counts", "validationTimeSeconds"):
        assert key in summary
    assert summary["counts"]["Routes"] > 0
    codes = {n["code"]: n for n in data["notices"]}
    # The codes gtfs-guru 1.0.0 reports on this feed and Fabrique implements.
    assert codes["expired_calendar"]["totalNotices"] == 8
    assert codes["mixed_case_recommended_field"]["totalNotices"] == 480
    assert codes["unexpected_enum_value"]["totalNotices"] == 18
    assert codes["missing_recommended_field"]["totalNotices"] == 101
    for notice in data["notices"]:
        assert set(notice) == {"code", "severity", "totalNotices", "sampleNotices"}
        assert len(notice["sampleNotices"]) <= 1000


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "transport_site_tiny.zip",
        "sncf_intercites_2016.zip",
        "cairns.zip",
        "annarbor.zip",
    ],
)
def test_real_feeds_validate_without_errors_they_do_not_have(shared_data, name):
    result = validate(shared_data / "gtfs" / name, today=DAY)
    assert not result.notices.has_errors, [
        (g.code, g.samples[:1]) for g in result.notices.sorted_groups()
    ]


@pytest.mark.slow
def test_merged_feed_keeps_its_four_missing_agency_ids(shared_data):
    result = validate(shared_data / "gtfs" / "merged_1m6.zip", today=DAY)
    assert result.notices.count("missing_required_agency_id") == 4
    errors = {g.code for g in result.notices.sorted_groups() if g.severity == "ERROR"}
    assert errors == {"missing_required_agency_id"}
