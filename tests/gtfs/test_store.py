"""Columnar storage of a feed version."""

from __future__ import annotations

import datetime

import pytest

from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.store import ingest, open_store


def test_ingest_writes_typed_parquet_files_and_a_manifest(make_feed, tmp_path):
    result = ingest(make_feed(), tmp_path / "v1")
    assert result.tables["stop_times.txt"] == 12
    assert (tmp_path / "v1" / "stop_times.parquet").is_file()
    store = open_store(tmp_path / "v1")
    row = store.execute(
        "SELECT arrival_time, stop_sequence, shape_dist_traveled FROM stop_times "
        "WHERE trip_id = 'T1' AND stop_id = 'S2'"
    ).fetchone()
    assert row == (8 * 3600 + 3 * 60, 2, 730.0)
    start = store.execute("SELECT start_date FROM calendar LIMIT 1").fetchone()
    assert start == (datetime.date(2026, 1, 1),)


def test_times_past_midnight_are_kept_as_seconds(make_feed, tmp_path):
    stop_times = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "T1,25:10:00,25:10:00,S1,1\nT1,25:20:00,25:21:00,S2,2\n"
    )
    ingest(make_feed(stop_times=stop_times), tmp_path / "v")
    store = open_store(tmp_path / "v")
    assert store.execute("SELECT max(departure_time) FROM stop_times").fetchone() == (
        25 * 3600 + 21 * 60,
    )


def test_an_absent_optional_file_is_an_empty_view_with_its_columns(make_feed, tmp_path):
    ingest(make_feed(), tmp_path / "v")
    store = open_store(tmp_path / "v")
    assert store.execute(
        "SELECT count(*), count(headway_secs) FROM frequencies"
    ).fetchone() == (0, 0)


def test_opening_a_folder_that_is_not_a_store_is_refused(tmp_path):
    with pytest.raises(GTFSError, match="not a stored feed"):
        open_store(tmp_path)
