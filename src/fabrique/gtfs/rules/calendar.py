"""Rules on service calendars and on the validity period of the feed."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, INFO, WARNING, rule, sql_rule

T = "Calendar and validity"

EXPIRED_CALENDAR = rule(
    "expired_calendar",
    WARNING,
    "A service has no date left after the validation date.",
    "Every active date of the service, calendar_dates.txt applied, is in the "
    "past. As MobilityData does, services defined only in calendar_dates.txt "
    "are reported when calendar.txt has no rows and every service has expired "
    "(at the first row of the service in calendar_dates.txt).",
    topic=T,
)
sql_rule(
    EXPIRED_CALENDAR,
    """
    WITH last AS (
      SELECT service_id, max(day) AS last_day FROM __service_dates
      GROUP BY service_id
    )
    SELECT c.__row AS csvRowNumber, c.service_id AS serviceId FROM calendar c
    JOIN last d ON d.service_id = c.service_id
    WHERE d.last_day < {today}
    UNION ALL
    SELECT min(x.__row), x.service_id FROM calendar_dates x
    JOIN last d ON d.service_id = x.service_id
    WHERE NOT EXISTS (SELECT 1 FROM calendar)
      AND NOT EXISTS (SELECT 1 FROM last WHERE last_day >= {today})
    GROUP BY x.service_id
    ORDER BY csvRowNumber
    """,
)

FEED_END = "(SELECT gtfs_date(feed_end_date) FROM feed_info ORDER BY __row LIMIT 1)"
EXPIRES_7 = rule(
    "feed_expiration_date7_days",
    WARNING,
    "feed_info.txt says the feed ends within 7 days (or has ended).",
    "Publish a new feed before the end date so that riders keep seeing trips.",
    topic=T,
)
sql_rule(
    EXPIRES_7,
    f"""
    SELECT __row AS csvRowNumber, feed_end_date AS feedEndDate,
      strftime({{today}} + 7, '%Y%m%d') AS suggestedExpirationDate,
      strftime({{today}}, '%Y%m%d') AS currentDate
    FROM feed_info WHERE {FEED_END} <= {{today}} + 7
    """,
)
EXPIRES_30 = rule(
    "feed_expiration_date30_days",
    WARNING,
    "feed_info.txt says the feed ends within 30 days.",
    topic=T,
)
sql_rule(
    EXPIRES_30,
    f"""
    SELECT __row AS csvRowNumber, feed_end_date AS feedEndDate,
      strftime({{today}} + 30, '%Y%m%d') AS suggestedExpirationDate,
      strftime({{today}}, '%Y%m%d') AS currentDate
    FROM feed_info WHERE {FEED_END} > {{today}} + 7
      AND {FEED_END} <= {{today}} + 30
    """,
)

RANGE_OUT_OF_ORDER = rule(
    "start_and_end_range_out_of_order",
    ERROR,
    "A start date or time comes after its end.",
    "Checked on calendar.txt and feed_info.txt dates and frequencies.txt times.",
    topic=T,
)
sql_rule(
    RANGE_OUT_OF_ORDER,
    """
    SELECT 'calendar.txt' AS filename, __row AS csvRowNumber,
      service_id AS entityId, 'start_date' AS startFieldName,
      start_date AS startValue, 'end_date' AS endFieldName, end_date AS endValue
    FROM calendar WHERE gtfs_date(start_date) > gtfs_date(end_date)
    UNION ALL
    SELECT 'feed_info.txt', __row, NULL, 'feed_start_date', feed_start_date,
      'feed_end_date', feed_end_date FROM feed_info
    WHERE gtfs_date(feed_start_date) > gtfs_date(feed_end_date)
    UNION ALL
    SELECT 'frequencies.txt', __row, trip_id, 'start_time', start_time,
      'end_time', end_time FROM frequencies
    WHERE gtfs_seconds(start_time) > gtfs_seconds(end_time)
    """,
)
RANGE_EQUAL = rule(
    "start_and_end_range_equal",
    ERROR,
    "A frequency period starts and ends at the same time.",
    topic=T,
)
sql_rule(
    RANGE_EQUAL,
    """
    SELECT 'frequencies.txt' AS filename, __row AS csvRowNumber,
      trip_id AS entityId, 'start_time' AS startFieldName,
      'end_time' AS endFieldName, start_time AS value
    FROM frequencies WHERE gtfs_seconds(start_time) = gtfs_seconds(end_time)
    """,
)

NO_ACTIVE_DAY = rule(
    "service_has_no_active_day_of_the_week",
    WARNING,
    "A service of calendar.txt runs on no day of the week.",
    "All seven day columns are 0; only calendar_dates.txt can then add dates.",
    topic=T,
)
sql_rule(
    NO_ACTIVE_DAY,
    """
    SELECT __row AS csvRowNumber, service_id AS serviceId FROM calendar
    WHERE COALESCE(monday, '0') = '0' AND COALESCE(tuesday, '0') = '0'
      AND COALESCE(wednesday, '0') = '0' AND COALESCE(thursday, '0') = '0'
      AND COALESCE(friday, '0') = '0' AND COALESCE(saturday, '0') = '0'
      AND COALESCE(sunday, '0') = '0'
    ORDER BY __row
    """,
)

NEVER_ACTIVE = rule(
    "service_never_active",
    WARNING,
    "A service has no active date at all.",
    topic=T,
)
sql_rule(
    NEVER_ACTIVE,
    """
    SELECT 'calendar.txt' AS filename, __row AS csvRowNumber,
      service_id AS serviceId FROM calendar c
    WHERE NOT EXISTS (SELECT 1 FROM __service_dates d
      WHERE d.service_id = c.service_id)
    ORDER BY __row
    """,
)

FUTURE_FEED = rule(
    "future_feed",
    INFO,
    "feed_info.txt says the feed starts after the validation date.",
    "The earliest feed_start_date is later than the validation date (services "
    "that all start later are `future_calendar`).",
    topic=T,
)
sql_rule(
    FUTURE_FEED,
    """
    SELECT strftime({today}, '%Y%m%d') AS currentDate,
      strftime(min(gtfs_date(feed_start_date)), '%Y%m%d') AS feedStartDate
    FROM feed_info HAVING min(gtfs_date(feed_start_date)) > {today}
    """,
)

TRIP_COVERAGE = rule(
    "trip_coverage_not_active_for_next7_days",
    WARNING,
    "The feed's main service window does not cover the next seven days.",
    "MobilityData's majority coverage: trips are counted on each service date "
    "(a trip with frequencies counts once per run); the reference count is "
    "the one at 90 % of the sorted counts (at most 30 dates from the top), "
    "and the window runs from the first to the last date with at least 75 % "
    "of it. Reported when that window starts after the validation date or "
    "ends before seven days after it.",
    topic=T,
)
sql_rule(
    TRIP_COVERAGE,
    """
    WITH per_service AS (
      SELECT t.service_id, sum(COALESCE(f.n, 1)) AS n FROM trips t
      LEFT JOIN (
        SELECT trip_id, sum(1 + CASE WHEN h > 0 THEN trunc((e - s - 1) / h)
          ELSE 0 END) AS n
        FROM (SELECT trip_id, TRY_CAST(headway_secs AS BIGINT) AS h,
          gtfs_seconds(start_time) AS s, gtfs_seconds(end_time) AS e
          FROM frequencies)
        GROUP BY trip_id
      ) f ON f.trip_id = t.trip_id
      GROUP BY t.service_id
    ), per_day AS (
      SELECT d.day, sum(p.n) AS n FROM __service_dates d
      JOIN per_service p ON p.service_id = d.service_id GROUP BY d.day
    ), threshold AS (
      SELECT floor(0.75 * list_sort(list(n))[greatest(
        CAST(floor(count(*) * CAST(0.9 AS DOUBLE)) AS BIGINT), count(*) - 30) + 1])
        AS t
      FROM per_day
    ), majority AS (
      SELECT min(day) AS a, max(day) AS b FROM per_day, threshold WHERE n >= t
    )
    SELECT strftime({today}, '%Y%m%d') AS currentDate,
      strftime(a, '%Y%m%d') AS serviceWindowStartDate,
      strftime(b, '%Y%m%d') AS serviceWindowEndDate
    FROM majority WHERE a > {today} OR b < {today} + 7
    """,
    needs=("trips.txt",),
)

BIG_GAP = rule(
    "big_gap_in_service",
    INFO,
    "A service has more than 13 days without service between two active dates.",
    "Checked on the services of calendar.txt (a weekly pattern broken by "
    "calendar_dates.txt), as MobilityData does. Often a season left out by "
    "mistake; a real break deserves a check.",
    topic=T,
)
sql_rule(
    BIG_GAP,
    """
    SELECT service_id AS serviceId, strftime(prev_day, '%Y-%m-%d') AS gapStartDate,
      strftime(day, '%Y-%m-%d') AS gapEndDate, day - prev_day - 1 AS gapDurationDays
    FROM (SELECT service_id, day,
      lag(day) OVER (PARTITION BY service_id ORDER BY day) AS prev_day
      FROM __service_dates
      WHERE service_id IN (SELECT service_id FROM calendar))
    WHERE day - prev_day - 1 > 13 ORDER BY service_id, day
    """,
)
