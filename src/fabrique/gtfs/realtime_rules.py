"""The GTFS Realtime rule registry: every notice code the RT checks emit.

Codes are snake_case like the GTFS Schedule ones; ``ref`` names the rule of
MobilityData's GTFS-RT validator (``E001``…, ``W001``…) when it is the same
rule, or ``Fabrique`` for the rules it does not have (frequency-based trips,
bad input). The catalogue in ``docs/gtfs-rt/rules.md`` is generated from
this table (``python -m fabrique.gtfs.realtime_rules``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fabrique.notices import Notices, Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
FABRIQUE = "Fabrique"
MOBILITYDATA_RT_RULES = (
    "https://github.com/MobilityData/gtfs-realtime-validator/blob/master/RULES.md"
)


@dataclass(frozen=True)
class RealtimeRule:
    """One GTFS-RT check: its code, MobilityData id, severity and meaning."""

    code: str
    ref: str
    severity: Severity
    topic: str
    description: str


FEED = "Feed and header"
ENTITIES = "Entities and timestamps"
TRIPS = "Trip updates"
VEHICLES = "Vehicle positions"
ALERTS = "Alerts"
SCHEDULE = "Against the static GTFS"
FREQUENCIES = "Frequency-based trips"
OVER_TIME = "Between two fetches"

_RULES = (
    # Feed and header, bad input.
    ("protobuf_decode_failed", FABRIQUE, ERROR, FEED,
     "The body is not a GTFS Realtime FeedMessage (another protobuf, HTML, "
     "truncated bytes)."),
    ("file_too_large", FABRIQUE, ERROR, FEED,
     "The body is larger than the size cap; it is not read."),
    ("file_unreadable", FABRIQUE, ERROR, FEED, "The file could not be read."),
    ("fetch_failed", FABRIQUE, ERROR, FEED,
     "The feed address did not answer in time, refused the connection or "
     "answered with an HTTP error."),
    ("unknown_gtfs_realtime_version", "E038", WARNING, FEED,
     "`header.gtfs_realtime_version` is not a known version (1.0, 2.0)."),
    ("missing_header_timestamp", "E048", ERROR, FEED,
     "`header.timestamp` is not populated (a warning for version 1.0)."),
    ("missing_incrementality", "E049", ERROR, FEED,
     "`header.incrementality` is not populated (version 2.0 and later)."),
    ("stale_feed", "W008", WARNING, FEED,
     "`header.timestamp` is older than 65 seconds when fetched."),
    ("timestamp_in_future", "E050", ERROR, FEED,
     "A timestamp is more than five minutes ahead of the fetch time."),
    ("invalid_timestamp", "E001", ERROR, ENTITIES,
     "A time is not POSIX seconds (milliseconds, or garbage)."),
    ("timestamp_after_header", "E012", ERROR, ENTITIES,
     "An entity's timestamp is later than `header.timestamp`."),
    ("missing_entity_timestamp", "W001", WARNING, ENTITIES,
     "A trip update or vehicle position has no `timestamp`."),
    ("duplicate_entity_id", FABRIQUE, ERROR, ENTITIES,
     "Two entities of the message share one `id`."),
    ("entity_without_content", FABRIQUE, ERROR, ENTITIES,
     "An entity has no trip update, vehicle, alert or other content and is "
     "not deleted."),
    ("deleted_entity_in_full_dataset", "E039", ERROR, ENTITIES,
     "A `FULL_DATASET` message has an entity with `is_deleted`."),
    # Trip updates.
    ("stop_sequence_not_increasing", "E002", ERROR, TRIPS,
     "`stop_time_update`s are not sorted by `stop_sequence`."),
    ("repeated_stop_sequence", "E036", ERROR, TRIPS,
     "Two sequential `stop_time_update`s have the same `stop_sequence`."),
    ("repeated_stop_id", "E037", ERROR, TRIPS,
     "Two sequential `stop_time_update`s have the same `stop_id`."),
    ("stop_time_update_without_stop", "E040", ERROR, TRIPS,
     "A `stop_time_update` has neither `stop_id` nor `stop_sequence`."),
    ("trip_update_without_stop_time_updates", "E041", ERROR, TRIPS,
     "A trip update that is not `CANCELED` has no `stop_time_update`."),
    ("no_data_with_times", "E042", ERROR, TRIPS,
     "A `NO_DATA` `stop_time_update` gives an arrival or a departure."),
    ("stop_time_update_without_times", "E043", ERROR, TRIPS,
     "A `SCHEDULED` `stop_time_update` has neither arrival nor departure."),
    ("stop_time_event_without_delay_or_time", "E044", ERROR, TRIPS,
     "An arrival or departure has neither `delay` nor `time`."),
    ("times_not_increasing", "E022", ERROR, TRIPS,
     "Sequential `stop_time_update` times go back in time."),
    ("departure_before_arrival", "E025", ERROR, TRIPS,
     "A `stop_time_update` departs before it arrives."),
    ("invalid_start_time", "E020", ERROR, TRIPS,
     "`trip.start_time` is not HH:MM:SS."),
    ("invalid_start_date", "E021", ERROR, TRIPS,
     "`trip.start_date` is not YYYYMMDD."),
    ("trip_update_without_trip_id", "W006", WARNING, TRIPS,
     "A trip update does not give `trip.trip_id`."),
    ("missing_schedule_relationship", "W009", WARNING, TRIPS,
     "A trip update's trip does not give `schedule_relationship`."),
    # Vehicles.
    ("number_out_of_range", "E026", ERROR, VEHICLES,
     "A vehicle position is not a valid latitude and longitude."),
    ("invalid_vehicle_bearing", "E027", ERROR, VEHICLES,
     "A vehicle bearing is not between 0 and 360 degrees."),
    ("missing_vehicle_id", "W002", WARNING, VEHICLES,
     "A vehicle position does not identify its vehicle (`vehicle.id`)."),
    ("unrealistic_vehicle_speed", "W004", WARNING, VEHICLES,
     "A vehicle speed is above 26 m/s (about 94 km/h) or negative."),
    ("duplicate_vehicle_id", "E052", ERROR, VEHICLES,
     "Two vehicle positions give the same `vehicle.id`."),
    ("vehicle_jump", FABRIQUE, WARNING, VEHICLES,
     "A vehicle moved faster than 70 m/s between two fetches (a wrong "
     "position, or two vehicles sharing an id)."),
    # Alerts.
    ("alert_without_informed_entity", "E032", ERROR, ALERTS,
     "An alert has no `informed_entity`."),
    ("informed_entity_without_selector", "E033", ERROR, ALERTS,
     "An `informed_entity` names no agency, route, route type, trip or stop."),
    ("alert_route_mismatch", "E031", ERROR, ALERTS,
     "An `informed_entity.route_id` differs from its `trip.route_id`."),
    ("alert_without_header_text", FABRIQUE, WARNING, ALERTS,
     "An alert has no `header_text`."),
    ("active_period_end_before_start", FABRIQUE, ERROR, ALERTS,
     "An alert's active period ends before it starts."),
    # Against the static GTFS.
    ("ids_not_checked", FABRIQUE, INFO, SCHEDULE,
     "No GTFS version was given: ids are not checked."),
    ("gtfs_store_unreadable", FABRIQUE, ERROR, SCHEDULE,
     "The GTFS version to check against could not be read."),
    ("unknown_trip_id", "E003", ERROR, SCHEDULE,
     "A scheduled `trip_id` is not in trips.txt."),
    ("unknown_route_id", "E004", ERROR, SCHEDULE,
     "A `route_id` is not in routes.txt."),
    ("unknown_stop_id", "E011", ERROR, SCHEDULE,
     "A `stop_id` is not in stops.txt."),
    ("unknown_agency_id", "E034", ERROR, SCHEDULE,
     "An alert's `agency_id` is not in agency.txt."),
    ("stop_not_a_stop_point", "E015", ERROR, SCHEDULE,
     "A trip update or vehicle names a stop whose `location_type` is not 0."),
    ("added_trip_in_schedule", "E016", ERROR, SCHEDULE,
     "A trip marked `ADDED` already has its `trip_id` in trips.txt."),
    ("trip_route_mismatch", "E035", ERROR, SCHEDULE,
     "`trip.route_id` is not the route of `trip.trip_id` in trips.txt."),
    ("alert_trip_route_mismatch", "E030", ERROR, SCHEDULE,
     "An alert's trip does not belong to its route in trips.txt."),
    ("direction_id_mismatch", "E024", ERROR, SCHEDULE,
     "`trip.direction_id` differs from trips.txt."),
    ("start_time_not_first_arrival", "E023", ERROR, SCHEDULE,
     "`trip.start_time` of a scheduled trip is not its first arrival time."),
    ("stop_sequence_missing_for_loop", "E009", ERROR, SCHEDULE,
     "A `stop_time_update` gives no `stop_sequence` for a trip that visits "
     "its stop more than once."),
    ("stop_sequence_stop_id_mismatch", "E045", ERROR, SCHEDULE,
     "`stop_sequence` and `stop_id` name different stops of the trip."),
    ("unknown_stop_sequence", "E051", ERROR, SCHEDULE,
     "A `stop_sequence` is not one of the trip's in stop_times.txt."),
    # Frequency-based trips.
    ("frequency_trip_incomplete", "E006", ERROR, FREQUENCIES,
     "A frequency-based trip (`exact_times` = 0) misses `trip_id`, "
     "`start_time` or `start_date`."),
    ("frequency_trip_scheduled", "E013", ERROR, FREQUENCIES,
     "A frequency-based trip (`exact_times` = 0) has a `schedule_relationship` "
     "other than `UNSCHEDULED`."),
    ("frequency_start_time_not_on_headway", "E019", ERROR, FREQUENCIES,
     "An `exact_times` = 1 trip's `start_time` is not a whole number of "
     "headways after the frequency's start."),
    ("frequency_trip_without_vehicle_id", "W005", WARNING, FREQUENCIES,
     "A frequency-based trip (`exact_times` = 0) update has no `vehicle.id`."),
    ("exact_times_trip_incomplete", FABRIQUE, ERROR, FREQUENCIES,
     "An `exact_times` = 1 trip misses `trip_id`, `start_time` or "
     "`start_date` (MobilityData's open rule request #38)."),
    ("frequency_start_time_outside_window", FABRIQUE, ERROR, FREQUENCIES,
     "A frequency-based trip's `start_time` falls outside every period of "
     "the trip in frequencies.txt."),
    ("frequency_trip_with_delay", FABRIQUE, WARNING, FREQUENCIES,
     "A frequency-based trip (`exact_times` = 0) gives `delay`, which has no "
     "schedule to refer to; give `time`."),
    # Between two fetches.
    ("same_timestamp_changed_content", "E017", ERROR, OVER_TIME,
     "The content changed but `header.timestamp` did not."),
    ("header_timestamp_decreased", "E018", ERROR, OVER_TIME,
     "`header.timestamp` went back since the previous fetch."),
    ("slow_refresh", "W007", WARNING, OVER_TIME,
     "`header.timestamp` advanced by more than 35 seconds between fetches."),
    ("frequency_start_time_changed", FABRIQUE, ERROR, OVER_TIME,
     "The `start_time` of an `exact_times` = 0 trip instance changed between "
     "fetches (MobilityData's open rule request #34)."),
)  # fmt: skip

RULES: dict[str, RealtimeRule] = {
    code: RealtimeRule(code, ref, severity, topic, description)
    for code, ref, severity, topic, description in _RULES
}
TOPICS = (FEED, ENTITIES, TRIPS, VEHICLES, ALERTS, SCHEDULE, FREQUENCIES, OVER_TIME)


def emit(notices: Notices, code: str, **context: Any) -> None:
    """Record a notice of a registered rule with the rule's severity."""
    notices.add(code, RULES[code].severity, **context)


def render_markdown() -> str:
    """The GTFS-RT rule catalogue as Markdown (docs/gtfs-rt/rules.md)."""
    refs = sorted(r.ref for r in RULES.values() if r.ref != FABRIQUE)
    lines = [
        "# GTFS Realtime rule catalogue",
        "",
        "<!-- Generated by `python -m fabrique.gtfs.realtime_rules`; do not edit. -->",
        "",
        f"Fabrique checks {len(RULES)} GTFS Realtime rules. The second column "
        "gives the id of the same rule in MobilityData's GTFS-RT validator "
        f"({MOBILITYDATA_RT_RULES}); *Fabrique* marks rules it does not have.",
        "",
        f"MobilityData rules implemented: {', '.join(refs)}.",
        "",
    ]
    for topic in TOPICS:
        lines += [f"## {topic}", "", "| Code | Rule | Severity | What |"]
        lines.append("| --- | --- | --- | --- |")
        for rule in sorted(RULES.values(), key=lambda r: (r.ref, r.code)):
            if rule.topic == topic:
                lines.append(
                    f"| `{rule.code}` | {rule.ref} | {rule.severity.value} | "
                    f"{rule.description} |"
                )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(render_markdown(), end="")
