"""report.json in MobilityData's structure."""

from __future__ import annotations

import json

from fabrique.gtfs.report import build_report, write_report
from fabrique.gtfs.validator import validate

from .conftest import VALIDATION_DATE


def test_the_report_has_mobilitydata_summary_and_notice_fields(make_feed, tmp_path):
    result = validate(make_feed("duplicate_key"), today=VALIDATION_DATE)
    write_report(result, tmp_path / "report.json")
    report = json.loads((tmp_path / "report.json").read_text())
    summary = report["summary"]
    assert summary["dateForValidation"] == "2026-03-01"
    assert summary["feedInfo"]["publisherName"] == "Fabrique"
    assert summary["feedInfo"]["feedServiceWindowStart"] == "2026-01-01"
    assert summary["agencies"][0]["timezone"] == "Europe/Paris"
    assert "stops.txt" in summary["files"]
    assert summary["counts"]["Routes"] == 3
    assert summary["validationTimeSeconds"] >= 0
    assert {"Shapes", "Feed Information", "Route Colors"} <= set(
        summary["gtfsFeatures"]
    )
    assert "Pathways" not in summary["gtfsFeatures"]
    notice = next(n for n in report["notices"] if n["code"] == "duplicate_key")
    assert notice["severity"] == "ERROR"
    assert notice["totalNotices"] == 1
    assert notice["sampleNotices"] == [
        {
            "filename": "routes.txt",
            "fieldName1": "route_id",
            "fieldValue1": "R1",
            "oldCsvRowNumber": 2,
            "newCsvRowNumber": 4,
        }
    ]


def test_errors_come_first_in_the_notices(make_feed):
    result = validate(make_feed("duplicate_key"), today=VALIDATION_DATE)
    severities = [n["severity"] for n in build_report(result)["notices"]]
    order = {"ERROR": 0, "WARNING": 1, "INFO": 2}
    assert severities == sorted(severities, key=order.__getitem__)


def test_samples_are_capped_at_one_thousand_but_the_total_counts_all(make_feed):
    rows = "".join(f"X{i}, Arrêt {i},48.85,2.30\n" for i in range(1200))
    result = validate(
        make_feed(stops="stop_id,stop_name,stop_lat,stop_lon\n" + rows),
        today=VALIDATION_DATE,
    )
    notice = next(
        n
        for n in build_report(result)["notices"]
        if n["code"] == "leading_or_trailing_whitespaces"
    )
    assert notice["totalNotices"] == 1200
    assert len(notice["sampleNotices"]) == 1000
