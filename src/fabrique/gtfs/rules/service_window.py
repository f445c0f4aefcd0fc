"""Rules comparing the service window with the feed's validity period."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import INFO, rule, sql_rule

T = "Calendar and validity"

# First and last active day of each service that trips use.
TRIP_SERVICES = """
  SELECT d.service_id, min(d.day) AS first_day, max(d.day) AS last_day
  FROM __service_dates d
  WHERE d.service_id IN (SELECT service_id FROM trips)
  GROUP BY d.service_id
"""
FEED_PERIOD = """
  SELECT gtfs_date(feed_start_date) AS feed_start, gtfs_date(feed_end_date) AS feed_end
  FROM feed_info ORDER BY __row LIMIT 1
"""

FUTURE_CALENDAR = rule(
    "future_calendar",
    INFO,
    "Every service of the trips starts after the validation date.",
    "MobilityData: the earliest active day of the services that trips use is "
    "later than the validation date.",
    topic=T,
)
sql_rule(
    FUTURE_CALENDAR,
    f"""
    SELECT strftime(min(first_day), '%Y-%m-%d') AS serviceWindowStartDate,
      strftime({{today}}, '%Y-%m-%d') AS currentDate
    FROM ({TRIP_SERVICES}) HAVING min(first_day) > {{today}}
    """,
    needs=("trips.txt",),
)

OUTSIDE_FEED_PERIOD = rule(
    "service_window_outside_feed_period",
    INFO,
    "A service runs before feed_start_date or after feed_end_date.",
    "One notice per service of the trips whose active days extend beyond the "
    "period that feed_info.txt declares.",
    topic=T,
)
sql_rule(
    OUTSIDE_FEED_PERIOD,
    f"""
    SELECT s.service_id AS serviceId,
      strftime(s.first_day, '%Y-%m-%d') AS serviceWindowStartDate,
      strftime(s.last_day, '%Y-%m-%d') AS serviceWindowEndDate,
      greatest(f.feed_start - s.first_day, 0) AS daysBeforeFeedStart,
      greatest(s.last_day - f.feed_end, 0) AS daysAfterFeedEnd
    FROM ({TRIP_SERVICES}) s, ({FEED_PERIOD}) f
    WHERE f.feed_start IS NOT NULL AND f.feed_end IS NOT NULL
      AND (s.first_day < f.feed_start OR s.last_day > f.feed_end)
    ORDER BY s.service_id
    """,
    needs=("feed_info.txt", "trips.txt"),
)

BEYOND_SERVICE_WINDOW = rule(
    "feed_valid_beyond_total_service_window",
    INFO,
    "The feed's validity period extends 14 days beyond its service window.",
    "feed_start_date is more than 14 days before the first day of service, or "
    "feed_end_date more than 14 days after the last one.",
    topic=T,
)
sql_rule(
    BEYOND_SERVICE_WINDOW,
    f"""
    SELECT strftime(f.feed_start, '%Y-%m-%d') AS feedStartDate,
      strftime(f.feed_end, '%Y-%m-%d') AS feedEndDate,
      strftime(w.first_day, '%Y-%m-%d') AS serviceWindowStartDate,
      strftime(w.last_day, '%Y-%m-%d') AS serviceWindowEndDate
    FROM ({FEED_PERIOD}) f,
      (SELECT min(first_day) AS first_day, max(last_day) AS last_day
       FROM ({TRIP_SERVICES})) w
    WHERE f.feed_start IS NOT NULL AND f.feed_end IS NOT NULL
      AND w.first_day IS NOT NULL
      AND (f.feed_start < w.first_day - 14 OR f.feed_end > w.last_day + 14)
    """,
    needs=("feed_info.txt", "trips.txt"),
)

FAR_FUTURE = rule(
    "service_extends_far_in_the_future",
    INFO,
    "A service of calendar.txt runs more than two years after the validation date.",
    "MobilityData: the last active day is more than 730 days away.",
    topic=T,
)
sql_rule(
    FAR_FUTURE,
    """
    SELECT c.service_id AS serviceId,
      strftime(max(d.day), '%Y-%m-%d') AS serviceWindowEndDate
    FROM calendar c JOIN __service_dates d ON d.service_id = c.service_id
    GROUP BY c.service_id HAVING max(d.day) - {today} > 730
    ORDER BY c.service_id
    """,
)
