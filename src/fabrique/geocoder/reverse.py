"""Reverse geocoding: the nearest house number, street, stop … to a point.

Points sit in a grid of 0.002-degree cells; rings of cells are visited
outwards from the point until the next ring cannot hold anything closer
than the best point found, or the radius is reached.
"""

from __future__ import annotations

import math

from .documents import CELL, SCALE, Result, cell_key, distance_m
from .search import make_result
from .segment import Grid, Segment

DEFAULT_RADIUS = 1_000
DEFAULT_TYPES = frozenset({"housenumber", "street", "locality", "stop", "place"})
_METRES_PER_DEGREE = 111_195.0


def _nearest(
    grid: Grid,
    lats: memoryview,
    lons: memoryview,
    lat: float,
    lon: float,
    radius: float,
    accept: object = None,
    want: int = 1,
) -> list[tuple[float, int]]:
    """Return up to ``want`` (metres, index) pairs within ``radius``, nearest first."""
    lat_m = round(lat * SCALE)
    lon_m = round(lon * SCALE)
    row, col = lat_m // CELL, lon_m // CELL
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    cell_m = CELL / SCALE * _METRES_PER_DEGREE * cos_lat  # the narrower side
    max_ring = int(radius / cell_m) + 1
    scale_x = cos_lat * _METRES_PER_DEGREE / SCALE
    scale_y = _METRES_PER_DEGREE / SCALE
    found: list[tuple[float, int]] = []
    check = accept if callable(accept) else None
    for ring in range(max_ring + 1):
        if len(found) >= want and found[want - 1][0] <= (ring - 1) * cell_m:
            break
        for r in range(row - ring, row + ring + 1):
            edge = r in (row - ring, row + ring)
            step = 1 if edge else 2 * ring
            for c in range(col - ring, col + ring + 1, step or 1):
                for point in grid.points(cell_key(r, c)):
                    dx = (lons[point] - lon_m) * scale_x
                    dy = (lats[point] - lat_m) * scale_y
                    d = math.hypot(dx, dy)
                    if d <= radius and (check is None or check(point)):
                        found.append((d, point))
        found.sort()
        del found[want * 4 :]
    return found[:want]


def reverse_segment(
    segment: Segment,
    lat: float,
    lon: float,
    *,
    radius: float,
    types: frozenset[str],
    limit: int,
) -> list[tuple[float, Result]]:
    """Return up to ``limit`` results of one segment near ``(lat, lon)``."""
    out: list[tuple[float, Result]] = []
    if "housenumber" in types or "street" in types:
        for _d, hn in _nearest(
            segment.hn_grid, segment.hn_lat, segment.hn_lon, lat, lon, radius,
            want=limit * 4,
        ):  # fmt: skip
            doc = segment.hn_doc[hn]
            if "housenumber" in types:
                hn_index, point = hn, (segment.hn_lat[hn], segment.hn_lon[hn])
            else:
                hn_index, point = -1, (segment.hn_lat[hn], segment.hn_lon[hn])
            out.append(_scored(segment, doc, hn_index, point, lat, lon, radius))
    doc_types = {t for t in types if t != "housenumber"}
    if doc_types:
        for _d, doc in _nearest(
            segment.doc_grid, segment.doc_lat, segment.doc_lon, lat, lon, radius,
            accept=lambda d: segment.type_name(d) in doc_types, want=limit,
        ):  # fmt: skip
            point = (segment.doc_lat[doc], segment.doc_lon[doc])
            out.append(_scored(segment, doc, -1, point, lat, lon, radius))
    # Points at the same place (to 10 cm): the more important street first.
    out.sort(key=lambda item: (round(item[0], 1), -item[1].importance))
    seen: set[str] = set()
    unique = []
    for item in out:
        if item[1].id not in seen:
            seen.add(item[1].id)
            unique.append(item)
    return unique[:limit]


def _scored(
    segment: Segment,
    doc: int,
    hn_index: int,
    point: tuple[int, int],
    lat: float,
    lon: float,
    radius: float,
) -> tuple[float, Result]:
    plat, plon = point[0] / SCALE, point[1] / SCALE
    distance = distance_m(lat, lon, plat, plon)
    score = round(max(0.0, 1 - distance / radius), 4)
    if hn_index < 0:
        plat, plon = segment.doc_lat[doc] / SCALE, segment.doc_lon[doc] / SCALE
    result = make_result(segment, doc, hn_index, score, plat, plon)
    result.distance = round(distance)
    return distance, result
