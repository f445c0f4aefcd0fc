"""Summaries of a stored feed and of a validation."""

from __future__ import annotations

from fabrique.gtfs.store import ingest, open_store
from fabrique.gtfs.summary import feed_summary


def test_the_summary_counts_routes_by_mode_stops_trips_and_service_days(
    make_feed, tmp_path
):
    ingest(make_feed(), tmp_path / "v")
    summary = feed_summary(open_store(tmp_path / "v"))
    assert summary["routes_by_mode"] == [
        {"route_type": 0, "mode": "tram", "routes": 1},
        {"route_type": 3, "mode": "bus", "routes": 1},
    ]
    assert summary["counts"]["stops"] == 4
    assert summary["counts"]["stations"] == 1
    assert summary["counts"]["trips"] == 3
    # Every day of 2026 has service (weekdays or weekend), May Day excepted
    # for weekdays only: a Friday, so the weekend service does not cover it.
    assert summary["service_days"] == 364
    assert summary["validity"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert summary["feed_info"]["feed_publisher_name"] == "Fabrique"
    assert summary["feed_info"]["feed_end_date"] == "2026-12-31"


def test_a_feed_with_only_calendar_dates_has_its_validity_from_them(
    make_feed, tmp_path
):
    feed = make_feed(
        calendar=None,
        calendar_dates="service_id,date,exception_type\n"
        "WK,20260302,1\nWK,20260303,1\nWE,20260307,1\n",
    )
    ingest(feed, tmp_path / "v")
    summary = feed_summary(open_store(tmp_path / "v"))
    assert summary["validity"] == {"start": "2026-03-02", "end": "2026-03-07"}
    assert summary["service_days"] == 3
