"""Rules on transfers.txt: distances, trips and stops, in-seat transfers."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, INFO, WARNING, rule, sql_rule

T = "Transfers, frequencies and pathways"

# Each side of a transfer, one row per side.
SIDES = """
  SELECT __row, 'from' AS side, from_stop_id AS stop_id, from_trip_id AS trip_id,
    from_route_id AS route_id, transfer_type FROM transfers
  UNION ALL
  SELECT __row, 'to', to_stop_id, to_trip_id, to_route_id, transfer_type
  FROM transfers
"""
# A stop's coordinates, or its parent station's when it has none.
STOP_POINT = """
  SELECT s.stop_id,
    COALESCE(TRY_CAST(s.stop_lat AS DOUBLE), TRY_CAST(p.stop_lat AS DOUBLE)) AS lat,
    COALESCE(TRY_CAST(s.stop_lon AS DOUBLE), TRY_CAST(p.stop_lon AS DOUBLE)) AS lon
  FROM stops s LEFT JOIN stops p ON p.stop_id = s.parent_station
"""
TRANSFER_DISTANCE = f"""
  SELECT t.__row, t.from_stop_id, t.to_stop_id,
    distance_m(a.lat, a.lon, b.lat, b.lon) AS m
  FROM transfers t JOIN ({STOP_POINT}) a ON a.stop_id = t.from_stop_id
  JOIN ({STOP_POINT}) b ON b.stop_id = t.to_stop_id
"""
TOO_LARGE = rule(
    "transfer_distance_too_large",
    WARNING,
    "The two stops of a transfer are more than 10 km apart.",
    topic=T,
)
ABOVE_2_KM = rule(
    "transfer_distance_above_2_km",
    INFO,
    "The two stops of a transfer are between 2 and 10 km apart.",
    topic=T,
)
for declared, condition in (
    (TOO_LARGE, "m > 10000"),
    (ABOVE_2_KM, "m > 2000 AND m <= 10000"),
):
    sql_rule(
        declared,
        f"""
        SELECT __row AS csvRowNumber, from_stop_id AS fromStopId,
          to_stop_id AS toStopId, m / 1000 AS distanceKm
        FROM ({TRANSFER_DISTANCE}) WHERE {condition} ORDER BY __row
        """,
    )

# A side's stop, expanded to the platforms of a station.
SIDE_STOPS = f"""
  SELECT x.__row, x.side, x.trip_id, x.stop_id, c.stop_id AS served
  FROM ({SIDES}) x JOIN stops s ON s.stop_id = x.stop_id
  LEFT JOIN stops c ON (
    COALESCE(TRY_CAST(s.location_type AS INTEGER), 0) = 0 AND c.stop_id = s.stop_id)
    OR (TRY_CAST(s.location_type AS INTEGER) = 1 AND c.parent_station = s.stop_id)
  WHERE x.trip_id IS NOT NULL AND x.trip_id IN (SELECT trip_id FROM trips)
"""
TRIP_AND_STOP = rule(
    "transfer_with_invalid_trip_and_stop",
    ERROR,
    "A transfer names a trip that does not stop at the stop it names.",
    "For a station, any of its platforms counts.",
    topic=T,
)
sql_rule(
    TRIP_AND_STOP,
    f"""
    SELECT __row AS csvRowNumber, side || '_trip_id' AS tripFieldName,
      trip_id AS tripId, side || '_stop_id' AS stopFieldName, stop_id AS stopId
    FROM ({SIDE_STOPS}) g
    GROUP BY __row, side, trip_id, stop_id
    HAVING NOT bool_or(EXISTS (SELECT 1 FROM stop_times st
      WHERE st.trip_id = g.trip_id AND st.stop_id = g.served))
    ORDER BY __row, side DESC
    """,
    needs=("transfers.txt",),
)

IN_SEAT = "TRY_CAST(transfer_type AS INTEGER) IN (4, 5)"
MID_TRIP_IN_SEAT = rule(
    "transfer_with_suspicious_mid_trip_in_seat",
    WARNING,
    "An in-seat transfer is not at the last stop of the first trip or the first "
    "stop of the second.",
    "Riders stay aboard where one trip ends and the next begins.",
    topic=T,
)
sql_rule(
    MID_TRIP_IN_SEAT,
    f"""
    WITH ends AS (
      SELECT trip_id, arg_max(stop_id, seq) AS last_stop,
        arg_min(stop_id, seq) AS first_stop
      FROM __st GROUP BY trip_id
    )
    SELECT x.__row AS csvRowNumber, x.side || '_trip_id' AS tripIdFieldName,
      x.trip_id AS tripId, x.side || '_stop_id' AS stopIdFieldName,
      x.stop_id AS stopId
    FROM ({SIDES}) x JOIN ends e ON e.trip_id = x.trip_id
    WHERE {IN_SEAT}
      AND EXISTS (SELECT 1 FROM stop_times st WHERE st.trip_id = x.trip_id
        AND st.stop_id = x.stop_id)
      AND x.stop_id <> CASE x.side WHEN 'from' THEN e.last_stop ELSE e.first_stop END
    ORDER BY x.__row, x.side DESC
    """,
    needs=("transfers.txt",),
)

ROUTE_TYPE_IN_SEAT = rule(
    "inconsistent_route_type_for_in_seat_transfer",
    WARNING,
    "An in-seat transfer joins routes of different route types.",
    "Riders stay in the same vehicle, which does not change mode.",
    topic=T,
)
sql_rule(
    ROUTE_TYPE_IN_SEAT,
    """
    SELECT t.__row AS csvRowNumber, t.from_route_id AS fromRouteId,
      t.to_route_id AS toRouteId, a.route_type AS fromRouteType,
      b.route_type AS toRouteType
    FROM transfers t JOIN routes a ON a.route_id = t.from_route_id
    JOIN routes b ON b.route_id = t.to_route_id
    WHERE TRY_CAST(t.transfer_type AS INTEGER) = 4
      AND a.route_type IS DISTINCT FROM b.route_type
    ORDER BY t.__row
    """,
)
