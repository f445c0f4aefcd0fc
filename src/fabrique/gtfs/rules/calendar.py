"""Rules on service calendars and on the validity period of the feed."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, INFO, WARNING, rule, sql_rule

T = "Calendar and validity"

EXPIRED_CALENDAR = rule(
    "expired_calendar",
    WARNING,
    "A service of calendar.txt has no date left after the validation date.",
    "Every active date of the service, calendar_dates.txt applied, is in the past.",
    topic=T,
)
sql_rule(
    EXPIRED_CALENDAR,
    """
    SELECT c.__row AS csvRowNumber, c.service_id AS serviceId FROM calendar c
    JOIN (SELECT service_id, max(day) AS last_day FROM __service_dates
      GROUP BY service_id) d ON d.service_id = c.service_id
    WHERE d.last_day < {today} ORDER BY c.__row
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
    "No trip runs on some of the next seven days.",
    "Counts days from the validation date on which no trip is scheduled.",
    topic=T,
)
sql_rule(
    TRIP_COVERAGE,
    """
    WITH days AS (
      SELECT CAST(unnest(generate_series({today}, {today} + 6, INTERVAL 1 DAY))
        AS DATE) AS day
    ), served AS (
      SELECT DISTINCT d.day FROM __service_dates d
      WHERE d.day BETWEEN {today} AND {today} + 6
        AND d.service_id IN (SELECT service_id FROM trips)
    )
    SELECT strftime({today}, '%Y%m%d') AS currentDate,
      (SELECT strftime(min(day), '%Y%m%d') FROM __service_dates)
        AS serviceWindowStartDate,
      (SELECT strftime(max(day), '%Y%m%d') FROM __service_dates)
        AS serviceWindowEndDate
    FROM days WHERE day NOT IN (SELECT day FROM served) HAVING count(*) > 0
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
