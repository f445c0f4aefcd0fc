"""The demo dataset: a hand-written feed, always current, checked at once."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from fabrique.gtfs.validator import validate
from fabrique.notices import Severity
from fabrique.transport import demo
from fabrique.transport.models import Dataset, VersionStatus

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(files: dict[str, str], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name])))


def test_the_feed_has_what_the_demo_shows():
    files = demo.feed_files(today=date(2026, 11, 22))
    stops = _rows(files, "stops.txt")
    stations = [s for s in stops if s["location_type"] == "1"]
    assert [s["stop_id"] for s in stations] == ["GARE"]
    assert {s["stop_id"] for s in stops if s["parent_station"] == "GARE"} == {
        "GARE_A",
        "GARE_B",
    }
    times = _rows(files, "stop_times.txt")
    assert any(int(t["departure_time"][:2]) >= 24 for t in times)
    assert _rows(files, "calendar_dates.txt")
    for stop in stops:  # a real place on the Loire, not (0, 0)
        assert 47.2 < float(stop["stop_lat"]) < 47.4
        assert 0.3 < float(stop["stop_lon"]) < 0.4


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2031, 7, 14)])
def test_dates_move_by_whole_weeks_to_stay_current(today, tmp_path):
    files = demo.feed_files(today=today)
    calendar = _rows(files, "calendar.txt")
    start = date.fromisoformat(
        f"{calendar[0]['start_date'][:4]}-{calendar[0]['start_date'][4:6]}-"
        f"{calendar[0]['start_date'][6:]}"
    )
    end = date.fromisoformat(
        f"{calendar[0]['end_date'][:4]}-{calendar[0]['end_date'][4:6]}-"
        f"{calendar[0]['end_date'][6:]}"
    )
    assert start.weekday() == demo.FEED_START.weekday()
    assert start < today < end
    path = tmp_path / "demo.zip"
    path.write_bytes(demo.feed_zip(today=today))
    result = validate(path, today=today)
    assert result.notices.severity_count(Severity.ERROR) == 0
    assert result.notices.severity_count(Severity.WARNING) == 0


def test_the_archive_is_reproducible():
    assert demo.feed_zip() == demo.feed_zip()
    assert demo.feed_zip(version=1) != demo.feed_zip(version=2)
    with zipfile.ZipFile(io.BytesIO(demo.feed_zip(version=2))) as archive:
        trips = archive.read("trips.txt").decode()
    assert "L2-WE-A-01" in trips


def test_load_publishes_two_checked_versions_once():
    user = get_user_model().objects.create_user(
        username=demo.DEMO_USERNAME, password="a-long-test-password"
    )
    dataset = demo.load()
    assert dataset is not None
    assert dataset.commons.created_by == user
    versions = demo.demo_versions(dataset)
    assert [v.number for v in versions] == [1, 2]
    assert all(v.status == VersionStatus.READY for v in versions)
    assert versions[1].diff["trips"]["counts"]["added"] == 8
    assert dataset.valid_until is not None
    assert dataset.valid_until > date.today()
    assert demo.load() is None
    assert Dataset.objects.count() == 1


def test_load_needs_the_demo_account():
    assert demo.load() is None
    assert not Dataset.objects.exists()
