"""The geometry of matching stops to shapes, with numpy.

Imported only for feeds that have shapes; the rules and the method are
described in :mod:`fabrique.gtfs.rules.shape_matching`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fabrique.gtfs.rules.registry import Context, Rule
from fabrique.gtfs.rules.shape_matching import (
    OUT_OF_ORDER,
    RAIL,
    TOO_FAR_USER,
    TOO_MANY,
)

MAX_DISTANCE = 100.0
LARGE_STATION_MULTIPLIER = 4.0
TOO_MANY_MATCHES = 20
EARTH_RADIUS = 6371008.8

# A segment near a stop: index, closest point, distance, distance to the
# segment's start and to the previous segment.
Near = tuple[int, float, float, float, float, float]


@dataclass
class Match:
    index: int  # segment (or vertex) of the shape
    to_shape: float  # metres from the stop to the matched point
    along: float  # metres along the shape to the matched point
    x: float
    y: float


@dataclass
class Problem:
    rule: Rule | None  # None: too far by geography (stop_too_far_from_shape)
    stop: int  # position in the trip
    match: Match
    prev_stop: int = -1
    prev_match: Match | None = None
    count: int = 0


class Shape:
    """A shape on a local flat projection, with distances along it."""

    def __init__(
        self,
        lat: NDArray[np.float64],
        lon: NDArray[np.float64],
        user: NDArray[np.float64],
    ) -> None:
        self.lat0 = float(lat[0])
        self.kx = math.radians(1) * EARTH_RADIUS * math.cos(math.radians(self.lat0))
        self.ky = math.radians(1) * EARTH_RADIUS
        self.x = lon * self.kx
        self.y = lat * self.ky
        steps = np.hypot(np.diff(self.x), np.diff(self.y))
        self.along = np.concatenate(([0.0], np.cumsum(steps)))
        self.user = np.maximum.accumulate(np.nan_to_num(user, nan=0.0).clip(min=0))
        self.n = len(self.x)
        self.dx, self.dy = np.diff(self.x), np.diff(self.y)
        self.min_x = np.minimum(self.x[:-1], self.x[1:])
        self.max_x = np.maximum(self.x[:-1], self.x[1:])
        self.min_y = np.minimum(self.y[:-1], self.y[1:])
        self.max_y = np.maximum(self.y[:-1], self.y[1:])
        self._memo: dict[tuple[float, float, float], list[Match]] = {}
        self._pending: dict[int, list[Near]] = {}

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        return lon * self.kx, lat * self.ky

    def has_user_distance(self) -> bool:
        return self.n > 0 and self.user[-1] > 0

    def closest(
        self,
        px: float | NDArray[np.float64],
        py: float | NDArray[np.float64],
        segments: NDArray[np.intp] | None = None,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Closest point of each segment (or of ``segments``) to (px, py)."""
        ax, ay = self.x[:-1], self.y[:-1]
        dx, dy = self.dx, self.dy
        if segments is not None:
            ax, ay, dx, dy = ax[segments], ay[segments], dx[segments], dy[segments]
        length2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(length2 > 0, ((px - ax) * dx + (py - ay) * dy) / length2, 0)
        t = np.clip(t, 0.0, 1.0)
        cx, cy = ax + t * dx, ay + t * dy
        return cx, cy, np.hypot(cx - px, cy - py)

    def match(self, i: int, cx: float, cy: float, to_shape: float) -> Match:
        along = self.along[i] + math.hypot(cx - self.x[i], cy - self.y[i])
        return Match(i, to_shape, float(along), cx, cy)

    def nearest(self, px: float, py: float) -> Match:
        if self.n == 1:
            gap = math.hypot(self.x[0] - px, self.y[0] - py)
            return self.match(0, float(self.x[0]), float(self.y[0]), gap)
        cx, cy, d = self.closest(px, py)
        return self._at(int(np.argmin(d)), cx, cy, d)

    def candidates(self, px: float, py: float, max_distance: float) -> list[Match]:
        """Local minima of the distance to the shape within ``max_distance``."""
        key = (px, py, max_distance)
        if key not in self._memo:
            self.prepare([key])
        return self._memo[key]

    def prepare(self, stops: list[tuple[float, float, float]]) -> None:
        """Find the candidates of many stops at once (kept for other trips).

        Only segments whose bounding box comes within the distance of a stop
        are measured, all stops together in one pass of array arithmetic.
        """
        todo = [key for key in dict.fromkeys(stops) if key not in self._memo]
        for key in todo:
            self._memo[key] = []
        if self.n < 2 or not todo:
            return
        px, py, limit = (np.array(v, dtype=np.float64) for v in zip(*todo, strict=True))
        rows, segments = np.nonzero(
            (self.min_x[None, :] - limit[:, None] <= px[:, None])
            & (self.max_x[None, :] + limit[:, None] >= px[:, None])
            & (self.min_y[None, :] - limit[:, None] <= py[:, None])
            & (self.max_y[None, :] + limit[:, None] >= py[:, None])
        )
        if not len(rows):
            return
        ax, ay = self.x[segments], self.y[segments]
        dx, dy = self.dx[segments], self.dy[segments]
        qx, qy = px[rows], py[rows]
        length2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            f = np.where(length2 > 0, ((qx - ax) * dx + (qy - ay) * dy) / length2, 0)
        f = np.clip(f, 0.0, 1.0)
        cx, cy = ax + f * dx, ay + f * dy
        d = np.hypot(cx - qx, cy - qy)
        keep = d <= limit[rows]
        rows, segments = rows[keep], segments[keep]
        qx, qy = qx[keep], qy[keep]
        # For the local minima: the distance to the end of the previous
        # segment (where this one starts) and to the previous segment itself.
        to_end = np.hypot(self.x[segments] - qx, self.y[segments] - qy)
        before = np.maximum(segments - 1, 0)
        bx, by = self.x[before], self.y[before]
        bdx, bdy = self.dx[before], self.dy[before]
        blength2 = bdx * bdx + bdy * bdy
        with np.errstate(invalid="ignore", divide="ignore"):
            g = np.where(
                blength2 > 0, ((qx - bx) * bdx + (qy - by) * bdy) / blength2, 0
            )
        g = np.clip(g, 0.0, 1.0)
        previous = np.hypot(bx + g * bdx - qx, by + g * bdy - qy)
        for row, *within in zip(
            rows.tolist(),
            segments.tolist(),
            cx[keep].tolist(),
            cy[keep].tolist(),
            d[keep].tolist(),
            to_end.tolist(),
            previous.tolist(),
            strict=True,
        ):
            i, x, y, gap, end, prev = within
            self._pending.setdefault(row, []).append((int(i), x, y, gap, end, prev))
        for row, within in self._pending.items():
            key = todo[row]
            self._memo[key] = self._local_minima(within)
        self._pending.clear()

    def _local_minima(self, within: list[Near]) -> list[Match]:
        """One match per stretch of the shape that comes near the stop and leaves."""
        matches: list[Match] = []
        best: tuple[int, float, float, float] | None = None
        last_within = -2
        for i, x, y, gap, to_end, previous in within:
            if best is not None and last_within != i - 1:
                # The shape went beyond the threshold in between.
                matches.append(self.match(*best))
                best = None
            if i > 0 and best is not None and to_end > previous and gap < to_end:
                # The shape had turned away from the stop and comes back.
                matches.append(self.match(*best))
                best = None
            if best is None or gap < best[3]:
                best = (i, x, y, gap)
            last_within = i
        if best is not None:
            matches.append(self.match(*best))
        return matches

    def _at(
        self,
        i: int,
        cx: NDArray[np.float64],
        cy: NDArray[np.float64],
        d: NDArray[np.float64],
    ) -> Match:
        return self.match(i, float(cx[i]), float(cy[i]), float(d[i]))

    def at_user_distance(
        self, distance: float, start: int, px: float, py: float
    ) -> Match:
        # The first point from ``start`` on beyond ``distance`` (distances
        # along the shape never decrease), and the one before it.
        nxt = max(start, int(np.searchsorted(self.user, distance, side="right")))
        prev = nxt - 1 if nxt > start else start
        fraction = 0.0
        if not (nxt <= 0 or prev + 1 >= self.n):
            a, b = float(self.user[prev]), float(self.user[nxt])
            if abs(b - a) > 1e-9 * max(1.0, abs(a), abs(b)):
                fraction = (distance - a) / (b - a)
        j = prev + 1 if prev + 1 < self.n else prev
        x = float(self.x[prev] + fraction * (self.x[j] - self.x[prev]))
        y = float(self.y[prev] + fraction * (self.y[j] - self.y[prev]))
        along = float(self.along[prev] + fraction * (self.along[j] - self.along[prev]))
        return Match(prev, math.hypot(x - px, y - py), along, x, y)


def best_matches(potential: list[list[Match]], problems: list[Problem]) -> list[Match]:
    """One candidate per stop, distances along the shape never decreasing."""
    # Each partial assignment: (choices, score, distance along of the last).
    partial: list[tuple[list[int], float, float]] = [([], 0.0, -math.inf)]
    for index, candidates in enumerate(potential):
        following = []
        for i, candidate in enumerate(candidates):
            best = None
            for prev in partial:
                if prev[2] > candidate.along:
                    continue
                if best is None or prev[1] < best[1]:
                    best = prev
            if best is not None:
                following.append(
                    (best[0] + [i], best[1] + candidate.to_shape, candidate.along)
                )
        if not following:
            match = min(candidates, key=lambda m: m.to_shape)
            prev_choice = min(partial, key=lambda p: p[1])[0]
            prev_match = potential[index - 1][prev_choice[-1]]
            problems.append(Problem(OUT_OF_ORDER, index, match, index - 1, prev_match))
            return []
        partial = following
    chosen = min(partial, key=lambda p: p[1])[0]
    return [potential[k][i] for k, i in enumerate(chosen)]


def geo_candidates(
    shape: Shape,
    stop: tuple[int, float, float, bool],
    problems: list[Problem],
    too_far: Rule | None,
) -> list[Match]:
    k, px, py, large = stop
    limit = MAX_DISTANCE * (LARGE_STATION_MULTIPLIER if large else 1)
    found = shape.candidates(px, py, limit)
    if not found:
        nearest = shape.nearest(px, py)
        if nearest.to_shape > limit:
            problems.append(Problem(too_far, k, nearest))
        return found
    if len(found) > TOO_MANY_MATCHES:
        closest = min(found, key=lambda m: m.to_shape)
        problems.append(Problem(TOO_MANY, k, closest, count=len(found)))
    return found


def match_by_geography(
    shape: Shape, stops: list[tuple[float, float, float, bool]]
) -> list[Problem]:
    problems: list[Problem] = []
    shape.prepare(
        [
            (x, y, MAX_DISTANCE * (LARGE_STATION_MULTIPLIER if large else 1))
            for x, y, _user, large in stops
        ]
    )
    potential = [
        geo_candidates(shape, (k, x, y, large), problems, None)
        for k, (x, y, _user, large) in enumerate(stops)
    ]
    if all(potential):
        best_matches(potential, problems)
    return problems


def match_by_user_distance(
    shape: Shape, stops: list[tuple[float, float, float, bool]]
) -> list[Problem]:
    problems: list[Problem] = []
    potential: list[list[Match]] = []
    start = 0
    for k, (x, y, user, large) in enumerate(stops):
        if user <= 0:
            found = geo_candidates(shape, (k, x, y, large), problems, TOO_FAR_USER)
            if not found:
                return problems
        else:
            match = shape.at_user_distance(user, start, x, y)
            found = [match]
            start = match.index
        potential.append(found)
    matches = best_matches(potential, problems)
    for k, match in enumerate(matches):
        if match.to_shape > MAX_DISTANCE:
            problems.append(Problem(TOO_FAR_USER, k, match))
    return problems


# Representative trips: the first trip (in file order) of each distinct
# sequence of (stop, shape_dist_traveled) among the trips of a shape; a
# sequence is known by its length and a hash of its (position, stop, distance).
TRIPS = """
WITH patterns AS (
  SELECT trip_id, count(*) AS n, bit_xor(hash(pos, stop_id, dist)) AS pattern
  FROM __st GROUP BY trip_id
)
SELECT t.__row, t.trip_id, t.shape_id, TRY_CAST(r.route_type AS INTEGER)
FROM trips t JOIN patterns p ON p.trip_id = t.trip_id
LEFT JOIN routes r ON r.route_id = t.route_id
WHERE t.shape_id IN (SELECT shape_id FROM __shapes) AND r.route_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY t.shape_id, p.n, p.pattern ORDER BY t.__row)
  = 1
ORDER BY t.shape_id, t.__row
"""
STOP_TIMES = """
WITH chosen AS (SELECT UNNEST(?::VARCHAR[]) AS trip_id),
located AS (
  SELECT s.stop_id, s.stop_name,
    COALESCE(TRY_CAST(s.stop_lat AS DOUBLE), TRY_CAST(p.stop_lat AS DOUBLE), 0)
      AS lat,
    COALESCE(TRY_CAST(s.stop_lon AS DOUBLE), TRY_CAST(p.stop_lon AS DOUBLE), 0)
      AS lon
  FROM stops s LEFT JOIN stops p ON p.stop_id = s.parent_station
  QUALIFY row_number() OVER (PARTITION BY s.stop_id ORDER BY s.__row) = 1
)
SELECT st.trip_id, st.__row, st.stop_id, COALESCE(l.stop_name, ''),
  COALESCE(l.lat, 0), COALESCE(l.lon, 0), COALESCE(st.dist, 0)
FROM __st st JOIN chosen c ON c.trip_id = st.trip_id
LEFT JOIN located l ON l.stop_id = st.stop_id
ORDER BY st.trip_id, st.seq, st.__row
"""


def match_stops_to_shapes(ctx: Context) -> None:
    """Report the problems of matching every trip's stops to its shape."""
    con = ctx.feed.con
    trips = con.execute(TRIPS).fetchall()
    if not trips:
        return
    stop_times: dict[str, list[tuple[int, str, str, float, float, float]]] = {}
    for trip_id, row, stop_id, name, lat, lon, dist in con.execute(
        STOP_TIMES, [[t[1] for t in trips]]
    ).fetchall():
        stop_times.setdefault(trip_id, []).append((row, stop_id, name, lat, lon, dist))
    points = con.execute(
        "SELECT shape_id, COALESCE(lat, 0), COALESCE(lon, 0), COALESCE(dist, 0) "
        "FROM __shapes ORDER BY shape_id, seq, __row"
    ).fetchnumpy()
    shape_ids = points["shape_id"]
    bounds: dict[str, tuple[int, int]] = {}
    if len(shape_ids):
        starts = np.flatnonzero(
            np.concatenate(([True], shape_ids[1:] != shape_ids[:-1]))
        )
        ends = np.concatenate((starts[1:], [len(shape_ids)]))
        bounds = {
            str(shape_ids[a]): (int(a), int(b))
            for a, b in zip(starts, ends, strict=True)
        }
    lat_all = np.asarray(points["COALESCE(lat, 0)"], dtype=np.float64)
    lon_all = np.asarray(points["COALESCE(lon, 0)"], dtype=np.float64)
    user_all = np.asarray(points["COALESCE(dist, 0)"], dtype=np.float64)

    current = None
    shape: Shape | None = None
    reported: set[str] = set()
    for trip_row, trip_id, shape_id, route_type in trips:
        if shape_id != current:
            current, reported = shape_id, set()
            a, b = bounds[shape_id]
            shape = Shape(lat_all[a:b], lon_all[a:b], user_all[a:b])
        assert shape is not None
        rows = stop_times.get(trip_id, [])
        if not rows:
            continue
        stops = []
        for k, (_row, _stop, _name, lat, lon, dist) in enumerate(rows):
            x, y = shape.project(lat, lon)
            large = route_type == RAIL and (k == 0 or k == len(rows) - 1)
            stops.append((x, y, dist, large))
        geo = match_by_geography(shape, stops)
        found = geo
        if rows[-1][5] > 0 and shape.has_user_distance():
            found = geo + match_by_user_distance(shape, stops)
        for problem in found:
            _report(ctx, shape, problem, rows, trip_row, trip_id, shape_id, reported)


def _report(
    ctx: Context,
    shape: Shape,
    problem: Problem,
    rows: list[tuple[int, str, str, float, float, float]],
    trip_row: int,
    trip_id: str,
    shape_id: str,
    reported: set[str],
) -> None:
    row, stop_id, name = rows[problem.stop][:3]
    if not stop_id:
        return
    if problem.rule is None or problem.rule is TOO_FAR_USER:
        if stop_id in reported:
            return
        reported.add(stop_id)
        if problem.rule is None:
            return  # reported by stop_too_far_from_shape
    base = {
        "tripCsvRowNumber": trip_row,
        "shapeId": shape_id,
        "tripId": trip_id,
        "stopTimeCsvRowNumber": row,
        "stopId": stop_id,
        "stopName": name,
        "match": _lat_lon(shape, problem.match),
    }
    if problem.rule is OUT_OF_ORDER:
        prev_row, prev_stop, prev_name = rows[problem.prev_stop][:3]
        assert problem.prev_match is not None
        ctx.emit(
            OUT_OF_ORDER,
            **base,
            prevStopTimeCsvRowNumber=prev_row,
            prevStopId=prev_stop,
            prevStopName=prev_name,
            prevMatch=_lat_lon(shape, problem.prev_match),
        )
    elif problem.rule is TOO_MANY:
        ctx.emit(TOO_MANY, **base, matchCount=problem.count)
    else:
        ctx.emit(TOO_FAR_USER, **base, geoDistanceToShape=problem.match.to_shape)


def _lat_lon(shape: Shape, match: Match) -> list[float]:
    return [round(match.y / shape.ky, 6), round(match.x / shape.kx, 6)]
