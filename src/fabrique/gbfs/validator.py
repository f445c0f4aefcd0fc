"""Check a GBFS feed: files, fields, types, enums, references and timestamps."""

from __future__ import annotations

import re
import time
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeGuard

from fabrique.gbfs import schema
from fabrique.gbfs.loader import FeedSource, Limits, LoadedFile, load
from fabrique.gbfs.schema import F, FileSpec, T
from fabrique.notices import Notices, Severity

URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
TIME_RE = re.compile(r"^\d{2}:[0-5]\d:[0-5]\d$")
FUTURE_SLACK = 300  # seconds a clock may be ahead before a timestamp is "future"
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@dataclass
class Validation:
    """What a check found: notices, summary, stations and vehicles."""

    origin: str
    version: str | None
    notices: Notices
    summary: dict[str, Any] = field(default_factory=dict)
    stations: list[dict[str, Any]] = field(default_factory=list)
    vehicles: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def has_errors(self) -> bool:
        return self.notices.severity_count(ERROR) > 0

    def report(self) -> dict[str, Any]:
        """A report.json: ``summary`` and ``notices``."""
        return {
            "summary": {
                **self.summary,
                "validationTimeSeconds": round(self.seconds, 3),
            },
            "notices": self.notices.as_report(),
        }

    def geojson(self) -> dict[str, Any]:
        """Stations and free-floating vehicles as a GeoJSON FeatureCollection."""
        features = []
        for kind, items in (("station", self.stations), ("vehicle", self.vehicles)):
            for item in items:
                if item.get("lat") is None or item.get("lon") is None:
                    continue
                props = {k: v for k, v in item.items() if k not in ("lat", "lon")}
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "Point",
                            "coordinates": [item["lon"], item["lat"]],
                        },
                        "properties": {"kind": kind, **props},
                    }
                )
        return {"type": "FeatureCollection", "features": features}


def validate(
    target: str | Path,
    *,
    now: datetime | None = None,
    limits: Limits | None = None,
    fetch_listed: bool = True,
) -> Validation:
    """Load and check a feed; never raises on bad input.

    >>> validate(Path("velib")).summary["stations"]  # doctest: +SKIP
    1439
    """
    started = time.monotonic()
    notices = Notices()
    source = load(target, notices, limits=limits, fetch_listed=fetch_listed)
    checker = _Checker(source, notices, now or datetime.now(UTC))
    checker.run()
    result = Validation(
        origin=source.origin,
        version=checker.version,
        notices=notices,
        summary=checker.summary(),
        stations=checker.stations,
        vehicles=checker.vehicles,
    )
    result.seconds = time.monotonic() - started
    return result


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rfc3339(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


class _Checker:
    def __init__(self, source: FeedSource, notices: Notices, now: datetime) -> None:
        self.source = source
        self.notices = notices
        self.now = now
        self.version: str | None = None
        self.v3 = False
        self.stations: list[dict[str, Any]] = []
        self.vehicles: list[dict[str, Any]] = []
        self.ids: dict[str, set[str]] = {}

    # -- notices -----------------------------------------------------------
    def add(self, code: str, severity: Severity, **context: Any) -> None:
        self.notices.add(code, severity, **context)

    # -- the run -----------------------------------------------------------
    def run(self) -> None:
        self.version = self._detect_version()
        if self.version is None:
            return
        self.v3 = self.version.startswith("3")
        self._check_required_files()
        for loaded in self.source.files.values():
            self._check_file(loaded)
        self._check_discovery()
        self._check_references()
        self._collect()

    def _detect_version(self) -> str | None:
        if not self.source.files:
            if not self.notices.groups:
                self.add(
                    "missing_required_file",
                    ERROR,
                    filename="gbfs.json",
                    reason="no GBFS file found",
                )
            return None
        declared: Counter[str] = Counter()
        for loaded in self.source.files.values():
            data = loaded.data
            if isinstance(data, dict) and isinstance(data.get("version"), str):
                declared[data["version"]] += 1
        gbfs = self.source.files.get("gbfs")
        text: str | None = None
        if gbfs and isinstance(gbfs.data, dict):
            value = gbfs.data.get("version")
            text = value if isinstance(value, str) else None
        if text is None and declared:
            text = declared.most_common(1)[0][0]
        if text is None:
            return "1.0"  # the version field was added in 1.1
        version = schema.known(text)
        if version is None:
            self.add(
                "invalid_version",
                ERROR,
                filename="gbfs.json" if gbfs else "",
                value=text,
                known=", ".join(schema.VERSIONS),
            )
            parsed = schema.parse_version(text)
            version = "3.0" if parsed and parsed >= (3, 0) else "2.3"
        for name, loaded in self.source.files.items():
            data = loaded.data
            if not isinstance(data, dict) or "version" not in data:
                continue
            if data["version"] != text:
                self.add(
                    "version_mismatch",
                    ERROR,
                    filename=f"{name}.json",
                    value=data["version"],
                    expected=text,
                )
        return version

    def _check_required_files(self) -> None:
        assert self.version is not None
        have = set(self.source.files)
        v = schema.parse_version(self.version) or (1, 0)

        def missing(name: str, reason: str) -> None:
            self.add(
                "missing_required_file",
                ERROR,
                filename=f"{name}.json",
                reason=reason,
            )

        if "gbfs" not in have and v >= (2, 0):
            missing("gbfs", "the auto-discovery file is required from 2.0 on")
        elif "gbfs" not in have:
            self.add("missing_recommended_file", WARNING, filename="gbfs.json")
        if "system_information" not in have:
            missing("system_information", "required in every version")
        if "station_information" in have and "station_status" not in have:
            missing("station_status", "required with station_information.json")
        if "station_status" in have and "station_information" not in have:
            missing("station_information", "required with station_status.json")
        vehicles = schema.vehicles_file(self.version)
        if not have & {"station_status", "station_information", vehicles}:
            missing(
                f"station_status.json or {vehicles}",
                "a feed describes stations, vehicles or both",
            )

    # -- one file ----------------------------------------------------------
    def _check_file(self, loaded: LoadedFile) -> None:
        assert self.version is not None
        filename = f"{loaded.name}.json"
        spec = schema.BY_NAME.get(loaded.name)
        if spec is None:
            self.add("unknown_file", INFO, filename=filename)
            return
        if not spec.applies(self.version):
            self.add(
                "file_not_in_version",
                WARNING,
                filename=filename,
                version=self.version,
                since=spec.since,
                until=spec.until or "",
            )
        data = loaded.data
        if data is None:
            return  # unreadable, already reported
        if not isinstance(data, dict):
            self.add(
                "invalid_field_type",
                ERROR,
                filename=filename,
                path="$",
                expected="object",
                actual=_kind(data),
            )
            return
        self._check_header(filename, data)
        payload = data.get("data")
        if not isinstance(payload, dict):
            return
        if spec.name == "gbfs":
            return  # checked by _check_discovery
        if spec.records:
            records = payload.get(spec.records)
            path = f"data.{spec.records}"
            if records is None:
                self.add("missing_required_field", ERROR, filename=filename, path=path)
                return
            if not isinstance(records, list):
                self.add(
                    "invalid_field_type",
                    ERROR,
                    filename=filename,
                    path=path,
                    expected="array",
                    actual=_kind(records),
                )
                return
            self._check_records(spec, filename, records)
        else:
            self._check_fields(spec, filename, "data", payload)

    def _check_header(self, filename: str, data: dict[str, Any]) -> None:
        assert self.version is not None
        required = ["last_updated", "ttl", "data"]
        if self.version != "1.0":
            required.append("version")
        for name in required:
            if name not in data:
                self.add("missing_required_field", ERROR, filename=filename, path=name)
        if "ttl" in data:
            ttl = data["ttl"]
            if not isinstance(ttl, int) or isinstance(ttl, bool) or ttl < 0:
                self.add(
                    "invalid_field_type",
                    ERROR,
                    filename=filename,
                    path="ttl",
                    expected=str(T.NON_NEGATIVE_INTEGER),
                    value=_short(ttl),
                )
        if "data" in data and not isinstance(data["data"], dict):
            self.add(
                "invalid_field_type",
                ERROR,
                filename=filename,
                path="data",
                expected="object",
                actual=_kind(data["data"]),
            )
        if "last_updated" in data:
            moment = self._timestamp(filename, "last_updated", data["last_updated"])
            ttl = data.get("ttl") if isinstance(data.get("ttl"), int) else 0
            if moment is not None:
                age = (self.now - moment).total_seconds()
                if age < -FUTURE_SLACK:
                    self.add(
                        "timestamp_in_future",
                        ERROR,
                        filename=filename,
                        path="last_updated",
                        value=moment.isoformat(),
                        checkedAt=self.now.replace(microsecond=0).isoformat(),
                    )
                elif isinstance(ttl, int) and age > ttl + FUTURE_SLACK:
                    self.add(
                        "stale_feed",
                        INFO,
                        filename=filename,
                        lastUpdated=moment.isoformat(),
                        ttl=ttl,
                        ageSeconds=int(age),
                    )

    def _timestamp(self, filename: str, path: str, value: Any) -> datetime | None:
        """The moment of a timestamp field, or a notice when it is not one."""
        if self.v3:
            if _rfc3339(value):
                return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        elif (
            isinstance(value, int)
            and not isinstance(value, bool)
            and 0 <= value < 10**11
        ):
            return datetime.fromtimestamp(value, UTC)
        self.add(
            "invalid_field_type",
            ERROR,
            filename=filename,
            path=path,
            expected="RFC 3339 timestamp" if self.v3 else "POSIX timestamp",
            value=_short(value),
        )
        return None

    def _check_records(self, spec: FileSpec, filename: str, records: list[Any]) -> None:
        assert self.version is not None
        seen: dict[str, int] = {}
        key = spec.key
        for index, record in enumerate(records):
            path = f"data.{spec.records}[{index}]"
            if not isinstance(record, dict):
                self.add(
                    "invalid_field_type",
                    ERROR,
                    filename=filename,
                    path=path,
                    expected="object",
                    actual=_kind(record),
                )
                continue
            self._check_fields(spec, filename, path, record)
            if key and isinstance(record.get(key), str | int):
                ident = str(record[key])
                if ident in seen:
                    self.add(
                        "duplicate_key",
                        ERROR,
                        filename=filename,
                        path=f"{path}.{key}",
                        value=ident,
                        firstIndex=seen[ident],
                    )
                else:
                    seen[ident] = index
        if key:
            self.ids[spec.name] = set(seen)

    def _check_fields(
        self, spec: FileSpec, filename: str, path: str, record: dict[str, Any]
    ) -> None:
        assert self.version is not None
        for f in schema.fields_for(spec, self.version):
            if f.name not in record:
                if f.required:
                    self.add(
                        "missing_required_field",
                        ERROR,
                        filename=filename,
                        path=f"{path}.{f.name}",
                    )
                continue
            self._check_value(filename, f"{path}.{f.name}", f, record[f.name], spec)

    def _check_value(
        self, filename: str, path: str, f: F, value: Any, spec: FileSpec
    ) -> None:
        expected = self._type_problem(f.type, value)
        if expected is not None:
            self.add(
                "invalid_field_type",
                ERROR,
                filename=filename,
                path=path,
                expected=expected,
                value=_short(value),
            )
            return
        if (f.type is T.LATITUDE and not -90 <= value <= 90) or (
            f.type is T.LONGITUDE and not -180 <= value <= 180
        ):
            self.add(
                "number_out_of_range", ERROR, filename=filename, path=path, value=value
            )
        elif f.type is T.ENUM and f.enum and value not in f.enum:
            self.add(
                "invalid_enum_value",
                ERROR,
                filename=filename,
                path=path,
                value=_short(value),
                allowed=", ".join(f.enum),
            )
        elif f.type is T.TIMEZONE and value not in _timezones():
            self.add(
                "invalid_timezone", ERROR, filename=filename, path=path, value=value
            )
        elif f.type is T.ARRAY and f.item is not None:
            self._check_items(filename, path, f, value, spec)

    def _check_items(
        self, filename: str, path: str, f: F, values: list[Any], spec: FileSpec
    ) -> None:
        allowed: tuple[str, ...] = ()
        if f.name == "rental_methods":
            allowed = schema.RENTAL_METHODS
        elif f.name == "days":
            allowed = schema.DAYS
        elif f.name == "user_types":
            allowed = ("member", "nonmember")
        for index, item in enumerate(values):
            item_path = f"{path}[{index}]"
            if f.item is T.ENUM:
                if not isinstance(item, str):
                    self.add(
                        "invalid_field_type",
                        ERROR,
                        filename=filename,
                        path=item_path,
                        expected="string",
                        value=_short(item),
                    )
                elif allowed and item.upper() not in {a.upper() for a in allowed}:
                    self.add(
                        "invalid_enum_value",
                        ERROR,
                        filename=filename,
                        path=item_path,
                        value=_short(item),
                        allowed=", ".join(allowed),
                    )
                continue
            expected = self._type_problem(f.item or T.ANY, item)
            if expected is not None:
                self.add(
                    "invalid_field_type",
                    ERROR,
                    filename=filename,
                    path=item_path,
                    expected=expected,
                    value=_short(item),
                )

    def _type_problem(self, kind: T, value: Any) -> str | None:
        """What was expected, when ``value`` is not of type ``kind``."""
        ok: bool
        if kind is T.ID:
            ok = isinstance(value, str) and value != ""
            return None if ok else "ID (a non-empty string)"
        if kind in (T.STRING, T.TIMEZONE, T.ENUM):
            return None if isinstance(value, str) else "string"
        if kind is T.TEXT:
            if self.v3:
                ok = isinstance(value, list) and all(
                    isinstance(v, dict)
                    and isinstance(v.get("text"), str)
                    and isinstance(v.get("language"), str)
                    for v in value
                )
                return None if ok else "localized string (array of text, language)"
            return None if isinstance(value, str) else "string"
        if kind is T.NON_NEGATIVE_INTEGER:
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            return None if ok else str(kind)
        if kind is T.INTEGER:
            ok = isinstance(value, int) and not isinstance(value, bool)
            return None if ok else str(kind)
        if kind is T.NON_NEGATIVE_FLOAT:
            return None if _number(value) and value >= 0 else str(kind)
        if kind in (T.FLOAT, T.LATITUDE, T.LONGITUDE):
            return None if _number(value) else "number"
        if kind is T.BOOLEAN:
            if (schema.parse_version(self.version or "1.0") or (1, 0)) < (2, 0):
                ok = value in (0, 1) and type(value) is int
                return None if ok else "0 or 1 (booleans are 1/0 before 2.0)"
            return None if isinstance(value, bool) else "true or false"
        if kind is T.TIMESTAMP:
            if self.v3:
                return None if _rfc3339(value) else "RFC 3339 timestamp"
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            return None if ok else "POSIX timestamp"
        if kind is T.DATETIME:
            return None if _rfc3339(value) else "RFC 3339 timestamp"
        if kind is T.URL:
            ok = isinstance(value, str) and bool(URL_RE.match(value))
            return None if ok else "URL"
        if kind is T.EMAIL:
            ok = isinstance(value, str) and bool(EMAIL_RE.match(value))
            return None if ok else "email address"
        if kind is T.LANGUAGE:
            ok = isinstance(value, str) and bool(LANGUAGE_RE.match(value))
            return None if ok else "IETF BCP 47 language code"
        if kind is T.DATE:
            try:
                date.fromisoformat(value)
            except (TypeError, ValueError):
                return "date (YYYY-MM-DD)"
            return None
        if kind is T.TIME:
            ok = isinstance(value, str) and bool(TIME_RE.match(value))
            return None if ok else "time (HH:MM:SS)"
        if kind is T.ARRAY:
            return None if isinstance(value, list) else "array"
        if kind is T.OBJECT:
            return None if isinstance(value, dict) else "object"
        return None

    # -- gbfs.json ----------------------------------------------------------
    def _check_discovery(self) -> None:
        gbfs = self.source.files.get("gbfs")
        if gbfs is None or not isinstance(gbfs.data, dict):
            return
        payload = gbfs.data.get("data")
        if not isinstance(payload, dict):
            return
        groups = {"": payload} if self.v3 else dict(payload.items())
        known = {f.name for f in schema.files_for(self.version or "")}
        for language, group in groups.items():
            prefix = f"data.{language}." if language else "data."
            if not isinstance(group, dict):
                self.add(
                    "invalid_field_type",
                    ERROR,
                    filename="gbfs.json",
                    path=prefix.rstrip("."),
                    expected="object with feeds",
                    actual=_kind(group),
                )
                continue
            feeds = group.get("feeds")
            if not isinstance(feeds, list):
                self.add(
                    "missing_required_field",
                    ERROR,
                    filename="gbfs.json",
                    path=f"{prefix}feeds",
                )
                continue
            for index, feed in enumerate(feeds):
                path = f"{prefix}feeds[{index}]"
                if not isinstance(feed, dict):
                    self.add(
                        "invalid_field_type",
                        ERROR,
                        filename="gbfs.json",
                        path=path,
                        expected="object",
                        actual=_kind(feed),
                    )
                    continue
                for name in ("name", "url"):
                    if name not in feed:
                        self.add(
                            "missing_required_field",
                            ERROR,
                            filename="gbfs.json",
                            path=f"{path}.{name}",
                        )
                feed_name = feed.get("name")
                if isinstance(feed_name, str) and feed_name not in known:
                    self.add(
                        "unknown_feed_name",
                        WARNING,
                        filename="gbfs.json",
                        path=f"{path}.name",
                        value=feed_name,
                    )
                url = feed.get("url")
                if "url" in feed and not (isinstance(url, str) and URL_RE.match(url)):
                    self.add(
                        "invalid_field_type",
                        ERROR,
                        filename="gbfs.json",
                        path=f"{path}.url",
                        expected="URL",
                        value=_short(url),
                    )
        if not self.source.fetched:
            for name in self.source.listed:
                if name != "gbfs" and name not in self.source.files:
                    self.add(
                        "listed_file_missing",
                        ERROR,
                        filename=f"{name}.json",
                        url=self.source.listed[name],
                    )

    # -- references and conditional rules ----------------------------------
    def _records(self, name: str) -> list[dict[str, Any]]:
        loaded = self.source.files.get(name)
        spec = schema.BY_NAME.get(name)
        if loaded is None or spec is None or not spec.records:
            return []
        data = loaded.data
        payload = data.get("data") if isinstance(data, dict) else None
        records = payload.get(spec.records) if isinstance(payload, dict) else None
        if not isinstance(records, list):
            return []
        return [r for r in records if isinstance(r, dict)]

    def _check_references(self) -> None:
        assert self.version is not None
        v = schema.parse_version(self.version) or (1, 0)
        stations = self.ids.get("station_information")
        types = self.ids.get("vehicle_types")
        regions = self.ids.get("system_regions")
        plans = self.ids.get("system_pricing_plans")
        motorised = {
            str(r.get("vehicle_type_id"))
            for r in self._records("vehicle_types")
            if r.get("propulsion_type") not in (None, "human")
        }

        def foreign(
            filename: str, path: str, value: Any, target: set[str] | None, file: str
        ) -> None:
            if target is None or value is None:
                return
            if str(value) not in target:
                self.add(
                    "foreign_key_violation",
                    ERROR,
                    filename=filename,
                    path=path,
                    value=_short(value),
                    references=f"{file}.json",
                )

        # vehicle types: range of motorised types
        for index, vt in enumerate(self._records("vehicle_types")):
            path = f"data.vehicle_types[{index}]"
            if (
                vt.get("propulsion_type") not in (None, "human")
                and "max_range_meters" not in vt
            ):
                self.add(
                    "missing_required_field",
                    ERROR,
                    filename="vehicle_types.json",
                    path=f"{path}.max_range_meters",
                    reason="required for a motorised vehicle type",
                )
            foreign(
                "vehicle_types.json",
                f"{path}.default_pricing_plan_id",
                vt.get("default_pricing_plan_id"),
                plans,
                "system_pricing_plans",
            )
        # station_information
        for index, st in enumerate(self._records("station_information")):
            path = f"data.stations[{index}]"
            foreign(
                "station_information.json",
                f"{path}.region_id",
                st.get("region_id"),
                regions,
                "system_regions",
            )
            if isinstance(st.get("vehicle_type_capacity"), dict):
                for key in st["vehicle_type_capacity"]:
                    foreign(
                        "station_information.json",
                        f"{path}.vehicle_type_capacity.{key}",
                        key,
                        types,
                        "vehicle_types",
                    )
            self._near_origin("station_information.json", path, st)
        # station_status
        status_ids: set[str] = set()
        uses_types = types is not None
        for index, st in enumerate(self._records("station_status")):
            path = f"data.stations[{index}]"
            status_ids.add(str(st.get("station_id")))
            foreign(
                "station_status.json",
                f"{path}.station_id",
                st.get("station_id"),
                stations,
                "station_information",
            )
            virtual = bool(st.get("is_virtual_station"))
            if "num_docks_available" not in st and (v < (2, 1) or not virtual):
                self.add(
                    "missing_required_field",
                    ERROR,
                    filename="station_status.json",
                    path=f"{path}.num_docks_available",
                )
            if v >= (2, 1) and uses_types and "vehicle_types_available" not in st:
                self.add(
                    "missing_required_field",
                    ERROR,
                    filename="station_status.json",
                    path=f"{path}.vehicle_types_available",
                    reason="required when vehicle_types.json is published",
                )
            available = st.get("vehicle_types_available")
            if isinstance(available, list):
                total: float = 0
                for j, entry in enumerate(available):
                    if not isinstance(entry, dict):
                        continue
                    foreign(
                        "station_status.json",
                        f"{path}.vehicle_types_available[{j}].vehicle_type_id",
                        entry.get("vehicle_type_id"),
                        types,
                        "vehicle_types",
                    )
                    if types is None and "vehicle_type_id" in entry:
                        self._types_missing(
                            "station_status.json",
                            f"{path}.vehicle_types_available[{j}]",
                        )
                    count = entry.get("count")
                    if _number(count):
                        total += count
                bikes = st.get(self._bikes_field)
                if _number(bikes) and total != bikes:
                    self.add(
                        "vehicle_types_available_mismatch",
                        WARNING,
                        filename="station_status.json",
                        path=path,
                        sum=total,
                        value=bikes,
                        field=self._bikes_field,
                    )
        if stations is not None and self.source.files.get("station_status"):
            for ident in sorted(stations - status_ids)[:1000]:
                self.add(
                    "station_without_status",
                    WARNING,
                    filename="station_information.json",
                    value=ident,
                )
        self._check_capacity()
        # vehicles
        vehicles_name = schema.vehicles_file(self.version)
        filename = f"{vehicles_name}.json"
        records_key = "vehicles" if self.v3 else "bikes"
        for index, bike in enumerate(self._records(vehicles_name)):
            path = f"data.{records_key}[{index}]"
            at_station = bike.get("station_id") is not None
            if v >= (2, 1) and not at_station:
                for coord in ("lat", "lon"):
                    if coord not in bike:
                        self.add(
                            "missing_required_field",
                            ERROR,
                            filename=filename,
                            path=f"{path}.{coord}",
                            reason="required for a vehicle not at a station",
                        )
            foreign(
                filename,
                f"{path}.station_id",
                bike.get("station_id"),
                stations,
                "station_information",
            )
            if at_station and stations is None:
                self.add(
                    "foreign_key_violation",
                    ERROR,
                    filename=filename,
                    path=f"{path}.station_id",
                    value=_short(bike.get("station_id")),
                    references="station_information.json",
                )
            foreign(
                filename,
                f"{path}.home_station_id",
                bike.get("home_station_id"),
                stations,
                "station_information",
            )
            type_id = bike.get("vehicle_type_id")
            foreign(
                filename, f"{path}.vehicle_type_id", type_id, types, "vehicle_types"
            )
            if type_id is not None and types is None:
                self._types_missing(filename, f"{path}.vehicle_type_id")
            if v >= (2, 1) and types is not None and type_id is None:
                self.add(
                    "missing_required_field",
                    ERROR,
                    filename=filename,
                    path=f"{path}.vehicle_type_id",
                    reason="required when vehicle_types.json is published",
                )
            if (
                type_id is not None
                and str(type_id) in motorised
                and "current_range_meters" not in bike
            ):
                self.add(
                    "missing_required_field",
                    ERROR,
                    filename=filename,
                    path=f"{path}.current_range_meters",
                    reason="required for a motorised vehicle",
                )
            foreign(
                filename,
                f"{path}.pricing_plan_id",
                bike.get("pricing_plan_id"),
                plans,
                "system_pricing_plans",
            )
            self._near_origin(filename, path, bike)
        # alerts
        for index, alert in enumerate(self._records("system_alerts")):
            path = f"data.alerts[{index}]"
            for j, ident in enumerate(alert.get("station_ids") or []):
                foreign(
                    "system_alerts.json",
                    f"{path}.station_ids[{j}]",
                    ident,
                    stations,
                    "station_information",
                )
            for j, ident in enumerate(alert.get("region_ids") or []):
                foreign(
                    "system_alerts.json",
                    f"{path}.region_ids[{j}]",
                    ident,
                    regions,
                    "system_regions",
                )

    @property
    def _bikes_field(self) -> str:
        return "num_vehicles_available" if self.v3 else "num_bikes_available"

    def _types_missing(self, filename: str, path: str) -> None:
        if self.notices.count("missing_vehicle_types_file"):
            return
        self.add(
            "missing_vehicle_types_file",
            ERROR,
            filename=filename,
            path=path,
            reason="vehicle_type_id is used but vehicle_types.json is absent",
        )

    def _near_origin(self, filename: str, path: str, record: dict[str, Any]) -> None:
        lat, lon = record.get("lat"), record.get("lon")
        if _number(lat) and _number(lon) and abs(lat) < 1 and abs(lon) < 1:
            self.add("point_near_origin", WARNING, filename=filename, path=path)

    def _check_capacity(self) -> None:
        capacity = {
            str(s.get("station_id")): s.get("capacity")
            for s in self._records("station_information")
            if _number(s.get("capacity"))
        }
        for index, st in enumerate(self._records("station_status")):
            cap = capacity.get(str(st.get("station_id")))
            bikes = st.get(self._bikes_field)
            docks = st.get("num_docks_available")
            if cap is None or not _number(bikes) or not _number(docks):
                continue
            if bikes + docks > cap:
                self.add(
                    "station_count_above_capacity",
                    WARNING,
                    filename="station_status.json",
                    path=f"data.stations[{index}]",
                    stationId=_short(st.get("station_id")),
                    vehicles=bikes,
                    docks=docks,
                    capacity=cap,
                )

    # -- summary --------------------------------------------------------------
    def _collect(self) -> None:
        status = {str(s.get("station_id")): s for s in self._records("station_status")}
        infos = self._records("station_information")
        seen: set[str] = set()
        for info in infos:
            ident = str(info.get("station_id"))
            seen.add(ident)
            st = status.get(ident, {})
            self.stations.append(self._station(ident, info, st))
        for ident, st in status.items():
            if ident not in seen:
                self.stations.append(self._station(ident, {}, st))
        assert self.version is not None
        for bike in self._records(schema.vehicles_file(self.version)):
            vehicle_id = bike.get("vehicle_id", bike.get("bike_id"))
            self.vehicles.append(
                {
                    "id": _short(vehicle_id),
                    "lat": bike.get("lat") if _number(bike.get("lat")) else None,
                    "lon": bike.get("lon") if _number(bike.get("lon")) else None,
                    "vehicle_type_id": _short(bike.get("vehicle_type_id")),
                    "station_id": _short(bike.get("station_id")),
                    "is_reserved": _flag(bike.get("is_reserved")),
                    "is_disabled": _flag(bike.get("is_disabled")),
                    "current_range_meters": bike.get("current_range_meters")
                    if _number(bike.get("current_range_meters"))
                    else None,
                }
            )

    def _station(
        self, ident: str, info: dict[str, Any], st: dict[str, Any]
    ) -> dict[str, Any]:
        def num(value: Any) -> float | int | None:
            return value if _number(value) else None

        return {
            "id": ident,
            "name": _text(info.get("name")),
            "lat": num(info.get("lat")),
            "lon": num(info.get("lon")),
            "capacity": num(info.get("capacity")),
            "vehicles_available": num(st.get(self._bikes_field)),
            "docks_available": num(st.get("num_docks_available")),
            "is_installed": _flag(st.get("is_installed")) if st else None,
            "is_renting": _flag(st.get("is_renting")) if st else None,
            "is_returning": _flag(st.get("is_returning")) if st else None,
        }

    def summary(self) -> dict[str, Any]:
        info_file = self.source.files.get("system_information")
        payload = (
            info_file.data.get("data")
            if info_file and isinstance(info_file.data, dict)
            else None
        )
        system: dict[str, Any] = {}
        if isinstance(payload, dict):
            for key in (
                "system_id",
                "name",
                "operator",
                "timezone",
                "language",
                "languages",
                "url",
                "license_url",
                "license_id",
                "feed_contact_email",
            ):
                if key in payload:
                    value = payload[key]
                    system[key] = _text(value) if key in ("name", "operator") else value
        types = []
        counts = Counter(v["vehicle_type_id"] for v in self.vehicles)
        for vt in self._records("vehicle_types"):
            ident = _short(vt.get("vehicle_type_id"))
            types.append(
                {
                    "id": ident,
                    "name": _text(vt.get("name")),
                    "form_factor": vt.get("form_factor"),
                    "propulsion_type": vt.get("propulsion_type"),
                    "max_range_meters": vt.get("max_range_meters"),
                    "vehicles": counts.get(ident, 0),
                }
            )
        free = [v for v in self.vehicles if v["station_id"] is None]
        lats = [
            x["lat"] for x in (*self.stations, *self.vehicles) if x["lat"] is not None
        ]
        lons = [
            x["lon"] for x in (*self.stations, *self.vehicles) if x["lon"] is not None
        ]
        files = {}
        for name, loaded in sorted(self.source.files.items()):
            data = loaded.data if isinstance(loaded.data, dict) else {}
            files[name] = {
                "origin": loaded.origin,
                "bytes": loaded.size,
                "lastUpdated": _moment(data.get("last_updated")),
                "ttl": data.get("ttl"),
            }

        def total(key: str) -> int:
            return int(sum(s[key] or 0 for s in self.stations))

        return {
            "format": "gbfs",
            "input": self.source.origin,
            "version": self.version,
            "languages": self.source.languages,
            "system": system,
            "files": files,
            "listedFeeds": sorted(self.source.listed),
            "stations": len(self.stations),
            "stationsInstalled": sum(1 for s in self.stations if s["is_installed"]),
            "stationsRenting": sum(1 for s in self.stations if s["is_renting"]),
            "capacity": total("capacity"),
            "docksAvailable": total("docks_available"),
            "vehiclesAvailableAtStations": total("vehicles_available"),
            "vehicles": len(self.vehicles),
            "freeFloatingVehicles": len(free),
            "freeFloatingAvailable": sum(
                1 for v in free if not v["is_reserved"] and not v["is_disabled"]
            ),
            "vehiclesReserved": sum(1 for v in self.vehicles if v["is_reserved"]),
            "vehiclesDisabled": sum(1 for v in self.vehicles if v["is_disabled"]),
            "vehicleTypes": types,
            "bbox": [min(lons), min(lats), max(lons), max(lats)] if lats else None,
        }


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    return None


def _text(value: Any) -> str | None:
    """A display text from a string or a 3.0 localized array."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                return str(item["text"])
    return None


def _short(value: Any) -> Any:
    """A value fit for a notice: scalars as they are, the rest cut."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _moment(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**11:
        return datetime.fromtimestamp(value, UTC).isoformat()
    if _rfc3339(value):
        return str(value)
    return None
