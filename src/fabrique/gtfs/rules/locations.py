"""GTFS-Flex rules on locations.geojson: structure, geometry and identifiers.

The file is parsed as MobilityData does: a ``FeatureCollection`` whose
features each have an ``id``, a ``type`` of ``Feature``, ``properties`` and
a ``Polygon`` or ``MultiPolygon`` geometry. Malformed JSON is reported by the
reader (``malformed_json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from fabrique.gtfs.rules.registry import ERROR, INFO, Context, check, rule
from fabrique.gtfs.rules.stops import POINT_NEAR_ORIGIN, POINT_NEAR_POLE

T = "GTFS-Flex"
FILENAME = "locations.geojson"

DUPLICATED_ELEMENT = rule(
    "geo_json_duplicated_element",
    ERROR,
    "An object of locations.geojson has the same key twice.",
    "The file is not read further.",
    topic=T,
)
UNKNOWN_ELEMENT = rule(
    "geo_json_unknown_element",
    INFO,
    "locations.geojson has an element that the reference does not define.",
    topic=T,
)
MISSING_ELEMENT = rule(
    "missing_required_element",
    ERROR,
    "A required element of locations.geojson is missing.",
    "The collection needs a type; each feature an id, a type, properties and "
    "a geometry with its type and coordinates.",
    topic=T,
)
UNSUPPORTED_GEOJSON_TYPE = rule(
    "unsupported_geo_json_type",
    ERROR,
    "The root of locations.geojson is not a FeatureCollection.",
    topic=T,
)
UNSUPPORTED_FEATURE_TYPE = rule(
    "unsupported_feature_type",
    ERROR,
    "A feature of locations.geojson has a type other than Feature.",
    topic=T,
)
UNSUPPORTED_GEOMETRY_TYPE = rule(
    "unsupported_geometry_type",
    ERROR,
    "A geometry of locations.geojson is neither a Polygon nor a MultiPolygon.",
    topic=T,
)
INVALID_GEOMETRY = rule(
    "invalid_geometry",
    ERROR,
    "A polygon of locations.geojson is not valid.",
    "Each ring must be closed, have at least four points and not cross itself.",
    topic=T,
)
DUPLICATE_KEY = rule(
    "duplicate_geo_json_key",
    ERROR,
    "Two features of locations.geojson have the same id.",
    topic=T,
)
DUPLICATE_GEOGRAPHY = rule(
    "duplicate_geography_id",
    ERROR,
    "An id is shared by a stop, a location group or a GeoJSON location.",
    "stops.stop_id, location_group_stops.location_group_id and the ids of "
    "locations.geojson name places that stop_times.txt refers to: they must "
    "differ across the files.",
    topic=T,
)
OVERLAPPING_ZONES = rule(
    "overlapping_zone_and_pickup_drop_off_window",
    ERROR,
    "Two stop times of a trip serve overlapping zones in overlapping windows.",
    "Riders could not tell which stop time applies.",
    topic=T,
)


class DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


Ring = list[tuple[float, float]]


@dataclass
class Location:
    id: str
    index: int
    polygons: list[list[Ring]] = field(default_factory=list)


@dataclass
class Parsed:
    locations: list[Location] = field(default_factory=list)


def parse(ctx: Context) -> Parsed | None:
    """The features of locations.geojson, emitting structural notices."""
    source = ctx.feed.source.files.get(FILENAME)
    if source is None:
        return None
    try:
        with source.path.open(encoding="utf-8") as stream:
            root = json.load(stream, object_pairs_hook=_unique_keys)
    except DuplicateKey as exc:
        ctx.emit(DUPLICATED_ELEMENT, filename=FILENAME, duplicatedElement=exc.key)
        return None
    except (ValueError, UnicodeDecodeError):
        return None  # malformed_json, from the reader
    if not isinstance(root, dict):
        return None
    for key in root:
        if key not in ("type", "features"):
            ctx.emit(UNKNOWN_ELEMENT, filename=FILENAME, unknownElement=key)
    if "type" not in root:
        ctx.emit(MISSING_ELEMENT, missingElement="type")
        return None
    if root["type"] != "FeatureCollection":
        ctx.emit(
            UNSUPPORTED_GEOJSON_TYPE,
            geoJsonType=str(root["type"]),
            message="Use 'FeatureCollection' instead.",
        )
        return None
    parsed = Parsed()
    features = root.get("features")
    for index, feature in enumerate(features if isinstance(features, list) else []):
        location = _feature(ctx, feature, index)
        if location is not None:
            parsed.locations.append(location)
    return parsed


def _feature(ctx: Context, feature: Any, index: int) -> Location | None:
    if not isinstance(feature, dict):
        return None
    for key in feature:
        if key not in ("id", "type", "properties", "geometry"):
            ctx.emit(UNKNOWN_ELEMENT, filename=FILENAME, unknownElement=key)
    missing = []
    feature_id = feature.get("id")
    if feature_id in (None, ""):
        missing.append("features.id")
    if "type" not in feature:
        missing.append("features.type")
    elif feature["type"] != "Feature":
        ctx.emit(
            UNSUPPORTED_FEATURE_TYPE,
            featureIndex=index,
            featureId=feature_id,
            featureType=str(feature["type"]),
        )
    if "properties" not in feature:
        missing.append("features.properties")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        missing.append("features.geometry")
    else:
        for key in geometry:
            if key not in ("type", "coordinates"):
                ctx.emit(UNKNOWN_ELEMENT, filename=FILENAME, unknownElement=key)
        if "type" not in geometry:
            missing.append("features.geometry.type")
        elif "coordinates" not in geometry:
            missing.append("features.geometry.coordinates")
        elif not missing:
            return _geometry(ctx, str(feature_id), index, geometry)
    for element in missing:
        ctx.emit(
            MISSING_ELEMENT,
            featureId=feature_id,
            missingElement=element,
            featureIndex=index,
        )
    return None


def _geometry(
    ctx: Context, feature_id: str, index: int, geometry: dict[str, Any]
) -> Location | None:
    kind = geometry["type"]
    coordinates = geometry["coordinates"]
    location = Location(feature_id, index)
    try:
        if kind == "Polygon":
            polygons = [_rings(coordinates)]
        elif kind == "MultiPolygon":
            polygons = [_rings(polygon) for polygon in coordinates]
        else:
            ctx.emit(
                UNSUPPORTED_GEOMETRY_TYPE,
                featureIndex=index,
                featureId=feature_id,
                geometryType=str(kind),
            )
            return location
    except (TypeError, ValueError, IndexError):
        ctx.emit(
            INVALID_GEOMETRY,
            featureId=feature_id,
            featureIndex=index,
            geometryType=kind,
            message="coordinates are not arrays of positions",
        )
        return None
    for rings in polygons:
        for ring in rings:
            for lon, lat in ring:
                if abs(lon) <= 1 and abs(lat) <= 1:
                    ctx.emit(
                        POINT_NEAR_ORIGIN,
                        filename=FILENAME,
                        featureId=feature_id,
                        latFieldValue=lat,
                        lonFieldValue=lon,
                        featureIndex=index,
                    )
                elif abs(lat) >= 89:
                    ctx.emit(
                        POINT_NEAR_POLE,
                        filename=FILENAME,
                        featureId=feature_id,
                        latFieldValue=lat,
                        lonFieldValue=lon,
                        featureIndex=index,
                    )
    for rings in polygons:
        problem = _ring_problem(rings)
        if problem:
            ctx.emit(
                INVALID_GEOMETRY,
                featureId=feature_id,
                featureIndex=index,
                geometryType=kind,
                message=problem,
            )
            return None
    location.polygons = polygons
    return location


def _rings(polygon: Any) -> list[Ring]:
    return [[(float(p[0]), float(p[1])) for p in ring] for ring in polygon]


def _ring_problem(rings: list[Ring]) -> str:
    """Why the rings do not make a valid polygon, or ``""``."""
    if not rings:
        return "a polygon needs an exterior ring"
    for ring in rings:
        if len(ring) < 4:
            return "a ring needs at least four points"
        if ring[0] != ring[-1]:
            return "a ring must be closed"
        if len(ring) <= 2000 and _self_crossing(ring):
            return "a ring crosses itself"
    return ""


def _orientation(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _cross(
    p1: tuple[float, float],
    p2: tuple[float, float],
    q1: tuple[float, float],
    q2: tuple[float, float],
) -> bool:
    """True when two segments cross at a point inside both."""
    d1, d2 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    d3, d4 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _self_crossing(ring: Ring) -> bool:
    edges = list(pairwise(ring))
    for i, (a, b) in enumerate(edges):
        for j in range(i + 2, len(edges)):
            if i == 0 and j == len(edges) - 1:
                continue  # the closing edge meets the first at the start point
            if _cross(a, b, *edges[j]):
                return True
    return False


def _overlap(first: Location, second: Location) -> bool:
    """The boundaries of two locations cross (their interiors overlap)."""
    for polygon_a in first.polygons:
        for polygon_b in second.polygons:
            edges_b = list(pairwise(polygon_b[0]))
            for a, b in pairwise(polygon_a[0]):
                if any(_cross(a, b, c, d) for c, d in edges_b):
                    return True
    return False


@check(
    DUPLICATED_ELEMENT,
    UNKNOWN_ELEMENT,
    MISSING_ELEMENT,
    UNSUPPORTED_GEOJSON_TYPE,
    UNSUPPORTED_FEATURE_TYPE,
    UNSUPPORTED_GEOMETRY_TYPE,
    INVALID_GEOMETRY,
    DUPLICATE_KEY,
    OVERLAPPING_ZONES,
    DUPLICATE_GEOGRAPHY,
)
def locations_geojson(ctx: Context) -> None:
    parsed = parse(ctx) or Parsed()
    by_id: dict[str, Location] = {}
    for location in parsed.locations:
        first = by_id.setdefault(location.id, location)
        if first is not location:
            ctx.emit(
                DUPLICATE_KEY,
                featureId=location.id,
                firstIndex=first.index,
                secondIndex=location.index,
            )
    _duplicate_geography(ctx, parsed)
    _overlapping_zones(ctx, by_id)


def _duplicate_geography(ctx: Context, parsed: Parsed) -> None:
    if not ctx.has("location_group_stops.txt") and not parsed.locations:
        return
    found: dict[str, dict[str, int]] = {}
    for file, n, geography in ctx.feed.con.execute(
        "SELECT 'stops.txt', __row, stop_id FROM stops WHERE stop_id IS NOT NULL "
        "UNION ALL SELECT 'location_group_stops.txt', __row, location_group_id "
        "FROM location_group_stops WHERE location_group_id IS NOT NULL "
        "ORDER BY 2"
    ).fetchall():
        found.setdefault(geography, {}).setdefault(file, n)
    for location in parsed.locations:
        found.setdefault(location.id, {}).setdefault(FILENAME, location.index)
    for geography, files in sorted(found.items()):
        if len(files) > 1:
            ctx.emit(
                DUPLICATE_GEOGRAPHY,
                geographyId=geography,
                csvRowNumberA=files.get("stops.txt"),
                csvRowNumberB=files.get("location_group_stops.txt"),
                featureIndex=files.get(FILENAME),
            )


def _overlapping_zones(ctx: Context, by_id: dict[str, Location]) -> None:
    if not ctx.has("stop_times.txt") or not by_id:
        return
    pairs = ctx.feed.con.execute(
        """
        WITH s AS (
          SELECT trip_id, stop_sequence, location_id,
            start_pickup_drop_off_window AS w0, end_pickup_drop_off_window AS w1,
            gtfs_seconds(start_pickup_drop_off_window) AS a,
            gtfs_seconds(end_pickup_drop_off_window) AS b,
            COALESCE(TRY_CAST(pickup_type AS INTEGER), 0) AS p,
            COALESCE(TRY_CAST(drop_off_type AS INTEGER), 0) AS d, __row
          FROM stop_times
          WHERE location_id IS NOT NULL AND start_pickup_drop_off_window IS NOT NULL
            AND end_pickup_drop_off_window IS NOT NULL
        )
        SELECT x.trip_id, x.stop_sequence, x.location_id, x.w0, x.w1,
          y.stop_sequence, y.location_id, y.w0, y.w1
        FROM s x JOIN s y ON x.trip_id = y.trip_id AND x.__row < y.__row
        WHERE x.location_id <> y.location_id AND (x.p = y.p OR x.d = y.d)
          AND x.p BETWEEN 0 AND 3 AND x.d BETWEEN 0 AND 3
          AND y.p BETWEEN 0 AND 3 AND y.d BETWEEN 0 AND 3
          AND x.a < y.b AND x.b > y.a
        ORDER BY x.__row, y.__row
        """
    ).fetchall()
    for trip, seq1, loc1, start1, end1, seq2, loc2, start2, end2 in pairs:
        first, second = by_id.get(loc1), by_id.get(loc2)
        if first is None or second is None or not _overlap(first, second):
            continue
        ctx.emit(
            OVERLAPPING_ZONES,
            tripId=trip,
            stopSequence1=seq1,
            locationId1=loc1,
            startPickupDropOffWindow1=start1,
            endPickupDropOffWindow1=end1,
            stopSequence2=seq2,
            locationId2=loc2,
            startPickupDropOffWindow2=start2,
            endPickupDropOffWindow2=end2,
        )
