"""GeoJSON of stops and lines."""

from __future__ import annotations

import json

from fabrique.gtfs.geojson import dumps, lines_geojson, stops_geojson
from fabrique.gtfs.store import ingest, open_store


def test_stops_are_points_in_longitude_latitude_order(make_feed, tmp_path):
    ingest(make_feed(), tmp_path / "v")
    collection = stops_geojson(open_store(tmp_path / "v"))
    by_id = {f["id"]: f for f in collection["features"]}
    assert by_id["S2"]["geometry"] == {"type": "Point", "coordinates": [2.31, 48.85]}
    assert by_id["S1"]["properties"]["parent_station"] == "STA"
    assert json.loads(dumps(collection)) == collection


def test_lines_follow_shapes_in_sequence_order(make_feed, tmp_path):
    ingest(make_feed(), tmp_path / "v")
    collection = lines_geojson(open_store(tmp_path / "v"))
    sh1 = next(f for f in collection["features"] if f["id"] == "SH1")
    assert sh1["geometry"]["coordinates"][0] == [2.3001, 48.8501]
    assert sh1["geometry"]["coordinates"][-1] == [2.33, 48.85]
    assert sh1["properties"]["source"] == "shapes"
    assert sh1["properties"]["route_id"] == "R1"


def test_without_shapes_lines_follow_the_longest_trip_of_each_direction(
    make_feed, tmp_path
):
    ingest(make_feed(shapes=None), tmp_path / "v")
    collection = lines_geojson(open_store(tmp_path / "v"))
    ids = sorted(f["id"] for f in collection["features"])
    assert ids == ["R1:0", "R1:1", "R2:0"]
    r1 = next(f for f in collection["features"] if f["id"] == "R1:1")
    assert r1["geometry"]["coordinates"][0] == [2.33, 48.85]
    assert r1["properties"]["source"] == "stops"
