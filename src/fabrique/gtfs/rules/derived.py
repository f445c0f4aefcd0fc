"""Derived tables that many rules read: typed stop times, service dates, trips.

Built once per validation, right after the value checks, so that each rule
is a short query instead of a new scan of the raw text.
"""

from __future__ import annotations

from fabrique.gtfs.rules.registry import prepare

prepare(
    "prepare_stop_times",
    # One windowed pass over stop_times, ordered by trip and stop_sequence.
    # The window carries only what it must (sorting is the cost); coordinates
    # of the stop and of the previous one are joined after it. A stop_id
    # given twice in stops.txt (a duplicate_key error) counts once.
    """
    CREATE OR REPLACE TABLE __st AS
    WITH st AS (
      SELECT __row, trip_id, stop_id, TRY_CAST(stop_sequence AS BIGINT) AS seq,
        arrival_time IS NULL AS no_arrival, departure_time IS NULL AS no_departure,
        gtfs_seconds(arrival_time) AS arr, gtfs_seconds(departure_time) AS dep,
        TRY_CAST(shape_dist_traveled AS DOUBLE) AS dist, timepoint,
        location_group_id IS NOT NULL OR location_id IS NOT NULL AS flexible
      FROM stop_times
    ), ordered AS (
      SELECT st.*,
        lag(__row) OVER w AS prev_row,
        lag(seq) OVER w AS prev_seq,
        lag(stop_id) OVER w AS prev_stop,
        lag(dist) OVER w AS prev_dist,
        lag(dep) OVER w AS prev_dep,
        row_number() OVER w AS pos,
        lead(__row) OVER w IS NULL AS is_last
      FROM st
      WINDOW w AS (PARTITION BY trip_id ORDER BY seq, __row)
    ), s AS (
      SELECT stop_id, arg_min(TRY_CAST(stop_lat AS DOUBLE), __row) AS lat,
        arg_min(TRY_CAST(stop_lon AS DOUBLE), __row) AS lon
      FROM stops GROUP BY stop_id
    )
    SELECT o.*, s.lat, s.lon, p.lat AS prev_lat, p.lon AS prev_lon
    FROM ordered o
    LEFT JOIN s ON s.stop_id = o.stop_id
    LEFT JOIN s p ON p.stop_id = o.prev_stop
    """,
)

prepare(
    "prepare_service_dates",
    """
    CREATE OR REPLACE TABLE __service_dates AS
    WITH weekly AS (
      SELECT service_id, gtfs_date(start_date) AS a, gtfs_date(end_date) AS b,
        [monday, tuesday, wednesday, thursday, friday, saturday, sunday] AS days
      FROM calendar
      WHERE gtfs_date(start_date) IS NOT NULL AND gtfs_date(end_date) IS NOT NULL
        AND gtfs_date(end_date) - gtfs_date(start_date) < 36600
    ), expanded AS (
      SELECT service_id, CAST(unnest(generate_series(a, b, INTERVAL 1 DAY)) AS DATE)
        AS day, days FROM weekly
    ), from_calendar AS (
      SELECT service_id, day FROM expanded WHERE days[isodow(day)] = '1'
    ), exceptions AS (
      SELECT service_id, gtfs_date(date) AS day, exception_type FROM calendar_dates
      WHERE gtfs_date(date) IS NOT NULL
    )
    SELECT DISTINCT service_id, day FROM (
      SELECT service_id, day FROM from_calendar
      WHERE (service_id, day) NOT IN (
        SELECT (service_id, day) FROM exceptions WHERE exception_type = '2')
      UNION ALL
      SELECT service_id, day FROM exceptions WHERE exception_type = '1'
    )
    """,
)

prepare(
    "prepare_trips",
    """
    CREATE OR REPLACE TABLE __trips AS
    SELECT t.__row, t.trip_id, t.route_id, t.service_id, t.block_id, t.shape_id,
      TRY_CAST(r.route_type AS INTEGER) AS route_type,
      s.n, s.first_time, s.last_time, s.max_dist
    FROM trips t
    LEFT JOIN routes r ON r.route_id = t.route_id
    LEFT JOIN (
      SELECT trip_id, count(*) AS n, min(COALESCE(dep, arr)) AS first_time,
        max(COALESCE(arr, dep)) AS last_time, max(dist) AS max_dist
      FROM __st GROUP BY trip_id
    ) s ON s.trip_id = t.trip_id
    """,
)
