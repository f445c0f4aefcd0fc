"""Rules on timeframes.txt (GTFS-Fares v2)."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, rule, sql_rule

T = "Fares"

ONLY_ONE_BOUND = rule(
    "timeframe_only_start_or_end_time_specified",
    ERROR,
    "A timeframe gives start_time without end_time, or the reverse.",
    "Both are given or neither (the whole day).",
    topic=T,
)
sql_rule(
    ONLY_ONE_BOUND,
    "SELECT __row AS csvRowNumber FROM timeframes "
    "WHERE (start_time IS NULL) <> (end_time IS NULL) ORDER BY __row",
)

OVER_24_HOURS = rule(
    "timeframe_start_or_end_time_greater_than_twenty_four_hours",
    ERROR,
    "A timeframe's start_time or end_time is later than 24:00:00.",
    "A timeframe describes a time of day; it cannot run past midnight.",
    topic=T,
)
sql_rule(
    OVER_24_HOURS,
    """
    SELECT __row AS csvRowNumber, f.name AS fieldName,
      CASE f.name WHEN 'start_time' THEN start_time ELSE end_time END AS time
    FROM timeframes, (VALUES ('start_time'), ('end_time')) f(name)
    WHERE gtfs_seconds(CASE f.name WHEN 'start_time' THEN start_time
      ELSE end_time END) > 86400
    ORDER BY __row, f.name DESC
    """,
)

OVERLAP = rule(
    "timeframe_overlap",
    ERROR,
    "Two timeframes of the same group and service overlap.",
    "Sorted by start then end time, a timeframe starts before the previous one ends.",
    topic=T,
)
sql_rule(
    OVERLAP,
    """
    WITH t AS (
      SELECT __row, timeframe_group_id, service_id, start_time, end_time,
        COALESCE(gtfs_seconds(start_time), 0) AS a,
        COALESCE(gtfs_seconds(end_time), 0) AS b
      FROM timeframes
    ), ordered AS (
      SELECT *, lag(__row) OVER w AS prev_row, lag(b) OVER w AS prev_b,
        lag(end_time) OVER w AS prev_end
      FROM t WINDOW w AS (PARTITION BY timeframe_group_id, service_id
        ORDER BY a, b, __row)
    )
    SELECT prev_row AS prevCsvRowNumber, prev_end AS prevEndTime,
      __row AS currCsvRowNumber, start_time AS currStartTime,
      timeframe_group_id AS timeframeGroupId, service_id AS serviceId
    FROM ordered WHERE prev_row IS NOT NULL AND a < prev_b ORDER BY __row
    """,
)
