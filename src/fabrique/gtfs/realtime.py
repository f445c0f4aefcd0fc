"""GTFS Realtime: decode a FeedMessage, list its entities and alerts, and check
its trip, route and stop ids against a stored GTFS version.

Decoding uses MobilityData's generated bindings (``gtfs-realtime-bindings``).
Anything that is not a FeedMessage (random bytes, a truncated download, an
HTML error page) becomes a ``protobuf_decode_failed`` notice, never a crash.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from google.protobuf.message import DecodeError
from google.transit import gtfs_realtime_pb2 as pb

from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.realtime_checks import check_message
from fabrique.gtfs.realtime_history import check_history, memory
from fabrique.gtfs.realtime_schedule import check_schedule, delays, load_schedule
from fabrique.notices import Notices, Severity

MAX_BYTES = 64 * 1024**2
FUTURE_SLACK = 300
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# Seconds after 2100-01-01: a larger "timestamp" is milliseconds or garbage.
MAX_POSIX = 4_102_444_800
KNOWN_VERSIONS = ("1.0", "2.0")
ENTITY_LIST_LIMIT = 500


@dataclass
class RealtimeCheck:
    """What decoding and checking a GTFS-RT file found."""

    filename: str
    notices: Notices
    header: dict[str, Any] = field(default_factory=dict)
    entities: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    unknown_ids: dict[str, list[str]] = field(default_factory=dict)
    checked_against: str | None = None
    seconds: float = 0.0
    # Left for the next fetch's comparisons (realtime_history.memory).
    memory: dict[str, Any] = field(default_factory=dict)
    delays: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    age_seconds: int | None = None

    @property
    def decoded(self) -> bool:
        return bool(self.header)

    def summary(self) -> dict[str, Any]:
        kinds = Counter(e["kind"] for e in self.entities)
        return {
            "format": "gtfs-rt",
            "input": self.filename,
            "decoded": self.decoded,
            "header": self.header,
            "entities": len(self.entities),
            "entityKinds": dict(sorted(kinds.items())),
            "tripUpdates": kinds.get("trip_update", 0),
            "vehiclePositions": kinds.get("vehicle", 0),
            "alerts": self.alerts,
            "alertCount": len(self.alerts),
            "checkedAgainstGtfs": self.checked_against,
            "headerAgeSeconds": self.age_seconds,
            "delays": self.delays,
            "unknownIds": self.unknown_ids,
            # Trip updates and vehicles (alerts are listed above), capped.
            "entityList": [e for e in self.entities if e["kind"] != "alert"][
                :ENTITY_LIST_LIMIT
            ],
        }

    def report(self) -> dict[str, Any]:
        return {
            "summary": {
                **self.summary(),
                "validationTimeSeconds": round(self.seconds, 3),
            },
            "notices": [
                {
                    "code": g.code,
                    "severity": g.severity.value,
                    "totalNotices": g.total,
                    "sampleNotices": g.samples,
                }
                for g in self.notices.sorted_groups()
            ],
        }


def _moment(seconds: int) -> str | None:
    if 0 < seconds < MAX_POSIX:
        return datetime.fromtimestamp(seconds, UTC).isoformat()
    return None


def _translations(text: Any) -> list[dict[str, str]]:
    return [
        {"language": t.language, "text": t.text}
        for t in text.translation
        if t.text or t.language
    ]


def _enum_name(enum: Any, value: int) -> str:
    try:
        return str(enum.Name(value))
    except ValueError:
        return str(value)


def decode(
    data: bytes, notices: Notices, *, filename: str = ""
) -> pb.FeedMessage | None:
    """Parse bytes as a FeedMessage; None (with a notice) when they are not one."""
    message = pb.FeedMessage()
    try:
        message.ParseFromString(data)
    except (DecodeError, ValueError, RuntimeError) as exc:
        notices.add(
            "protobuf_decode_failed",
            ERROR,
            filename=filename,
            bytes=len(data),
            message=f"not a GTFS Realtime FeedMessage ({exc})",
        )
        return None
    missing = message.FindInitializationErrors()
    if missing or not data:
        notices.add(
            "protobuf_decode_failed",
            ERROR,
            filename=filename,
            bytes=len(data),
            message="not a GTFS Realtime FeedMessage: required fields missing "
            f"({', '.join(missing) or 'header'})",
        )
        return None
    return message


def check(
    path: Path,
    *,
    gtfs_store: Path | None = None,
    now: datetime | None = None,
    max_bytes: int = MAX_BYTES,
    previous: dict[str, Any] | None = None,
) -> RealtimeCheck:
    """Decode ``path`` and check it; ids against ``gtfs_store`` when given.

    >>> result = check(Path("alerts.pb"))  # doctest: +SKIP
    >>> result.alerts[0]["effect"]  # doctest: +SKIP
    'DETOUR'
    """
    notices = Notices()
    try:
        size = path.stat().st_size
    except OSError as exc:
        notices.add("file_unreadable", ERROR, filename=path.name, message=str(exc))
        return RealtimeCheck(path.name, notices)
    if size > max_bytes:
        notices.add(
            "file_too_large",
            ERROR,
            filename=path.name,
            bytes=size,
            limit=max_bytes,
        )
        return RealtimeCheck(path.name, notices)
    return check_bytes(
        path.read_bytes(),
        filename=path.name,
        gtfs_store=gtfs_store,
        now=now,
        max_bytes=max_bytes,
        previous=previous,
    )


def check_bytes(
    data: bytes,
    *,
    filename: str = "feed.pb",
    gtfs_store: Path | None = None,
    now: datetime | None = None,
    max_bytes: int = MAX_BYTES,
    previous: dict[str, Any] | None = None,
) -> RealtimeCheck:
    """Check a fetched body; ``previous`` is the last fetch's ``memory``.

    >>> check_bytes(b"junk").notices.codes()
    {'protobuf_decode_failed'}
    """
    started = time.monotonic()
    notices = Notices()
    result = RealtimeCheck(filename, notices)
    now = now or datetime.now(UTC)
    if len(data) > max_bytes:
        notices.add(
            "file_too_large", ERROR, filename=filename, bytes=len(data), limit=max_bytes
        )
        return result
    message = decode(data, notices, filename=filename)
    if message is not None:
        _Reader(result, now).read(message)
        check_message(message, notices, filename=filename, now=now.timestamp())
        frequency_trips: set[str] = set()
        if gtfs_store is not None:
            frequency_trips = _check_ids(result, message, gtfs_store, now)
        else:
            notices.add(
                "ids_not_checked",
                INFO,
                filename=filename,
                message="no GTFS version given: trip, route and stop ids not checked",
            )
        result.memory = memory(message, data)
        check_history(
            result.memory,
            previous,
            notices,
            filename=filename,
            frequency_trips=frequency_trips,
        )
        if message.header.timestamp and _moment(message.header.timestamp):
            result.age_seconds = int(now.timestamp() - message.header.timestamp)
    result.seconds = time.monotonic() - started
    return result


class _Reader:
    def __init__(self, result: RealtimeCheck, now: datetime) -> None:
        self.result = result
        self.notices = result.notices
        self.now = now
        self.filename = result.filename

    def timestamp(self, value: int, where: str) -> str | None:
        if value == 0:
            return None
        moment = _moment(value)
        if moment is None:
            self.notices.add(
                "invalid_timestamp",
                ERROR,
                filename=self.filename,
                path=where,
                value=value,
                message="not POSIX seconds (milliseconds?)",
            )
        return moment

    def read(self, message: pb.FeedMessage) -> None:
        header = message.header
        version = header.gtfs_realtime_version
        self.result.header = {
            "gtfsRealtimeVersion": version,
            "incrementality": _enum_name(
                pb.FeedHeader.Incrementality, header.incrementality
            ),
            "timestamp": self.timestamp(header.timestamp, "header.timestamp"),
        }
        if version not in KNOWN_VERSIONS:
            self.notices.add(
                "unknown_gtfs_realtime_version",
                WARNING,
                filename=self.filename,
                value=version,
                known=", ".join(KNOWN_VERSIONS),
            )
        if not header.HasField("timestamp"):
            self.notices.add(
                "missing_header_timestamp",
                WARNING if version == "1.0" else ERROR,
                filename=self.filename,
            )
        elif _moment(header.timestamp) is not None:
            ahead = header.timestamp - self.now.timestamp()
            if ahead > FUTURE_SLACK:
                self.notices.add(
                    "timestamp_in_future",
                    ERROR,
                    filename=self.filename,
                    path="header.timestamp",
                    value=self.result.header["timestamp"],
                )
        seen: dict[str, int] = {}
        for index, entity in enumerate(message.entity):
            self.entity(index, entity, seen)

    def entity(self, index: int, entity: Any, seen: dict[str, int]) -> None:
        where = f"entity[{index}]"
        if entity.id in seen:
            self.notices.add(
                "duplicate_entity_id",
                ERROR,
                filename=self.filename,
                path=where,
                value=entity.id,
                firstIndex=seen[entity.id],
            )
        else:
            seen[entity.id] = index
        kinds = [
            k
            for k in (
                "trip_update",
                "vehicle",
                "alert",
                "shape",
                "stop",
                "trip_modifications",
            )
            if _has(entity, k)
        ]
        if not kinds and not entity.is_deleted:
            self.notices.add(
                "entity_without_content",
                ERROR,
                filename=self.filename,
                path=where,
                value=entity.id,
            )
        kind = kinds[0] if kinds else ("deleted" if entity.is_deleted else "empty")
        item: dict[str, Any] = {"id": entity.id, "kind": kind}
        if entity.HasField("trip_update"):
            update = entity.trip_update
            item["trip"] = _trip(update.trip)
            item["stopTimeUpdates"] = len(update.stop_time_update)
            item["timestamp"] = self.timestamp(update.timestamp, f"{where}.trip_update")
            self.stop_sequence(update, where)
        if entity.HasField("vehicle"):
            vehicle = entity.vehicle
            if vehicle.HasField("trip"):
                item["trip"] = _trip(vehicle.trip)
            if vehicle.HasField("position"):
                lat, lon = vehicle.position.latitude, vehicle.position.longitude
                item["position"] = [lon, lat]
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    self.notices.add(
                        "number_out_of_range",
                        ERROR,
                        filename=self.filename,
                        path=f"{where}.vehicle.position",
                        value=f"{lat}, {lon}",
                    )
            if vehicle.stop_id:
                item["stopId"] = vehicle.stop_id
            item["timestamp"] = self.timestamp(vehicle.timestamp, f"{where}.vehicle")
        if entity.HasField("alert"):
            self.alert(entity, where)
        self.result.entities.append(item)

    def stop_sequence(self, update: Any, where: str) -> None:
        previous = -1
        for j, stu in enumerate(update.stop_time_update):
            if stu.HasField("stop_sequence"):
                if stu.stop_sequence <= previous:
                    self.notices.add(
                        "stop_sequence_not_increasing",
                        ERROR,
                        filename=self.filename,
                        path=f"{where}.trip_update.stop_time_update[{j}]",
                        value=stu.stop_sequence,
                        previous=previous,
                    )
                previous = stu.stop_sequence
            if not stu.stop_id and not stu.HasField("stop_sequence"):
                self.notices.add(
                    "stop_time_update_without_stop",
                    ERROR,
                    filename=self.filename,
                    path=f"{where}.trip_update.stop_time_update[{j}]",
                )

    def alert(self, entity: Any, where: str) -> None:
        alert = entity.alert
        periods = []
        for j, period in enumerate(alert.active_period):
            start = self.timestamp(period.start, f"{where}.alert.active_period[{j}]")
            end = self.timestamp(period.end, f"{where}.alert.active_period[{j}]")
            if period.start and period.end and period.end < period.start:
                self.notices.add(
                    "active_period_end_before_start",
                    ERROR,
                    filename=self.filename,
                    path=f"{where}.alert.active_period[{j}]",
                    start=start,
                    end=end,
                )
            periods.append({"start": start, "end": end})
        informed = [
            {
                key: value
                for key, value in (
                    ("agencyId", e.agency_id),
                    ("routeId", e.route_id),
                    (
                        "routeType",
                        e.route_type if e.HasField("route_type") else None,
                    ),
                    ("tripId", e.trip.trip_id if e.HasField("trip") else None),
                    ("stopId", e.stop_id),
                    (
                        "directionId",
                        e.direction_id if e.HasField("direction_id") else None,
                    ),
                )
                if value not in (None, "")
            }
            for e in alert.informed_entity
        ]
        if not informed:
            self.notices.add(
                "alert_without_informed_entity",
                ERROR,
                filename=self.filename,
                path=f"{where}.alert",
                value=entity.id,
            )
        for j, e in enumerate(informed):
            if not e:
                self.notices.add(
                    "informed_entity_without_selector",
                    ERROR,
                    filename=self.filename,
                    path=f"{where}.alert.informed_entity[{j}]",
                )
        header = _translations(alert.header_text)
        if not header:
            self.notices.add(
                "alert_without_header_text",
                WARNING,
                filename=self.filename,
                path=f"{where}.alert",
                value=entity.id,
            )
        self.result.alerts.append(
            {
                "id": entity.id,
                "activePeriods": periods,
                "cause": _enum_name(pb.Alert.Cause, alert.cause),
                "effect": _enum_name(pb.Alert.Effect, alert.effect),
                "severityLevel": _enum_name(
                    pb.Alert.SeverityLevel, alert.severity_level
                )
                if alert.HasField("severity_level")
                else None,
                "headerText": header,
                "descriptionText": _translations(alert.description_text),
                "url": _translations(alert.url),
                "informedEntities": informed,
            }
        )


def _has(entity: Any, name: str) -> bool:
    try:
        return bool(entity.HasField(name))
    except ValueError:  # a field this version of the bindings lacks
        return False


def _trip(trip: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, name in (
        ("tripId", "trip_id"),
        ("routeId", "route_id"),
        ("startDate", "start_date"),
        ("startTime", "start_time"),
    ):
        value = getattr(trip, name)
        if value:
            out[key] = value
    if trip.HasField("direction_id"):
        out["directionId"] = trip.direction_id
    out["scheduleRelationship"] = _enum_name(
        pb.TripDescriptor.ScheduleRelationship, trip.schedule_relationship
    )
    return out


def referenced_ids(message: pb.FeedMessage) -> dict[str, dict[str, str]]:
    """Ids the feed uses: kind -> id -> where it is first used.

    Trips the feed adds (``ADDED``, ``NEW``, ``DUPLICATED``…) are not expected
    in the schedule and are left out.
    """
    found: dict[str, dict[str, str]] = {"trip_id": {}, "route_id": {}, "stop_id": {}}
    scheduled = pb.TripDescriptor.SCHEDULED

    def trip(descriptor: Any, where: str) -> None:
        if descriptor.schedule_relationship != scheduled:
            return
        if descriptor.trip_id:
            found["trip_id"].setdefault(descriptor.trip_id, where)
        if descriptor.route_id:
            found["route_id"].setdefault(descriptor.route_id, where)

    for index, entity in enumerate(message.entity):
        where = f"entity[{index}]"
        if entity.HasField("trip_update"):
            trip(entity.trip_update.trip, f"{where}.trip_update.trip")
            for j, stu in enumerate(entity.trip_update.stop_time_update):
                if stu.stop_id:
                    found["stop_id"].setdefault(
                        stu.stop_id, f"{where}.trip_update.stop_time_update[{j}]"
                    )
        if entity.HasField("vehicle"):
            if entity.vehicle.HasField("trip"):
                trip(entity.vehicle.trip, f"{where}.vehicle.trip")
            if entity.vehicle.stop_id:
                found["stop_id"].setdefault(entity.vehicle.stop_id, f"{where}.vehicle")
        if entity.HasField("alert"):
            for j, e in enumerate(entity.alert.informed_entity):
                at = f"{where}.alert.informed_entity[{j}]"
                if e.route_id:
                    found["route_id"].setdefault(e.route_id, at)
                if e.stop_id:
                    found["stop_id"].setdefault(e.stop_id, at)
                if e.HasField("trip"):
                    trip(e.trip, f"{at}.trip")
    return found


CODES = {
    "trip_id": "unknown_trip_id",
    "route_id": "unknown_route_id",
    "stop_id": "unknown_stop_id",
}
TABLES = {"trip_id": "trips", "route_id": "routes", "stop_id": "stops"}


def _check_ids(
    result: RealtimeCheck, message: pb.FeedMessage, store: Path, now: datetime
) -> set[str]:
    """Check ids and schedule rules; the trip ids with ``exact_times`` = 0."""
    from fabrique.gtfs.store import open_store

    found = referenced_ids(message)
    try:
        con = open_store(store, memory_limit="256MB")
    except (GTFSError, OSError, ValueError) as exc:
        result.notices.add(
            "gtfs_store_unreadable",
            ERROR,
            filename=result.filename,
            message=f"the GTFS version could not be read ({exc})",
        )
        return set()
    result.checked_against = store.name
    try:
        for kind, ids in found.items():
            unknown = sorted(set(ids) - _existing(con, TABLES[kind], kind, ids))
            if unknown:
                result.unknown_ids[kind] = unknown[:1000]
            for ident in unknown:
                result.notices.add(
                    CODES[kind],
                    ERROR,
                    filename=result.filename,
                    path=ids[ident],
                    value=ident,
                )
        schedule = load_schedule(con, message)
    finally:
        con.close()
    check_schedule(message, schedule, result.notices, filename=result.filename)
    result.delays = delays(message, schedule, now=int(now.timestamp()))
    return {
        trip_id
        for trip_id, periods in schedule.frequencies.items()
        if periods and periods[0][3] == 0
    }


def _existing(con: Any, table: str, column: str, ids: Iterable[str]) -> set[str]:
    wanted = list(ids)
    if not wanted:
        return set()
    rows = con.execute(
        f'SELECT DISTINCT "{column}" FROM "{table}" '
        f'WHERE "{column}" IN (SELECT unnest(?::VARCHAR[]))',
        [wanted],
    ).fetchall()
    return {str(row[0]) for row in rows}


def _print(result: RealtimeCheck) -> None:
    header = result.header
    click.echo(
        f"GTFS-RT {header.get('gtfsRealtimeVersion', '?')}  "
        f"{header.get('incrementality', '')}  {header.get('timestamp') or ''}"
    )
    kinds = Counter(e["kind"] for e in result.entities)
    click.echo(
        f"  {len(result.entities)} entities: "
        + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    )
    for alert in result.alerts:
        title = alert["headerText"][0]["text"] if alert["headerText"] else alert["id"]
        periods = "; ".join(
            f"{p['start'] or '…'} → {p['end'] or '…'}" for p in alert["activePeriods"]
        )
        click.echo(f"  alert {alert['cause']}/{alert['effect']}: {title}")
        if periods:
            click.echo(f"        {periods}")
        targets = ", ".join(
            " ".join(f"{k}={v}" for k, v in e.items())
            for e in alert["informedEntities"]
        )
        click.echo(f"        {targets}")
    for kind, ids in result.unknown_ids.items():
        click.echo(f"  unknown {kind}: {', '.join(ids[:20])}")
    for group in result.notices.sorted_groups():
        click.echo(f"  {group.severity.value:<7} {group.code} ×{group.total}")


@click.command("rt")
@click.argument("feed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--gtfs",
    "store",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A stored GTFS version (see `fabrique gtfs ingest`) to check ids against.",
)
@click.option(
    "--json", "json_path", type=click.Path(path_type=Path), help="Write report.json."
)
def rt(feed: Path, store: Path | None, json_path: Path | None) -> None:
    """Decode a GTFS Realtime FEED file, list its entities and alerts.

    Exit status 1 when it has errors (unknown ids included).
    """
    result = check(feed, gtfs_store=store)
    if json_path:
        json_path.write_text(
            json.dumps(result.report(), indent=2, ensure_ascii=False) + "\n"
        )
    _print(result)
    if result.notices.has_errors:
        raise SystemExit(1)
