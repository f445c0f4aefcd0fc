"""Distances along shapes: trips beyond their shape, points without distance."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, INFO, WARNING, rule, sql_rule

T = "Shapes"

EQUAL_DIFF_BELOW = rule(
    "equal_shape_distance_diff_coordinates_distance_below_threshold",
    WARNING,
    "Two consecutive shape points less than 1.11 m apart have the same distance.",
    "The points differ but are so close that the equal shape_dist_traveled is "
    "probably a rounding; at 1.11 m or more it is "
    "`equal_shape_distance_diff_coordinates`.",
    topic=T,
)
sql_rule(
    EQUAL_DIFF_BELOW,
    """
    SELECT shape_id AS shapeId, __row AS csvRowNumber, dist AS shapeDistTraveled,
      seq AS shapePtSequence, prev_row AS prevCsvRowNumber,
      distance_m(prev_lat, prev_lon, lat, lon) AS actualDistanceBetweenShapePoints
    FROM __shapes WHERE dist = prev_dist
      AND NOT (lat = prev_lat AND lon = prev_lon)
      AND distance_m(prev_lat, prev_lon, lat, lon) < 1.11
      AND distance_m(prev_lat, prev_lon, lat, lon) > 0
    ORDER BY __row
    """,
)

# For each trip with a shape: the distance of its last stop time, and the
# farthest shape point (greatest shape_dist_traveled) with its distance to
# the last stop, as MobilityData measures them.
TRIP_VERSUS_SHAPE = """
  WITH last_stop AS (
    SELECT trip_id, dist, lat, lon FROM __st WHERE is_last AND lat IS NOT NULL
  ), shape_end AS (
    SELECT shape_id, max(dist) AS d, arg_max(lat, dist) AS lat,
      arg_max(lon, dist) AS lon
    FROM __shapes WHERE dist IS NOT NULL GROUP BY shape_id
  )
  SELECT t.__row, t.trip_id, t.shape_id, COALESCE(l.dist, 0) AS trip_d, s.d,
    distance_m(s.lat, s.lon, l.lat, l.lon) AS gap
  FROM trips t JOIN last_stop l ON l.trip_id = t.trip_id
  JOIN shape_end s ON s.shape_id = t.shape_id
  WHERE s.d <> 0 AND COALESCE(l.dist, 0) > s.d
"""
EXCEEDS = rule(
    "trip_distance_exceeds_shape_distance",
    ERROR,
    "A trip's last shape_dist_traveled is beyond the end of its shape.",
    "The last stop is also more than 11.1 m from the shape's last point; "
    "closer, it is `trip_distance_exceeds_shape_distance_below_threshold`.",
    topic="Trips",
)
EXCEEDS_BELOW = rule(
    "trip_distance_exceeds_shape_distance_below_threshold",
    WARNING,
    "A trip's last shape_dist_traveled is beyond its shape, by less than 11.1 m.",
    "The last stop lies within 11.1 m of the shape's last point: probably a "
    "rounding of distances.",
    topic="Trips",
)
for declared, condition in ((EXCEEDS, "gap > 11.1"), (EXCEEDS_BELOW, "gap <= 11.1")):
    sql_rule(
        declared,
        f"""
        SELECT trip_id AS tripId, shape_id AS shapeId,
          trip_d AS maxTripDistanceTraveled, d AS maxShapeDistanceTraveled,
          gap AS geoDistanceToShape
        FROM ({TRIP_VERSUS_SHAPE}) WHERE {condition} ORDER BY __row
        """,
        needs=("shapes.txt", "stop_times.txt"),
    )

NO_SHAPE_DISTANCES = rule(
    "trip_with_shape_dist_traveled_but_no_shape_distances",
    INFO,
    "A trip gives shape_dist_traveled but its shape's points do not all have one.",
    "Distances along a trip can only be placed on the shape when every point "
    "of the shape has its own distance.",
    topic=T,
)
sql_rule(
    NO_SHAPE_DISTANCES,
    """
    WITH first_dist AS (
      SELECT trip_id, min(__row) AS st_row FROM __st WHERE dist IS NOT NULL
      GROUP BY trip_id
    ), incomplete AS (
      SELECT shape_id FROM shapes GROUP BY shape_id
      HAVING bool_or(shape_dist_traveled IS NULL)
    )
    SELECT t.__row AS tripCsvRowNumber, t.trip_id AS tripId, t.shape_id AS shapeId,
      f.st_row AS stopTimeCsvRowNumber
    FROM trips t JOIN first_dist f ON f.trip_id = t.trip_id
    JOIN incomplete i ON i.shape_id = t.shape_id
    ORDER BY t.__row
    """,
    needs=("shapes.txt", "stop_times.txt"),
)
