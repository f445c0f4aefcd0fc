"""Rules on shapes.txt: distances along shapes and shapes left unused."""

from __future__ import annotations

from fabrique.gtfs.rules.keys import DUPLICATE_KEY
from fabrique.gtfs.rules.registry import ERROR, WARNING, prepare, rule, sql_rule

T = "Shapes"

prepare(
    "prepare_shapes",
    """
    CREATE OR REPLACE TABLE __shapes AS
    SELECT __row, shape_id, seq, lat, lon, dist,
      lag(__row) OVER w AS prev_row, lag(dist) OVER w AS prev_dist,
      lag(lat) OVER w AS prev_lat, lag(lon) OVER w AS prev_lon,
      lag(seq) OVER w AS prev_seq
    FROM (SELECT __row, shape_id, TRY_CAST(shape_pt_sequence AS BIGINT) AS seq,
        TRY_CAST(shape_pt_lat AS DOUBLE) AS lat,
        TRY_CAST(shape_pt_lon AS DOUBLE) AS lon,
        TRY_CAST(shape_dist_traveled AS DOUBLE) AS dist FROM shapes)
    WINDOW w AS (PARTITION BY shape_id ORDER BY seq, __row)
    """,
)

sql_rule(
    DUPLICATE_KEY,
    """
    SELECT 'shapes.txt' AS filename, 'shape_id' AS fieldName1,
      shape_id AS fieldValue1, 'shape_pt_sequence' AS fieldName2,
      CAST(seq AS VARCHAR) AS fieldValue2, prev_row AS oldCsvRowNumber,
      __row AS newCsvRowNumber
    FROM __shapes WHERE seq = prev_seq ORDER BY __row
    """,
    name="duplicate_shape_points",
)

UNUSED_SHAPE = rule(
    "unused_shape",
    WARNING,
    "A shape is used by no trip.",
    topic=T,
)
sql_rule(
    UNUSED_SHAPE,
    """
    SELECT min(__row) AS csvRowNumber, shape_id AS shapeId FROM shapes s
    WHERE NOT EXISTS (SELECT 1 FROM trips t WHERE t.shape_id = s.shape_id)
    GROUP BY shape_id ORDER BY csvRowNumber
    """,
    needs=("shapes.txt",),
)

SINGLE_POINT = rule(
    "single_shape_point",
    WARNING,
    "A shape has a single point.",
    "A line needs at least two points.",
    topic=T,
)
sql_rule(
    SINGLE_POINT,
    "SELECT min(__row) AS csvRowNumber, shape_id AS shapeId FROM shapes "
    "GROUP BY shape_id HAVING count(*) = 1 ORDER BY csvRowNumber",
)

DECREASING = rule(
    "decreasing_shape_distance",
    ERROR,
    "shape_dist_traveled decreases along a shape.",
    topic=T,
)
sql_rule(
    DECREASING,
    """
    SELECT shape_id AS shapeId, __row AS csvRowNumber, dist AS shapeDistTraveled,
      seq AS shapePtSequence, prev_row AS prevCsvRowNumber,
      prev_dist AS prevShapeDistTraveled, prev_seq AS prevShapePtSequence
    FROM __shapes WHERE dist < prev_dist ORDER BY __row
    """,
)

EQUAL_DIFF = rule(
    "equal_shape_distance_diff_coordinates",
    ERROR,
    "Two consecutive shape points at different places have the same distance.",
    "The distance travelled must grow when the vehicle moves.",
    topic=T,
)
sql_rule(
    EQUAL_DIFF,
    """
    SELECT shape_id AS shapeId, __row AS csvRowNumber, dist AS shapeDistTraveled,
      seq AS shapePtSequence, prev_row AS prevCsvRowNumber,
      round(distance_m(prev_lat, prev_lon, lat, lon), 2)
        AS actualDistanceBetweenShapePoints
    FROM __shapes WHERE dist = prev_dist
      AND distance_m(prev_lat, prev_lon, lat, lon) >= 1.11
    ORDER BY __row
    """,
)

EQUAL_SAME = rule(
    "equal_shape_distance_same_coordinates",
    WARNING,
    "Two consecutive shape points are the same point.",
    "A repeated point adds nothing; it is usually an export artefact.",
    topic=T,
)
sql_rule(
    EQUAL_SAME,
    """
    SELECT shape_id AS shapeId, __row AS csvRowNumber, dist AS shapeDistTraveled,
      seq AS shapePtSequence, prev_row AS prevCsvRowNumber
    FROM __shapes WHERE dist = prev_dist AND lat = prev_lat AND lon = prev_lon
    ORDER BY __row
    """,
)

STOP_TOO_FAR = rule(
    "stop_too_far_from_shape",
    WARNING,
    "A stop of a trip lies more than 100 m from the trip's shape.",
    "The distance is measured to the nearest segment of the shape, on a local "
    "flat projection.",
    topic=T,
)
# Cells of 120 m: any shape point within 100 m of a stop lies in the 3 x 3
# cells around it, so only stops with no such point need the exact distance
# to the segments of the shape.
CELL = (
    "floor({lat} * 110540 / 120) AS cy, "
    "floor({lon} * 111320 * cos(radians({lat})) / 120) AS cx"
)
sql_rule(
    STOP_TOO_FAR,
    f"""
    WITH pairs AS (
      SELECT DISTINCT t.shape_id, s.stop_id, s.lat, s.lon
      FROM __st s JOIN trips t USING (trip_id)
      WHERE t.shape_id IS NOT NULL AND s.lat IS NOT NULL
    ), points AS (
      SELECT shape_id, lat, lon, {CELL.format(lat="lat", lon="lon")}
      FROM __shapes WHERE lat IS NOT NULL
    ), near AS (
      SELECT DISTINCT p.shape_id, p.stop_id
      FROM (SELECT *, {CELL.format(lat="lat", lon="lon")} FROM pairs) p,
        (VALUES (-1), (0), (1)) dy(d), (VALUES (-1), (0), (1)) dx(d)
      JOIN points g ON g.shape_id = p.shape_id AND g.cy = p.cy + dy.d
        AND g.cx = p.cx + dx.d
      WHERE distance_m(p.lat, p.lon, g.lat, g.lon) <= 100
    ), candidates AS (
      SELECT * FROM pairs p WHERE NOT EXISTS (SELECT 1 FROM near n
        WHERE n.shape_id = p.shape_id AND n.stop_id = p.stop_id)
    ), segments AS (
      SELECT shape_id, prev_lat AS lat1, prev_lon AS lon1, lat AS lat2, lon AS lon2
      FROM __shapes WHERE prev_lat IS NOT NULL
      UNION ALL
      SELECT shape_id, lat, lon, lat, lon FROM __shapes
    ), projected AS (
      SELECT p.shape_id, p.stop_id,
        (g.lon1 - p.lon) * cos(radians(p.lat)) * 111195.08 AS ax,
        (g.lat1 - p.lat) * 111195.08 AS ay,
        (g.lon2 - p.lon) * cos(radians(p.lat)) * 111195.08 AS bx,
        (g.lat2 - p.lat) * 111195.08 AS by_
      FROM candidates p JOIN segments g USING (shape_id)
    ), parts AS (
      SELECT shape_id, stop_id, ax, ay, bx - ax AS dx, by_ - ay AS dy
      FROM projected
    ), distances AS (
      SELECT shape_id, stop_id, min(CASE WHEN dx * dx + dy * dy = 0
          THEN sqrt(ax * ax + ay * ay)
        ELSE sqrt(
          pow(ax + greatest(0, least(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
            * dx, 2)
          + pow(ay + greatest(0, least(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
            * dy, 2))
        END) AS d
      FROM parts GROUP BY shape_id, stop_id
    )
    SELECT shape_id AS shapeId, stop_id AS stopId,
      round(d, 1) AS geoDistanceToShape
    FROM distances WHERE d > 100 ORDER BY shape_id, stop_id
    """,
    needs=("shapes.txt",),
)
