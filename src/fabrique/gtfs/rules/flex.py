"""GTFS-Flex rules on stop_times.txt and booking_rules.txt."""

from __future__ import annotations

from fabrique.gtfs.rules.registry import ERROR, WARNING, Rule, rule, sql_rule

T = "GTFS-Flex"
WINDOW = (
    "(start_pickup_drop_off_window IS NOT NULL "
    "OR end_pickup_drop_off_window IS NOT NULL)"
)
PICKUP = "COALESCE(TRY_CAST(pickup_type AS INTEGER), 0)"
DROP_OFF = "COALESCE(TRY_CAST(drop_off_type AS INTEGER), 0)"
WINDOW_COLUMNS = (
    "start_pickup_drop_off_window AS startPickupDropOffWindow, "
    "end_pickup_drop_off_window AS endPickupDropOffWindow"
)


def stop_time_rule(declared: Rule, where: str, columns: str = WINDOW_COLUMNS) -> None:
    sql_rule(
        declared,
        f"SELECT __row AS csvRowNumber, {columns} FROM stop_times "
        f"WHERE {where} ORDER BY __row",
    )


FORBIDDEN_TIMES = rule(
    "forbidden_arrival_or_departure_time",
    ERROR,
    "A stop time has a pickup/drop-off window and an arrival or departure time.",
    "A window replaces the times: both are forbidden together.",
    topic=T,
)
stop_time_rule(
    FORBIDDEN_TIMES,
    f"{WINDOW} AND (arrival_time IS NOT NULL OR departure_time IS NOT NULL)",
    f"arrival_time AS arrivalTime, departure_time AS departureTime, {WINDOW_COLUMNS}",
)
MISSING_WINDOW = rule(
    "missing_pickup_or_drop_off_window",
    ERROR,
    "A stop time gives only one end of its pickup/drop-off window.",
    topic=T,
)
stop_time_rule(
    MISSING_WINDOW,
    "(start_pickup_drop_off_window IS NULL) <> (end_pickup_drop_off_window IS NULL)",
)
INVALID_WINDOW = rule(
    "invalid_pickup_drop_off_window",
    ERROR,
    "A pickup/drop-off window does not end after it starts.",
    topic=T,
)
stop_time_rule(
    INVALID_WINDOW,
    "gtfs_seconds(start_pickup_drop_off_window) >= "
    "gtfs_seconds(end_pickup_drop_off_window)",
)
FORBIDDEN_PICKUP = rule(
    "forbidden_pickup_type",
    ERROR,
    "A stop time with a pickup/drop-off window has pickup_type 0 or 3.",
    "Regular pickup and pickup arranged with the driver are forbidden with a "
    "window (an empty pickup_type means 0).",
    topic=T,
)
stop_time_rule(FORBIDDEN_PICKUP, f"{WINDOW} AND {PICKUP} IN (0, 3)")
FORBIDDEN_DROP_OFF = rule(
    "forbidden_drop_off_type",
    ERROR,
    "A stop time with a pickup/drop-off window has drop_off_type 0.",
    "Regular drop-off is forbidden with a window (an empty drop_off_type means 0).",
    topic=T,
)
stop_time_rule(FORBIDDEN_DROP_OFF, f"{WINDOW} AND {DROP_OFF} = 0")

FORBIDDEN_GEOGRAPHY = rule(
    "forbidden_geography_id",
    ERROR,
    "A stop time gives more than one of stop_id, location_group_id, location_id.",
    topic=T,
)
stop_time_rule(
    FORBIDDEN_GEOGRAPHY,
    "(stop_id IS NOT NULL)::INTEGER + (location_group_id IS NOT NULL)::INTEGER"
    " + (location_id IS NOT NULL)::INTEGER > 1",
    "stop_id AS stopId, location_group_id AS locationGroupId, "
    "location_id AS locationId",
)
FORBIDDEN_DISTANCE = rule(
    "forbidden_shape_dist_traveled",
    ERROR,
    "A stop time at a location or location group gives shape_dist_traveled.",
    "Distances along the shape are only meaningful at stops.",
    topic=T,
)
stop_time_rule(
    FORBIDDEN_DISTANCE,
    "stop_id IS NULL AND (location_group_id IS NOT NULL OR location_id IS NOT NULL)"
    " AND shape_dist_traveled IS NOT NULL",
    "trip_id AS tripId, location_group_id AS locationGroupId, "
    "location_id AS locationId, shape_dist_traveled AS shapeDistTraveled",
)
MISSING_BOOKING_RULE = rule(
    "missing_pickup_drop_off_booking_rule_id",
    WARNING,
    "A stop time that must be booked by phone names no booking rule.",
    "pickup_type or drop_off_type 2 with a window needs pickup_booking_rule_id "
    "or drop_off_booking_rule_id.",
    topic=T,
)
sql_rule(
    MISSING_BOOKING_RULE,
    f"""
    SELECT __row AS csvRowNumber, pickup_type AS pickupType,
      drop_off_type AS dropOffType
    FROM stop_times, (VALUES (0), (1)) side(k)
    WHERE (side.k = 0 AND {PICKUP} = 2 AND start_pickup_drop_off_window IS NOT NULL
        AND pickup_booking_rule_id IS NULL)
      OR (side.k = 1 AND {DROP_OFF} = 2 AND end_pickup_drop_off_window IS NOT NULL
        AND drop_off_booking_rule_id IS NULL)
    ORDER BY __row, side.k
    """,
    needs=("booking_rules.txt",),
)
SINGLE_RECORD = rule(
    "missing_stop_times_record",
    ERROR,
    "A trip with a must-phone pickup/drop-off window has a single stop time.",
    "A flexible trip needs at least a stop time where riders board and one "
    "where they alight.",
    topic=T,
)
sql_rule(
    SINGLE_RECORD,
    """
    SELECT s.__row AS csvRowNumber, s.trip_id AS tripId,
      s.location_group_id AS locationGroupId, s.location_id AS locationId
    FROM stop_times s
    JOIN (SELECT trip_id FROM stop_times GROUP BY trip_id HAVING count(*) = 1) o
      ON o.trip_id = s.trip_id
    WHERE s.start_pickup_drop_off_window IS NOT NULL
      AND s.end_pickup_drop_off_window IS NOT NULL
      AND TRY_CAST(s.pickup_type AS INTEGER) = 2
      AND TRY_CAST(s.drop_off_type AS INTEGER) = 2
    ORDER BY s.__row
    """,
)
CONTINUOUS = rule(
    "forbidden_continuous_pickup_drop_off",
    ERROR,
    "A route with continuous pickup or drop-off has a trip with a "
    "pickup/drop-off window.",
    topic=T,
)
sql_rule(
    CONTINUOUS,
    f"""
    SELECT r.__row AS routeCsvRowNumber, t.trip_id AS tripId,
      s.__row AS stopTimeCsvRowNumber,
      s.start_pickup_drop_off_window AS startPickupDropOffWindow,
      s.end_pickup_drop_off_window AS endPickupDropOffWindow
    FROM routes r JOIN trips t ON t.route_id = r.route_id
    JOIN stop_times s ON s.trip_id = t.trip_id
    WHERE (TRY_CAST(r.continuous_pickup AS INTEGER) IN (0, 2, 3)
        OR TRY_CAST(r.continuous_drop_off AS INTEGER) IN (0, 2, 3))
      AND {WINDOW.replace("start_", "s.start_").replace("end_", "s.end_")}
    ORDER BY r.__row, s.__row
    """,
)

# Booking rules: which fields each booking type forbids.
BOOKING_TYPE = "TRY_CAST(booking_type AS INTEGER)"


def forbidden_fields(
    declared: Rule, booking_type: int, fields: tuple[str, ...]
) -> None:
    listed = ", ".join(
        f"CASE WHEN {name} IS NOT NULL THEN '{name}' END" for name in fields
    )
    sql_rule(
        declared,
        f"""
        SELECT __row AS csvRowNumber, booking_rule_id AS bookingRuleId,
          concat_ws(', ', {listed}) AS fieldNames
        FROM booking_rules WHERE {BOOKING_TYPE} = {booking_type}
          AND ({" OR ".join(f"{name} IS NOT NULL" for name in fields)})
        ORDER BY __row
        """,
    )


forbidden_fields(
    rule(
        "forbidden_real_time_booking_field_value",
        ERROR,
        "A real-time booking rule (booking_type 0) gives prior-notice fields.",
        topic=T,
    ),
    0,
    (
        "prior_notice_duration_min",
        "prior_notice_duration_max",
        "prior_notice_last_day",
        "prior_notice_last_time",
        "prior_notice_start_day",
        "prior_notice_start_time",
        "prior_notice_service_id",
    ),
)
forbidden_fields(
    rule(
        "forbidden_same_day_booking_field_value",
        ERROR,
        "A same-day booking rule (booking_type 1) gives prior-day fields.",
        topic=T,
    ),
    1,
    ("prior_notice_last_day", "prior_notice_last_time", "prior_notice_service_id"),
)
forbidden_fields(
    rule(
        "forbidden_prior_day_booking_field_value",
        ERROR,
        "A prior-day booking rule (booking_type 2) gives notice durations.",
        topic=T,
    ),
    2,
    ("prior_notice_duration_min", "prior_notice_duration_max"),
)


def booking_rule(code: str, description: str, where: str, columns: str = "") -> None:
    sql_rule(
        rule(code, ERROR, description, topic=T),
        f"SELECT __row AS csvRowNumber, booking_rule_id AS bookingRuleId{columns} "
        f"FROM booking_rules WHERE {where} ORDER BY __row",
    )


booking_rule(
    "missing_prior_notice_duration_min",
    "A same-day booking rule (booking_type 1) has no prior_notice_duration_min.",
    f"{BOOKING_TYPE} = 1 AND prior_notice_duration_min IS NULL",
)
booking_rule(
    "invalid_prior_notice_duration_min",
    "prior_notice_duration_max is less than prior_notice_duration_min.",
    "TRY_CAST(prior_notice_duration_max AS BIGINT) "
    "< TRY_CAST(prior_notice_duration_min AS BIGINT)",
    ", prior_notice_duration_min AS priorNoticeDurationMin"
    ", prior_notice_duration_max AS priorNoticeDurationMax",
)
booking_rule(
    "forbidden_prior_notice_start_day",
    "A booking rule gives both prior_notice_start_day and prior_notice_duration_max.",
    "prior_notice_duration_max IS NOT NULL AND prior_notice_start_day IS NOT NULL",
    ", prior_notice_duration_max AS priorNoticeDurationMax"
    ", prior_notice_start_day AS priorNoticeStartDay",
)
booking_rule(
    "prior_notice_last_day_after_start_day",
    "prior_notice_last_day is after prior_notice_start_day.",
    "TRY_CAST(prior_notice_last_day AS BIGINT) "
    "> TRY_CAST(prior_notice_start_day AS BIGINT)",
    ", prior_notice_last_day AS priorNoticeLastDay"
    ", prior_notice_start_day AS priorNoticeStartDay",
)
booking_rule(
    "missing_prior_notice_last_day",
    "A prior-day booking rule (booking_type 2) has no prior_notice_last_day.",
    f"{BOOKING_TYPE} = 2 AND prior_notice_last_day IS NULL",
)
booking_rule(
    "missing_prior_notice_last_time",
    "A prior-day booking rule (booking_type 2) has no prior_notice_last_time.",
    f"{BOOKING_TYPE} = 2 AND prior_notice_last_time IS NULL",
)
booking_rule(
    "forbidden_prior_notice_start_time",
    "A booking rule gives prior_notice_start_time without prior_notice_start_day.",
    "prior_notice_start_time IS NOT NULL AND prior_notice_start_day IS NULL",
    ", prior_notice_start_time AS priorNoticeStartTime",
)
booking_rule(
    "missing_prior_notice_start_time",
    "A booking rule gives prior_notice_start_day without prior_notice_start_time.",
    "prior_notice_start_time IS NULL AND prior_notice_start_day IS NOT NULL",
    ", prior_notice_start_day AS priorNoticeStartDay",
)
