"""GeoJSON of a stored feed: stops, and lines (shapes or stop sequences)."""

from __future__ import annotations

import json
from typing import Any


def stops_geojson(con: Any) -> dict[str, Any]:
    """Every located stop, station and entrance as a Point feature.

    >>> stops_geojson(open_store(Path("store/v1")))["type"]  # doctest: +SKIP
    'FeatureCollection'
    """
    rows = con.execute(
        "SELECT stop_id, stop_name, stop_code, COALESCE(location_type, 0), "
        "parent_station, stop_lat, stop_lon FROM stops "
        "WHERE stop_lat IS NOT NULL AND stop_lon IS NOT NULL ORDER BY stop_id"
    ).fetchall()
    features = [
        {
            "type": "Feature",
            "id": stop_id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "stop_id": stop_id,
                "stop_name": name,
                "stop_code": code,
                "location_type": location_type,
                "parent_station": parent,
            },
        }
        for stop_id, name, code, location_type, parent, lat, lon in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def lines_geojson(con: Any) -> dict[str, Any]:
    """One LineString per shape; without shapes, per route and direction.

    Without shapes.txt the line of a route and direction follows the stops of
    its trip with the most stops (``"source": "stops"``).
    """
    shapes = con.execute(
        "WITH sr AS (SELECT shape_id, min(route_id) AS route_id FROM trips "
        "WHERE shape_id IS NOT NULL GROUP BY shape_id) "
        "SELECT s.shape_id, list([shape_pt_lon, shape_pt_lat] "
        "ORDER BY shape_pt_sequence), any_value(r.route_id), "
        "any_value(r.route_short_name), any_value(r.route_color) "
        "FROM shapes s LEFT JOIN sr ON sr.shape_id = s.shape_id "
        "LEFT JOIN routes r ON r.route_id = sr.route_id "
        "WHERE shape_pt_lat IS NOT NULL AND shape_pt_lon IS NOT NULL "
        "GROUP BY s.shape_id ORDER BY s.shape_id"
    ).fetchall()
    features: list[dict[str, Any]] = [
        _line(shape_id, coords, route_id, short, color, "shapes")
        for shape_id, coords, route_id, short, color in shapes
        if len(coords) >= 2
    ]
    if features:
        return {"type": "FeatureCollection", "features": features}
    patterns = con.execute(
        """
        WITH longest AS (
          SELECT t.route_id, COALESCE(t.direction_id, 0) AS direction_id,
            arg_max(t.trip_id, n) AS trip_id
          FROM trips t JOIN (SELECT trip_id, count(*) AS n FROM stop_times
            GROUP BY trip_id) c ON c.trip_id = t.trip_id
          GROUP BY t.route_id, COALESCE(t.direction_id, 0)
        )
        SELECT l.route_id || ':' || l.direction_id, list([s.stop_lon, s.stop_lat]
            ORDER BY st.stop_sequence), l.route_id,
          any_value(r.route_short_name), any_value(r.route_color)
        FROM longest l JOIN stop_times st ON st.trip_id = l.trip_id
        JOIN stops s ON s.stop_id = st.stop_id AND s.stop_lat IS NOT NULL
        LEFT JOIN routes r ON r.route_id = l.route_id
        GROUP BY l.route_id, l.direction_id ORDER BY 1
        """
    ).fetchall()
    features = [
        _line(key, coords, route_id, short, color, "stops")
        for key, coords, route_id, short, color in patterns
        if len(coords) >= 2
    ]
    return {"type": "FeatureCollection", "features": features}


def _line(
    key: str,
    coords: list[list[float]],
    route_id: str | None,
    short: str | None,
    color: str | None,
    source: str,
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": key,
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {
            "id": key,
            "route_id": route_id,
            "route_short_name": short,
            "route_color": color,
            "source": source,
        },
    }


def dumps(collection: dict[str, Any]) -> str:
    """Compact GeoJSON text."""
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
