"""Rules on trips.txt: usable trips, blocks and shapes of trips."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, WARNING, rule, sql_rule

T = "Trips"

UNUSABLE_TRIP = rule(
    "unusable_trip",
    WARNING,
    "A trip serves fewer than two stops.",
    "A trip must visit more than one stop to be usable by riders. As "
    "MobilityData does, a trip without any stop time is reported too (with "
    "unused_trip), also when stop_times.txt has a header and no rows.",
    topic=T,
)
sql_rule(
    UNUSABLE_TRIP,
    "SELECT __row AS csvRowNumber, trip_id AS tripId FROM __trips "
    "WHERE n IS NULL OR n <= 1 ORDER BY __row",
    loaded=("stop_times.txt",),
)

UNUSED_TRIP = rule(
    "unused_trip",
    WARNING,
    "A trip has no stop times.",
    topic=T,
)
sql_rule(
    UNUSED_TRIP,
    "SELECT __row AS csvRowNumber, trip_id AS tripId FROM __trips "
    "WHERE n IS NULL ORDER BY __row",
    loaded=("stop_times.txt",),
)

BLOCK_OVERLAP = rule(
    "block_trips_with_overlapping_stop_times",
    ERROR,
    "Two trips of the same block run at the same time on a common day.",
    "A block is one vehicle: its trips cannot overlap in time on a day when "
    "both services run.",
    topic=T,
)
sql_rule(
    BLOCK_OVERLAP,
    """
    WITH ordered AS (
      -- Each trip against the block's trip started just before it: linear
      -- in the number of trips, even for a hostile block of thousands.
      SELECT *, lag(__row) OVER w AS prev_row FROM __trips
      WHERE block_id IS NOT NULL AND first_time IS NOT NULL
      WINDOW w AS (PARTITION BY block_id ORDER BY first_time, __row)
    )
    SELECT a.__row AS csvRowNumberA, b.__row AS csvRowNumberB,
      a.trip_id AS tripIdA, b.trip_id AS tripIdB, a.block_id AS blockId,
      a.service_id AS serviceIdA, b.service_id AS serviceIdB
    FROM ordered b JOIN __trips a ON a.__row = b.prev_row
    WHERE b.first_time < a.last_time
      AND (a.service_id = b.service_id OR EXISTS (
        SELECT 1 FROM __service_dates x JOIN __service_dates y ON x.day = y.day
        WHERE x.service_id = a.service_id AND y.service_id = b.service_id))
    ORDER BY a.__row, b.__row
    """,
)

INCONSISTENT_BLOCK_ROUTE_TYPE = rule(
    "inconsistent_route_type_for_block_id",
    WARNING,
    "The trips of a block belong to routes of different types.",
    "A vehicle does not change mode between trips; a bus block holding a "
    "tram trip is probably a mistake.",
    topic=T,
)
sql_rule(
    INCONSISTENT_BLOCK_ROUTE_TYPE,
    """
    SELECT block_id AS blockId,
      string_agg(DISTINCT route_id, ',' ORDER BY route_id) AS routeIds,
      string_agg(DISTINCT CAST(route_type AS VARCHAR), ',') AS routeTypes
    FROM __trips WHERE block_id IS NOT NULL
    GROUP BY block_id HAVING count(DISTINCT route_type) > 1 ORDER BY block_id
    """,
)
