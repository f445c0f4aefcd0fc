"""Rules on stop_times.txt: times, order, distances and speeds along a trip."""

from __future__ import annotations

from fabrique.gtfs.rules.keys import DUPLICATE_KEY
from fabrique.gtfs.rules.registry import (
    ERROR,
    INFO,
    WARNING,
    Context,
    check,
    rule,
    sql_rule,
)

T = "Stop times"

ARRIVAL_BEFORE_PREVIOUS = rule(
    "stop_time_with_arrival_before_previous_departure_time",
    ERROR,
    "A vehicle arrives at a stop before it left the previous one.",
    "Compares each arrival_time with the last departure_time given earlier in "
    "the same trip, in stop_sequence order.",
    topic=T,
)
sql_rule(
    ARRIVAL_BEFORE_PREVIOUS,
    """
    WITH timed AS (
      SELECT trip_id, pos, __row, dep FROM __st WHERE dep IS NOT NULL
    ), gaps AS (
      -- Rare rows after a stop without times: the last departure given before.
      SELECT g.__row, p.__row AS prev_row, p.dep AS prev_dep
      FROM (SELECT * FROM __st WHERE prev_dep IS NULL AND pos > 1
        AND arr IS NOT NULL) g
      ASOF JOIN timed p ON p.trip_id = g.trip_id AND g.pos > p.pos
    )
    SELECT s.__row AS csvRowNumber,
      COALESCE(g.prev_row, s.prev_row) AS prevCsvRowNumber,
      s.trip_id AS tripId, t.departure_time AS departureTime,
      t.arrival_time AS arrivalTime
    FROM __st s LEFT JOIN gaps g ON g.__row = s.__row
    JOIN stop_times t ON t.__row = s.__row
    WHERE s.arr < COALESCE(g.prev_dep, s.prev_dep) ORDER BY s.__row
    """,
)

ONLY_ARRIVAL_OR_DEPARTURE = rule(
    "stop_time_with_only_arrival_or_departure_time",
    ERROR,
    "A stop time has an arrival_time without a departure_time, or the reverse.",
    "Both are required together: give the same value twice when the vehicle "
    "does not dwell.",
    topic=T,
)
sql_rule(
    ONLY_ARRIVAL_OR_DEPARTURE,
    """
    SELECT __row AS csvRowNumber, trip_id AS tripId, seq AS stopSequence,
      CASE WHEN no_arrival THEN 'departure_time'
        ELSE 'arrival_time' END AS specifiedField
    FROM __st WHERE no_arrival <> no_departure
    ORDER BY __row
    """,
)

MISSING_TRIP_EDGE = rule(
    "missing_trip_edge",
    ERROR,
    "The first or last stop of a trip has no arrival or departure time.",
    "Times may be left out only at intermediate stops, where they are "
    "interpolated, or where a pickup/drop-off window replaces them.",
    topic=T,
)
sql_rule(
    MISSING_TRIP_EDGE,
    """
    SELECT __row AS csvRowNumber, seq AS stopSequence, trip_id AS tripId,
      CASE WHEN no_arrival THEN 'arrival_time'
        ELSE 'departure_time' END AS specifiedField
    FROM __st
    WHERE (pos = 1 OR is_last) AND (no_arrival OR no_departure) AND NOT flexible
      AND __row NOT IN (SELECT __row FROM stop_times
        WHERE start_pickup_drop_off_window IS NOT NULL
          OR end_pickup_drop_off_window IS NOT NULL)
    ORDER BY __row
    """,
)

DECREASING_DISTANCE = rule(
    "decreasing_or_equal_stop_time_distance",
    ERROR,
    "shape_dist_traveled does not increase along a trip.",
    "Each stop time's shape_dist_traveled must be greater than the previous "
    "one's in the same trip.",
    topic=T,
)
sql_rule(
    DECREASING_DISTANCE,
    """
    SELECT __row AS csvRowNumber, prev_row AS prevCsvRowNumber,
      trip_id AS tripId, stop_id AS stopId, dist AS shapeDistTraveled,
      seq AS stopSequence, prev_dist AS prevShapeDistTraveled,
      prev_seq AS prevStopSequence
    FROM __st WHERE dist <= prev_dist ORDER BY __row
    """,
)

UNSORTED = rule(
    "unsorted_stop_times",
    INFO,
    "The rows of a trip are not in stop_sequence order, or not together, in the file.",
    "Allowed, but consumers that stream the file must sort it first.",
    topic=T,
)
sql_rule(
    UNSORTED,
    """
    SELECT trip_id AS tripId, min(__row) AS startCsvRowNumber,
      max(__row) AS endCsvRowNumber
    FROM __st GROUP BY trip_id
    HAVING bool_or(prev_row > __row) OR max(__row) - min(__row) + 1 <> count(*)
    ORDER BY startCsvRowNumber
    """,
)

TIMEPOINT_WITHOUT_TIMES = rule(
    "stop_time_timepoint_without_times",
    ERROR,
    "A stop time marked as exact timepoint has no times.",
    "One notice per missing time, as MobilityData's validator: a stop time "
    "without either is reported twice (arrival_time, then departure_time).",
    topic=T,
)
sql_rule(
    TIMEPOINT_WITHOUT_TIMES,
    """
    SELECT __row AS csvRowNumber, trip_id AS tripId, seq AS stopSequence,
      f AS specifiedField
    FROM __st, (VALUES ('arrival_time'), ('departure_time')) AS v(f)
    WHERE timepoint = '1' AND ((f = 'arrival_time' AND no_arrival)
      OR (f = 'departure_time' AND no_departure))
    ORDER BY __row, f
    """,
)

# Maximum plausible speed per route_type, km/h, as MobilityData uses.
SPEED_LIMITS = "MAP {0: 100, 1: 150, 2: 500, 3: 150, 4: 80, 5: 30, 6: 50, 7: 50, \
11: 150, 12: 150}"


def travel_hours(arrival: str, departure: str) -> str:
    """SQL: hours from a departure to an arrival (seconds), as MobilityData.

    No time or a negative one counts as one minute; when both times are on
    the minute (schedules rounded to it) one minute is added for the rounding.
    """
    return (
        f"(CASE WHEN {arrival} - {departure} <= 0 THEN 60 "
        f"WHEN {arrival} % 60 = 0 AND {departure} % 60 = 0 "
        f"THEN {arrival} - {departure} + 60 "
        f"ELSE {arrival} - {departure} END) / 3600.0"
    )


FAST_TRAVEL = rule(
    "fast_travel_between_consecutive_stops",
    WARNING,
    "A vehicle would travel implausibly fast between two consecutive stops.",
    "Speed limits by route_type: tram 100 km/h, subway, bus, trolleybus and "
    "monorail 150, rail 500, ferry 80, cable tram 30, aerial lift and funicular "
    "50, others 200. Times are read to the second; when both are on the minute, "
    "one minute is added for their rounding, and a time difference of zero or "
    "less counts as one minute. Stops without times or coordinates are passed "
    "over: the leg runs from the previous stop that had both.",
    topic=T,
)
sql_rule(
    FAST_TRAVEL,
    f"""
    WITH after_gap AS (
      -- Rows after a stop without a time or a position: the leg starts at
      -- the last stop before them that had both. Only their trips are read.
      SELECT trip_id, pos, __row FROM __st
      WHERE (prev_dep IS NULL OR prev_lat IS NULL) AND pos > 1
        AND arr IS NOT NULL AND lat IS NOT NULL
    ), usable AS (
      SELECT trip_id, pos, __row, stop_id, dep, lat, lon FROM __st
      WHERE dep IS NOT NULL AND lat IS NOT NULL
        AND trip_id IN (SELECT trip_id FROM after_gap)
    ), gaps AS (
      SELECT g.__row, p.__row AS prev_row, p.stop_id AS prev_stop,
        p.dep AS prev_dep, p.lat AS prev_lat, p.lon AS prev_lon
      FROM after_gap g
      ASOF JOIN usable p ON p.trip_id = g.trip_id AND g.pos > p.pos
    ), legs AS (
      SELECT s.__row, s.trip_id, s.stop_id,
        COALESCE(g.prev_row, s.prev_row) AS prev_row,
        COALESCE(g.prev_stop, s.prev_stop) AS prev_stop,
        distance_m(COALESCE(g.prev_lat, s.prev_lat), COALESCE(g.prev_lon, s.prev_lon),
          s.lat, s.lon) / 1000 AS km,
        {travel_hours("s.arr", "COALESCE(g.prev_dep, s.prev_dep)")} AS hours,
        COALESCE({SPEED_LIMITS}[t.route_type], 200) AS max_speed
      FROM __st s JOIN __trips t USING (trip_id)
      LEFT JOIN gaps g ON g.__row = s.__row
      WHERE s.arr IS NOT NULL AND s.lat IS NOT NULL AND t.route_type IS NOT NULL
        AND ((s.prev_dep IS NOT NULL AND s.prev_lat IS NOT NULL)
          OR g.prev_row IS NOT NULL)
    )
    SELECT trip_id AS tripId, prev_row AS csvRowNumber1, __row AS csvRowNumber2,
      prev_stop AS stopId1, stop_id AS stopId2,
      round(km / hours, 1) AS speedKph, round(km * 1000, 1) AS distanceMeters
    FROM legs WHERE km / hours > max_speed ORDER BY __row
    """,
)

sql_rule(
    DUPLICATE_KEY,
    """
    SELECT 'stop_times.txt' AS filename, 'trip_id' AS fieldName1,
      trip_id AS fieldValue1, 'stop_sequence' AS fieldName2,
      CAST(seq AS VARCHAR) AS fieldValue2, prev_row AS oldCsvRowNumber,
      __row AS newCsvRowNumber
    FROM __st WHERE seq = prev_seq ORDER BY __row
    """,
    name="duplicate_stop_times",
)

MISSING_TIMEPOINT_VALUE = rule(
    "missing_timepoint_value",
    WARNING,
    "A stop time with times has no timepoint value while the column exists.",
    "When arrival or departure times are given, timepoint should say whether "
    "they are exact (1) or approximate (0).",
    topic=T,
)


def _missing_timepoint(ctx: Context) -> None:
    if ctx.feed.has_column("stop_times.txt", "timepoint"):
        ctx.emit_query(
            MISSING_TIMEPOINT_VALUE,
            "SELECT __row AS csvRowNumber, trip_id AS tripId, seq AS stopSequence "
            "FROM __st WHERE timepoint IS NULL AND NOT (no_arrival AND no_departure) "
            "ORDER BY __row",
        )


check(MISSING_TIMEPOINT_VALUE)(_missing_timepoint)

HEADSIGN_INTERMEDIATE = rule(
    "trip_headsign_matches_intermediate_stop",
    INFO,
    "A trip's headsign is the name of a stop it passes before its last one.",
    "One notice per such stop of the trip. Riders boarding after that stop "
    "would read a destination already passed.",
    topic=T,
)
sql_rule(
    HEADSIGN_INTERMEDIATE,
    """
    SELECT t.__row AS csvRowNumber, t.trip_id AS tripId,
      t.trip_headsign AS tripHeadsign, s.stop_id AS stopId1,
      s.seq AS stopSequence
    FROM trips t JOIN __st s ON s.trip_id = t.trip_id
    JOIN stops p ON p.stop_id = s.stop_id
    WHERE t.trip_headsign IS NOT NULL
      AND lower(p.stop_name) = lower(t.trip_headsign) AND NOT s.is_last
    ORDER BY s.__row
    """,
)

FAST_TRAVEL_FAR = rule(
    "fast_travel_between_far_stops",
    WARNING,
    "A vehicle would travel implausibly fast between two stops over 10 km apart.",
    "Distance is summed along the trip's stops; from each stop the first stop "
    "at least 10 km further is checked, with the speed limits of "
    "fast_travel_between_consecutive_stops. One notice per trip. Only trips with "
    "a leg faster than half the limit are examined, which keeps the check cheap "
    "on large feeds.",
    topic=T,
)
sql_rule(
    FAST_TRAVEL_FAR,
    f"""
    WITH legs AS (
      SELECT s.__row, s.trip_id, s.pos, s.stop_id, s.arr, s.dep,
        COALESCE(distance_m(s.prev_lat, s.prev_lon, s.lat, s.lon), 0) AS leg,
        COALESCE({SPEED_LIMITS}[t.route_type], 200) AS max_speed,
        {travel_hours("s.arr", "s.prev_dep")} AS hours
      FROM __st s JOIN __trips t USING (trip_id)
      WHERE t.route_type IS NOT NULL
    ), candidates AS (
      SELECT trip_id FROM legs
      WHERE leg / 1000 / hours > max_speed / 2
      GROUP BY trip_id
    ), along AS (
      SELECT l.*, sum(leg) OVER (PARTITION BY trip_id ORDER BY pos) AS cum
      FROM legs l WHERE trip_id IN (SELECT trip_id FROM candidates)
    ), timed AS (
      SELECT * FROM along WHERE arr IS NOT NULL
    ), pairs AS (
      -- From each stop, the first stop at least 10 km further along the trip:
      -- one pair per stop, so a trip of n stops costs n, not n squared.
      SELECT a.trip_id, a.__row AS row1, b.__row AS row2, a.stop_id AS stop1,
        b.stop_id AS stop2, (b.cum - a.cum) / 1000 AS km,
        {travel_hours("b.arr", "a.dep")} AS hours, a.max_speed,
        a.pos AS pos1, b.pos AS pos2
      FROM (SELECT *, cum + 10000 AS reach FROM along WHERE dep IS NOT NULL) a
      ASOF JOIN timed b ON a.trip_id = b.trip_id AND b.cum >= a.reach
      WHERE b.pos > a.pos
    )
    SELECT trip_id AS tripId, arg_min(row1, (pos2, -pos1)) AS csvRowNumber1,
      arg_min(row2, (pos2, -pos1)) AS csvRowNumber2,
      arg_min(stop1, (pos2, -pos1)) AS stopId1,
      arg_min(stop2, (pos2, -pos1)) AS stopId2,
      round(arg_min(km / hours, (pos2, -pos1)), 1) AS speedKph
    FROM pairs WHERE km / hours > max_speed AND km > 10
    GROUP BY trip_id ORDER BY csvRowNumber1
    """,
)
