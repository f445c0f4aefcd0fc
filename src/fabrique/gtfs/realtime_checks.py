"""GTFS Realtime rules that need only the message itself.

Each check reads the decoded FeedMessage and records notices of the
registry in :mod:`fabrique.gtfs.realtime_rules`; the rules that need the
static GTFS are in :mod:`fabrique.gtfs.realtime_schedule`, those that compare
two fetches in :mod:`fabrique.gtfs.realtime_history`.
"""

from __future__ import annotations

import re
from typing import Any

from google.transit import gtfs_realtime_pb2 as pb

from fabrique.gtfs.realtime_rules import emit
from fabrique.notices import Notices

STALE_SECONDS = 65
MAX_SPEED = 26.0  # m/s, MobilityData's W004 threshold
START_TIME = re.compile(r"^\d{2}:[0-5]\d:[0-5]\d$")
START_DATE = re.compile(r"^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
STU = pb.TripUpdate.StopTimeUpdate
TRIP = pb.TripDescriptor


def check_message(
    message: pb.FeedMessage, notices: Notices, *, filename: str, now: float
) -> None:
    """Record the message-only rules' notices (``now``: POSIX seconds).

    >>> check_message(pb.FeedMessage(), Notices(), filename="rt.pb", now=0)
    """
    header = message.header
    where = {"filename": filename}
    if header.gtfs_realtime_version not in ("", "1.0") and not header.HasField(
        "incrementality"
    ):
        emit(notices, "missing_incrementality", **where)
    if header.HasField("timestamp") and header.timestamp > 0:
        age = now - header.timestamp
        if age > STALE_SECONDS:
            emit(notices, "stale_feed", **where, ageSeconds=int(age))
    full = header.incrementality == pb.FeedHeader.FULL_DATASET
    vehicle_ids: dict[str, int] = {}
    for index, entity in enumerate(message.entity):
        path = f"entity[{index}]"
        if full and entity.is_deleted:
            emit(notices, "deleted_entity_in_full_dataset", **where, path=path)
        if entity.HasField("trip_update"):
            _trip_update(entity.trip_update, header, notices, where, path)
        if entity.HasField("vehicle"):
            _vehicle(entity.vehicle, header, notices, where, path, vehicle_ids, index)
        if entity.HasField("alert"):
            _alert(entity.alert, notices, where, path)


def _later_than_header(
    value: int, header: Any, notices: Notices, where: dict[str, str], path: str
) -> None:
    if header.timestamp and value > header.timestamp:
        emit(
            notices,
            "timestamp_after_header",
            **where,
            path=path,
            value=value,
            header=header.timestamp,
        )


def _descriptor(trip: Any, notices: Notices, where: dict[str, str], path: str) -> None:
    if trip.start_time and not START_TIME.match(trip.start_time):
        emit(notices, "invalid_start_time", **where, path=path, value=trip.start_time)
    if trip.start_date and not START_DATE.match(trip.start_date):
        emit(notices, "invalid_start_date", **where, path=path, value=trip.start_date)


def _event_time(event: Any) -> int | None:
    return int(event.time) if event.HasField("time") and event.time else None


def _trip_update(
    update: Any, header: Any, notices: Notices, where: dict[str, str], path: str
) -> None:
    trip = update.trip
    _descriptor(trip, notices, where, f"{path}.trip_update.trip")
    if not trip.trip_id:
        emit(notices, "trip_update_without_trip_id", **where, path=path)
    if not trip.HasField("schedule_relationship"):
        emit(notices, "missing_schedule_relationship", **where, path=path)
    if update.HasField("timestamp"):
        _later_than_header(update.timestamp, header, notices, where, path)
    else:
        emit(notices, "missing_entity_timestamp", **where, path=path)
    canceled = trip.schedule_relationship == TRIP.CANCELED
    if not update.stop_time_update and not canceled:
        emit(notices, "trip_update_without_stop_time_updates", **where, path=path)
    previous_time: int | None = None
    previous: Any = None
    for j, stu in enumerate(update.stop_time_update):
        at = f"{path}.trip_update.stop_time_update[{j}]"
        has_times = stu.HasField("arrival") or stu.HasField("departure")
        relation = stu.schedule_relationship
        if relation == STU.NO_DATA and has_times:
            emit(notices, "no_data_with_times", **where, path=at)
        if relation == STU.SCHEDULED and not has_times:
            emit(notices, "stop_time_update_without_times", **where, path=at)
        for name in ("arrival", "departure"):
            if stu.HasField(name):
                event = getattr(stu, name)
                if not event.HasField("delay") and not event.HasField("time"):
                    emit(
                        notices,
                        "stop_time_event_without_delay_or_time",
                        **where,
                        path=f"{at}.{name}",
                    )
        arrival = _event_time(stu.arrival) if stu.HasField("arrival") else None
        departure = _event_time(stu.departure) if stu.HasField("departure") else None
        if arrival is not None and departure is not None and departure < arrival:
            emit(
                notices,
                "departure_before_arrival",
                **where,
                path=at,
                arrival=arrival,
                departure=departure,
            )
        first = arrival if arrival is not None else departure
        if first is not None and previous_time is not None and first < previous_time:
            emit(
                notices,
                "times_not_increasing",
                **where,
                path=at,
                value=first,
                previous=previous_time,
            )
        last = departure if departure is not None else arrival
        if last is not None:
            previous_time = last
        if previous is not None:
            if (
                stu.HasField("stop_sequence")
                and previous.HasField("stop_sequence")
                and stu.stop_sequence == previous.stop_sequence
            ):
                emit(
                    notices,
                    "repeated_stop_sequence",
                    **where,
                    path=at,
                    value=stu.stop_sequence,
                )
            if stu.stop_id and stu.stop_id == previous.stop_id:
                emit(notices, "repeated_stop_id", **where, path=at, value=stu.stop_id)
        previous = stu


def _vehicle(
    vehicle: Any,
    header: Any,
    notices: Notices,
    where: dict[str, str],
    path: str,
    seen: dict[str, int],
    index: int,
) -> None:
    if vehicle.HasField("trip"):
        _descriptor(vehicle.trip, notices, where, f"{path}.vehicle.trip")
    if vehicle.HasField("timestamp"):
        _later_than_header(vehicle.timestamp, header, notices, where, path)
    else:
        emit(notices, "missing_entity_timestamp", **where, path=path)
    ident = vehicle.vehicle.id if vehicle.HasField("vehicle") else ""
    if not ident:
        emit(notices, "missing_vehicle_id", **where, path=path)
    elif ident in seen:
        emit(
            notices,
            "duplicate_vehicle_id",
            **where,
            path=path,
            value=ident,
            firstIndex=seen[ident],
        )
    else:
        seen[ident] = index
    if vehicle.HasField("position"):
        position = vehicle.position
        if position.HasField("bearing") and not 0 <= position.bearing <= 360:
            emit(
                notices,
                "invalid_vehicle_bearing",
                **where,
                path=path,
                value=position.bearing,
            )
        if position.HasField("speed") and not 0 <= position.speed <= MAX_SPEED:
            emit(
                notices,
                "unrealistic_vehicle_speed",
                **where,
                path=path,
                value=round(position.speed, 1),
            )


def _alert(alert: Any, notices: Notices, where: dict[str, str], path: str) -> None:
    for j, informed in enumerate(alert.informed_entity):
        if (
            informed.route_id
            and informed.HasField("trip")
            and informed.trip.route_id
            and informed.trip.route_id != informed.route_id
        ):
            emit(
                notices,
                "alert_route_mismatch",
                **where,
                path=f"{path}.alert.informed_entity[{j}]",
                routeId=informed.route_id,
                tripRouteId=informed.trip.route_id,
            )
