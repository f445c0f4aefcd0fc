"""GTFS Realtime checked against the static GTFS version in force.

Only the rows the message names are read from the stored version (trips,
their stop times and frequencies, the named stops, routes and agencies), so
a fetch costs a few indexed Parquet scans whatever the size of the feed.
Also turns trip updates into delays per route and per stop.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from google.transit import gtfs_realtime_pb2 as pb

from fabrique.gtfs.realtime_rules import emit
from fabrique.notices import Notices

TRIP = pb.TripDescriptor
DELAY_ROWS = 200


@dataclass
class Schedule:
    """The rows of a stored GTFS version that one message refers to."""

    trips: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    stop_times: dict[str, list[tuple[int, str, int | None, int | None]]] = field(
        default_factory=dict
    )
    frequencies: dict[str, list[tuple[int, int, int, int]]] = field(
        default_factory=dict
    )
    stops: dict[str, int] = field(default_factory=dict)
    routes: set[str] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)
    timezone: str = "UTC"


def _ids(message: pb.FeedMessage) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)

    def trip(descriptor: Any) -> None:
        if descriptor.trip_id:
            found["trip"].add(descriptor.trip_id)
        if descriptor.route_id:
            found["route"].add(descriptor.route_id)

    for entity in message.entity:
        if entity.HasField("trip_update"):
            trip(entity.trip_update.trip)
            for stu in entity.trip_update.stop_time_update:
                if stu.stop_id:
                    found["stop"].add(stu.stop_id)
        if entity.HasField("vehicle"):
            trip(entity.vehicle.trip)
            if entity.vehicle.stop_id:
                found["stop"].add(entity.vehicle.stop_id)
        if entity.HasField("alert"):
            for informed in entity.alert.informed_entity:
                if informed.agency_id:
                    found["agency"].add(informed.agency_id)
                if informed.HasField("trip"):
                    trip(informed.trip)
    return found


def _rows(con: Any, sql: str, ids: Iterable[str]) -> list[tuple[Any, ...]]:
    wanted = sorted(ids)
    if not wanted:
        return []
    return list(con.execute(sql, [wanted]).fetchall())


IN = "IN (SELECT unnest(?::VARCHAR[]))"


def load_schedule(con: Any, message: pb.FeedMessage) -> Schedule:
    """Read from ``con`` (``open_store``) the rows ``message`` names."""
    ids = _ids(message)
    schedule = Schedule()
    for trip_id, route_id, direction in _rows(
        con,
        f"SELECT trip_id, route_id, direction_id FROM trips WHERE trip_id {IN}",
        ids["trip"],
    ):
        schedule.trips[str(trip_id)] = (str(route_id), direction)
    for trip_id, seq, stop_id, arrival, departure in _rows(
        con,
        "SELECT trip_id, stop_sequence, stop_id, arrival_time, departure_time "
        f"FROM stop_times WHERE trip_id {IN} ORDER BY trip_id, stop_sequence",
        schedule.trips,
    ):
        schedule.stop_times.setdefault(str(trip_id), []).append(
            (int(seq), str(stop_id), arrival, departure)
        )
    for trip_id, start, end, headway, exact in _rows(
        con,
        "SELECT trip_id, start_time, end_time, headway_secs, "
        f"coalesce(exact_times, 0) FROM frequencies WHERE trip_id {IN} "
        "ORDER BY trip_id, start_time",
        schedule.trips,
    ):
        if None not in (start, end, headway):
            schedule.frequencies.setdefault(str(trip_id), []).append(
                (int(start), int(end), int(headway), int(exact))
            )
    for stop_id, location_type in _rows(
        con,
        f"SELECT stop_id, coalesce(location_type, 0) FROM stops WHERE stop_id {IN}",
        ids["stop"],
    ):
        schedule.stops[str(stop_id)] = int(location_type)
    schedule.routes = {
        str(r[0])
        for r in _rows(
            con, f"SELECT route_id FROM routes WHERE route_id {IN}", ids["route"]
        )
    }
    schedule.agencies = {
        str(r[0])
        for r in _rows(
            con, f"SELECT agency_id FROM agency WHERE agency_id {IN}", ids["agency"]
        )
    }
    zone = con.execute("SELECT agency_timezone FROM agency LIMIT 1").fetchone()
    schedule.timezone = str(zone[0]) if zone and zone[0] else "UTC"
    return schedule


def seconds(text: str) -> int | None:
    """``HH:MM:SS`` (hours past 24 allowed) as seconds after midnight."""
    parts = text.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    hours, minutes, secs = (int(p) for p in parts)
    return hours * 3600 + minutes * 60 + secs


def check_schedule(
    message: pb.FeedMessage, schedule: Schedule, notices: Notices, *, filename: str
) -> None:
    """Record the rules that compare ``message`` with the static GTFS."""
    where = {"filename": filename}
    for index, entity in enumerate(message.entity):
        path = f"entity[{index}]"
        if entity.HasField("trip_update"):
            update = entity.trip_update
            vehicle_id = update.vehicle.id if update.HasField("vehicle") else ""
            _trip(update.trip, schedule, notices, where, f"{path}.trip_update.trip")
            _frequency(update, vehicle_id, schedule, notices, where, path)
            _stop_time_updates(update, schedule, notices, where, path)
        if entity.HasField("vehicle"):
            vehicle = entity.vehicle
            if vehicle.HasField("trip"):
                _trip(vehicle.trip, schedule, notices, where, f"{path}.vehicle.trip")
            if vehicle.stop_id:
                _stop_point(vehicle.stop_id, schedule, notices, where, path)
        if entity.HasField("alert"):
            for j, informed in enumerate(entity.alert.informed_entity):
                at = f"{path}.alert.informed_entity[{j}]"
                if informed.agency_id and informed.agency_id not in schedule.agencies:
                    emit(
                        notices, "unknown_agency_id", **where, path=at,
                        value=informed.agency_id,
                    )  # fmt: skip
                trip_id = informed.trip.trip_id if informed.HasField("trip") else ""
                known = schedule.trips.get(trip_id)
                if known and informed.route_id and informed.route_id != known[0]:
                    emit(
                        notices, "alert_trip_route_mismatch", **where, path=at,
                        tripId=trip_id, routeId=informed.route_id, expected=known[0],
                    )  # fmt: skip


def _stop_point(
    stop_id: str,
    schedule: Schedule,
    notices: Notices,
    where: dict[str, str],
    path: str,
) -> None:
    location_type = schedule.stops.get(stop_id)
    if location_type not in (None, 0):
        emit(
            notices, "stop_not_a_stop_point", **where, path=path, value=stop_id,
            locationType=location_type,
        )  # fmt: skip


def _trip(
    trip: Any,
    schedule: Schedule,
    notices: Notices,
    where: dict[str, str],
    path: str,
) -> None:
    known = schedule.trips.get(trip.trip_id)
    if trip.schedule_relationship == TRIP.ADDED:
        if known:
            emit(notices, "added_trip_in_schedule", **where, path=path,
                 value=trip.trip_id)  # fmt: skip
        return
    if known is None:
        return
    route_id, direction = known
    if trip.route_id and trip.route_id != route_id:
        emit(
            notices, "trip_route_mismatch", **where, path=path,
            tripId=trip.trip_id, routeId=trip.route_id, expected=route_id,
        )  # fmt: skip
    if (
        trip.HasField("direction_id")
        and direction is not None
        and trip.direction_id != direction
    ):
        emit(
            notices, "direction_id_mismatch", **where, path=path,
            tripId=trip.trip_id, value=trip.direction_id, expected=direction,
        )  # fmt: skip
    rows = schedule.stop_times.get(trip.trip_id) or []
    start = seconds(trip.start_time) if trip.start_time else None
    if (
        trip.trip_id not in schedule.frequencies
        and start is not None
        and rows
        and rows[0][2] is not None
        and start != rows[0][2]
    ):
        emit(
            notices, "start_time_not_first_arrival", **where, path=path,
            tripId=trip.trip_id, value=trip.start_time, expected=_hms(rows[0][2]),
        )  # fmt: skip


def _hms(value: int) -> str:
    return f"{value // 3600:02d}:{value % 3600 // 60:02d}:{value % 60:02d}"


def _frequency(
    update: Any,
    vehicle_id: str,
    schedule: Schedule,
    notices: Notices,
    where: dict[str, str],
    path: str,
) -> None:
    trip = update.trip
    periods = schedule.frequencies.get(trip.trip_id)
    if not periods:
        return
    exact = periods[0][3]
    at = f"{path}.trip_update.trip"
    if not (trip.start_time and trip.start_date):
        code = (
            "frequency_trip_incomplete"
            if exact == 0
            else ("exact_times_trip_incomplete")
        )
        emit(notices, code, **where, path=at, tripId=trip.trip_id)
    if exact == 0:
        if (
            trip.HasField("schedule_relationship")
            and trip.schedule_relationship != TRIP.UNSCHEDULED
        ):
            emit(
                notices, "frequency_trip_scheduled", **where, path=at,
                tripId=trip.trip_id,
                value=TRIP.ScheduleRelationship.Name(trip.schedule_relationship),
            )  # fmt: skip
        if not vehicle_id:
            emit(notices, "frequency_trip_without_vehicle_id", **where, path=path,
                 tripId=trip.trip_id)  # fmt: skip
        if any(
            stu.HasField(name) and getattr(stu, name).HasField("delay")
            for stu in update.stop_time_update
            for name in ("arrival", "departure")
        ):
            emit(notices, "frequency_trip_with_delay", **where, path=path,
                 tripId=trip.trip_id)  # fmt: skip
    start = seconds(trip.start_time) if trip.start_time else None
    if start is None:
        return
    period = next((p for p in periods if p[0] <= start < p[1]), None)
    if period is None:
        emit(
            notices, "frequency_start_time_outside_window", **where, path=at,
            tripId=trip.trip_id, value=trip.start_time,
        )  # fmt: skip
    elif exact == 1 and period[2] > 0 and (start - period[0]) % period[2]:
        emit(
            notices, "frequency_start_time_not_on_headway", **where, path=at,
            tripId=trip.trip_id, value=trip.start_time, headwaySecs=period[2],
            periodStart=_hms(period[0]),
        )  # fmt: skip


def _stop_time_updates(
    update: Any,
    schedule: Schedule,
    notices: Notices,
    where: dict[str, str],
    path: str,
) -> None:
    rows = schedule.stop_times.get(update.trip.trip_id) or []
    by_sequence = {row[0]: row[1] for row in rows}
    for j, stu in enumerate(update.stop_time_update):
        at = f"{path}.trip_update.stop_time_update[{j}]"
        if stu.stop_id:
            _stop_point(stu.stop_id, schedule, notices, where, at)
        if not rows:
            continue
        if stu.HasField("stop_sequence"):
            expected = by_sequence.get(stu.stop_sequence)
            if expected is None:
                emit(notices, "unknown_stop_sequence", **where, path=at,
                     value=stu.stop_sequence)  # fmt: skip
            elif stu.stop_id and stu.stop_id != expected:
                emit(
                    notices, "stop_sequence_stop_id_mismatch", **where, path=at,
                    stopSequence=stu.stop_sequence, stopId=stu.stop_id,
                    expected=expected,
                )  # fmt: skip
        elif stu.stop_id and sum(row[1] == stu.stop_id for row in rows) > 1:
            emit(notices, "stop_sequence_missing_for_loop", **where, path=at,
                 stopId=stu.stop_id)  # fmt: skip


def _midnight(start_date: str, fallback: int, timezone: str) -> int | None:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    try:
        day = (
            datetime.strptime(start_date, "%Y%m%d").date()
            if start_date
            else datetime.fromtimestamp(fallback, zone).date()
        )
    except (ValueError, OverflowError, OSError):
        return None
    # GTFS times count from noon minus 12 h, which differs from midnight on
    # the days the clocks change.
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone)
    return int((noon - timedelta(hours=12)).timestamp())


def delays(
    message: pb.FeedMessage, schedule: Schedule, *, now: int
) -> dict[str, list[dict[str, Any]]]:
    """Delays the trip updates give, per route and per stop (seconds).

    A ``delay`` is taken as given; a ``time`` is compared with the stop time
    of the static GTFS on the trip's service day.
    """
    by_route: dict[str, list[int]] = defaultdict(list)
    by_stop: dict[str, list[int]] = defaultdict(list)
    for entity in message.entity:
        if not entity.HasField("trip_update"):
            continue
        update = entity.trip_update
        trip = update.trip
        known = schedule.trips.get(trip.trip_id)
        route_id = trip.route_id or (known[0] if known else "")
        rows = schedule.stop_times.get(trip.trip_id) or []
        by_sequence = {row[0]: row for row in rows}
        by_stop_id = {row[1]: row for row in rows}
        midnight = _midnight(trip.start_date, message.header.timestamp or now,
                             schedule.timezone)  # fmt: skip
        for stu in update.stop_time_update:
            row = (
                by_sequence.get(stu.stop_sequence)
                if stu.HasField("stop_sequence")
                else by_stop_id.get(stu.stop_id)
            )
            stop_id = stu.stop_id or (row[1] if row else "")
            value = _delay(stu, row, midnight)
            if value is None:
                continue
            if route_id:
                by_route[route_id].append(value)
            if stop_id:
                by_stop[stop_id].append(value)
    return {"byRoute": _aggregate(by_route), "byStop": _aggregate(by_stop)}


def _delay(stu: Any, row: Any, midnight: int | None) -> int | None:
    for name, column in (("arrival", 2), ("departure", 3)):
        if not stu.HasField(name):
            continue
        event = getattr(stu, name)
        if event.HasField("delay"):
            return int(event.delay)
        if event.time and row and row[column] is not None and midnight is not None:
            return int(event.time) - (midnight + int(row[column]))
    return None


def _aggregate(values: dict[str, list[int]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "id": key,
            "count": len(found),
            "meanSeconds": round(sum(found) / len(found)),
            "maxSeconds": max(found),
        }
        for key, found in values.items()
    ]
    rows.sort(key=lambda r: (-r["meanSeconds"], r["id"]))
    return rows[:DELAY_ROWS]
