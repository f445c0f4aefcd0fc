"""GTFS Realtime rules that compare a fetch with the previous one.

What a fetch leaves for the next one is a small JSON-ready dict (``memory``):
the header timestamp, a digest of the body, where each vehicle was and the
start times of frequency-based trip instances.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from google.transit import gtfs_realtime_pb2 as pb

from fabrique.gtfs.realtime_rules import emit
from fabrique.notices import Notices

REFRESH_SECONDS = 35
JUMP_SPEED = 70.0  # m/s: faster than any train between two fetches
EARTH_METRES = 6_371_000
MEMORY_VEHICLES = 5000


def _metres(a: list[float], b: list[float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_METRES * math.asin(min(1.0, math.sqrt(h)))


def memory(message: pb.FeedMessage, body: bytes) -> dict[str, Any]:
    """What the next fetch compares itself with.

    >>> memory(pb.FeedMessage(), b"")["headerTimestamp"]
    0
    """
    header = message.header
    vehicles: dict[str, list[float]] = {}
    starts: dict[str, str] = {}
    # The header timestamp is left out of the digest: E017 asks whether the
    # content changed while the header did not.
    content = pb.FeedMessage()
    content.CopyFrom(message)
    content.header.ClearField("timestamp")
    for entity in message.entity:
        if entity.HasField("vehicle") and entity.vehicle.HasField("position"):
            vehicle = entity.vehicle
            ident = vehicle.vehicle.id or entity.id
            if len(vehicles) < MEMORY_VEHICLES:
                vehicles[ident] = [
                    vehicle.position.longitude,
                    vehicle.position.latitude,
                    float(vehicle.timestamp or header.timestamp),
                ]
        if entity.HasField("trip_update"):
            update = entity.trip_update
            trip = update.trip
            if trip.trip_id and trip.start_time and trip.start_date:
                vehicle_id = update.vehicle.id if update.HasField("vehicle") else ""
                key = f"{trip.trip_id}|{trip.start_date}|{vehicle_id}"
                starts[key] = trip.start_time
    return {
        "headerTimestamp": int(header.timestamp),
        "digest": hashlib.sha256(
            content.SerializeToString(deterministic=True)
        ).hexdigest(),
        "vehicles": vehicles,
        "starts": starts,
    }


def check_history(
    current: dict[str, Any],
    previous: dict[str, Any] | None,
    notices: Notices,
    *,
    filename: str,
    frequency_trips: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Record the rules comparing two fetches' memories.

    ``frequency_trips``: trip ids with ``exact_times`` = 0, whose start
    time must stay the same once given.
    """
    if not previous:
        return
    where = {"filename": filename}
    now, before = current["headerTimestamp"], previous.get("headerTimestamp") or 0
    if now and before:
        if now < before:
            emit(notices, "header_timestamp_decreased", **where, value=now,
                 previous=before)  # fmt: skip
        elif now == before and current["digest"] != previous.get("digest"):
            emit(notices, "same_timestamp_changed_content", **where, value=now)
        elif now - before > REFRESH_SECONDS:
            emit(notices, "slow_refresh", **where, seconds=now - before)
    old_vehicles = previous.get("vehicles") or {}
    for ident, (lon, lat, stamp) in current["vehicles"].items():
        old = old_vehicles.get(ident)
        if not old or stamp <= old[2]:
            continue
        speed = _metres(old, [lon, lat]) / (stamp - old[2])
        if speed > JUMP_SPEED:
            emit(notices, "vehicle_jump", **where, vehicleId=ident,
                 metresPerSecond=round(speed))  # fmt: skip
    old_starts = previous.get("starts") or {}
    for key, start in current["starts"].items():
        trip_id = key.split("|", 1)[0]
        before_start = old_starts.get(key)
        if trip_id in frequency_trips and before_start and before_start != start:
            emit(notices, "frequency_start_time_changed", **where, tripId=trip_id,
                 value=start, previous=before_start)  # fmt: skip
