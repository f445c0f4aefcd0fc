"""The GBFS files and fields, version by version, as data.

Each field says its type, whether it is required, and the versions it exists
in. Conditional requirements (lat/lon of a vehicle parked at a station, the
range of a motorised vehicle…) are checked in code by the validator.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

VERSIONS = ("1.0", "1.1", "2.0", "2.1", "2.2", "2.3", "3.0")
LATEST = "3.0"


def parse_version(text: str) -> tuple[int, int] | None:
    """``"2.1-RC2"`` -> ``(2, 1)``; None when not a GBFS version number.

    >>> parse_version("2.3"), parse_version("3.0-RC"), parse_version("x")
    ((2, 3), (3, 0), None)
    """
    base = text.split("-", 1)[0]
    parts = base.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def known(version: str) -> str | None:
    """The known version a version string belongs to (release candidates too)."""
    parsed = parse_version(version)
    if parsed is None:
        return None
    text = f"{parsed[0]}.{parsed[1]}"
    return text if text in VERSIONS else None


class T(StrEnum):
    """Field types."""

    ID = "ID"
    STRING = "String"
    TEXT = "Text"  # a string; an array of {text, language} from 3.0 on
    NON_NEGATIVE_INTEGER = "Non-negative Integer"
    NON_NEGATIVE_FLOAT = "Non-negative Float"
    INTEGER = "Integer"
    FLOAT = "Float"
    LATITUDE = "Latitude"
    LONGITUDE = "Longitude"
    BOOLEAN = "Boolean"  # 1/0 before 2.0, true/false from 2.0 on
    TIMESTAMP = "Timestamp"  # POSIX seconds; RFC 3339 text from 3.0 on
    DATETIME = "Datetime"  # RFC 3339 text
    URL = "URL"
    EMAIL = "Email"
    TIMEZONE = "Timezone"
    LANGUAGE = "Language"
    DATE = "Date"
    TIME = "Time"
    ENUM = "Enum"
    ARRAY = "Array"
    OBJECT = "Object"
    ANY = "Any"


@dataclass(frozen=True)
class F:
    """One field: name, type, required, versions, allowed values."""

    name: str
    type: T
    required: bool = False
    since: str = "1.0"
    until: str | None = None  # last version that has it
    enum: tuple[str, ...] = ()
    item: T | None = None  # the type of an array's items

    def applies(self, version: str) -> bool:
        v = parse_version(version) or (0, 0)
        low = parse_version(self.since) or (0, 0)
        high = parse_version(self.until) if self.until else None
        return v >= low and (high is None or v <= high)


@dataclass(frozen=True)
class FileSpec:
    """A GBFS file: where its records are and what they hold."""

    name: str
    since: str = "1.0"
    until: str | None = None
    # The key under ``data`` holding the list of records, when there is one.
    records: str | None = None
    key: str | None = None  # the id field unique among records
    fields: tuple[F, ...] = ()  # fields of each record (or of ``data``)

    def applies(self, version: str) -> bool:
        return F(self.name, T.ANY, since=self.since, until=self.until).applies(version)


RENTAL_METHODS = (
    "KEY",
    "CREDITCARD",
    "PAYPASS",
    "APPLEPAY",
    "ANDROIDPAY",
    "TRANSITCARD",
    "ACCOUNTNUMBER",
    "PHONE",
)
FORM_FACTORS_21 = ("bicycle", "car", "moped", "other", "scooter")
FORM_FACTORS_23 = (
    *FORM_FACTORS_21,
    "cargo_bicycle",
    "scooter_standing",
    "scooter_seated",
)
FORM_FACTORS_30 = (
    "bicycle",
    "cargo_bicycle",
    "car",
    "moped",
    "scooter_standing",
    "scooter_seated",
    "other",
)
PROPULSION_21 = ("human", "electric_assist", "electric", "combustion")
PROPULSION_23 = (
    *PROPULSION_21,
    "combustion_diesel",
    "hybrid",
    "plug_in_hybrid",
    "hydrogen_fuel_cell",
)
ALERT_TYPES = ("SYSTEM_CLOSURE", "STATION_CLOSURE", "STATION_MOVE", "OTHER")
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

SYSTEM_INFORMATION = FileSpec(
    "system_information",
    fields=(
        F("system_id", T.ID, True),
        F("language", T.LANGUAGE, True, until="2.3"),
        F("languages", T.ARRAY, True, since="3.0", item=T.LANGUAGE),
        F("name", T.TEXT, True),
        F("short_name", T.TEXT),
        F("operator", T.TEXT),
        F("url", T.URL),
        F("purchase_url", T.URL),
        F("start_date", T.DATE),
        F("termination_date", T.DATE, since="2.3"),
        F("phone_number", T.STRING),
        F("email", T.EMAIL),
        F("feed_contact_email", T.EMAIL, since="1.1"),
        F("feed_contact_email", T.EMAIL, True, since="3.0"),
        F("timezone", T.TIMEZONE, True),
        F("license_url", T.URL),
        F("license_id", T.STRING, since="3.0"),
        F("opening_hours", T.STRING, True, since="3.0"),
        F("rental_apps", T.OBJECT, since="1.1"),
        F("brand_assets", T.OBJECT, since="2.3"),
    ),
)

VEHICLE_TYPES = FileSpec(
    "vehicle_types",
    since="2.1",
    records="vehicle_types",
    key="vehicle_type_id",
    fields=(
        F("vehicle_type_id", T.ID, True),
        F("form_factor", T.ENUM, True, until="2.2", enum=FORM_FACTORS_21),
        F("form_factor", T.ENUM, True, since="2.3", until="2.3", enum=FORM_FACTORS_23),
        F("form_factor", T.ENUM, True, since="3.0", enum=FORM_FACTORS_30),
        F("propulsion_type", T.ENUM, True, until="2.2", enum=PROPULSION_21),
        F("propulsion_type", T.ENUM, True, since="2.3", enum=PROPULSION_23),
        F("rider_capacity", T.NON_NEGATIVE_INTEGER, since="2.3"),
        F("max_range_meters", T.NON_NEGATIVE_FLOAT),
        F("name", T.TEXT),
        F("wheel_count", T.NON_NEGATIVE_INTEGER, since="2.3"),
        F("default_pricing_plan_id", T.ID, since="2.2"),
        F("pricing_plan_ids", T.ARRAY, since="2.2", item=T.ID),
        F("default_reserve_time", T.NON_NEGATIVE_INTEGER, since="2.3"),
        F(
            "return_constraint",
            T.ENUM,
            since="2.3",
            enum=("free_floating", "roundtrip_station", "any_station", "hybrid"),
        ),
        F("vehicle_image", T.URL, since="2.3"),
    ),
)

STATION_INFORMATION = FileSpec(
    "station_information",
    records="stations",
    key="station_id",
    fields=(
        F("station_id", T.ID, True),
        F("name", T.TEXT, True),
        F("short_name", T.TEXT),
        F("lat", T.LATITUDE, True),
        F("lon", T.LONGITUDE, True),
        F("address", T.STRING),
        F("cross_street", T.STRING),
        F("region_id", T.ID),
        F("post_code", T.STRING),
        F("rental_methods", T.ARRAY, item=T.ENUM),
        F("capacity", T.NON_NEGATIVE_INTEGER),
        F("is_virtual_station", T.BOOLEAN, since="2.1"),
        F("station_area", T.OBJECT, since="2.1"),
        F("is_valet_station", T.BOOLEAN, since="2.1"),
        F("is_charging_station", T.BOOLEAN, since="2.3"),
        F("rental_uris", T.OBJECT, since="1.1"),
        F("vehicle_capacity", T.OBJECT, since="2.1", until="2.3"),
        F("vehicle_type_capacity", T.OBJECT, since="2.1", until="2.3"),
        F("vehicle_types_capacity", T.ARRAY, since="3.0", item=T.OBJECT),
    ),
)

STATION_STATUS = FileSpec(
    "station_status",
    records="stations",
    key="station_id",
    fields=(
        F("station_id", T.ID, True),
        F("num_bikes_available", T.NON_NEGATIVE_INTEGER, True, until="2.3"),
        F("num_vehicles_available", T.NON_NEGATIVE_INTEGER, True, since="3.0"),
        F("num_bikes_disabled", T.NON_NEGATIVE_INTEGER, until="2.3"),
        F("num_vehicles_disabled", T.NON_NEGATIVE_INTEGER, since="3.0"),
        # Required except at virtual stations (2.1+): checked in code.
        F("num_docks_available", T.NON_NEGATIVE_INTEGER),
        F("num_docks_disabled", T.NON_NEGATIVE_INTEGER),
        F("is_installed", T.BOOLEAN, True),
        F("is_renting", T.BOOLEAN, True),
        F("is_returning", T.BOOLEAN, True),
        F("last_reported", T.TIMESTAMP, True),
        F("vehicle_types_available", T.ARRAY, since="2.1", item=T.OBJECT),
        F("vehicle_docks_available", T.ARRAY, since="2.1", item=T.OBJECT),
    ),
)

_VEHICLE_FIELDS = (
    F("is_reserved", T.BOOLEAN, True),
    F("is_disabled", T.BOOLEAN, True),
    F("rental_uris", T.OBJECT, since="1.1"),
    F("vehicle_type_id", T.ID, since="2.1"),
    F("last_reported", T.TIMESTAMP, since="2.1"),
    F("current_range_meters", T.NON_NEGATIVE_FLOAT, since="2.1"),
    F("current_fuel_percent", T.NON_NEGATIVE_FLOAT, since="2.3"),
    F("station_id", T.ID, since="2.1"),
    F("home_station_id", T.ID, since="2.3"),
    F("pricing_plan_id", T.ID, since="2.2"),
    F("vehicle_equipment", T.ARRAY, since="2.3", item=T.STRING),
    F("available_until", T.DATETIME, since="2.3"),
)

FREE_BIKE_STATUS = FileSpec(
    "free_bike_status",
    until="2.3",
    records="bikes",
    key="bike_id",
    fields=(
        F("bike_id", T.ID, True),
        # Required up to 2.0; from 2.1 only for vehicles not at a station.
        F("lat", T.LATITUDE, True, until="2.0"),
        F("lon", T.LONGITUDE, True, until="2.0"),
        F("lat", T.LATITUDE, since="2.1"),
        F("lon", T.LONGITUDE, since="2.1"),
        *_VEHICLE_FIELDS,
    ),
)

VEHICLE_STATUS = FileSpec(
    "vehicle_status",
    since="3.0",
    records="vehicles",
    key="vehicle_id",
    fields=(
        F("vehicle_id", T.ID, True),
        F("lat", T.LATITUDE),
        F("lon", T.LONGITUDE),
        *_VEHICLE_FIELDS,
    ),
)

SYSTEM_HOURS = FileSpec(
    "system_hours",
    until="2.3",
    records="rental_hours",
    fields=(
        F("user_types", T.ARRAY, True, item=T.ENUM),
        F("days", T.ARRAY, True, item=T.ENUM),
        F("start_time", T.TIME, True),
        F("end_time", T.TIME, True),
    ),
)

SYSTEM_CALENDAR = FileSpec(
    "system_calendar",
    until="2.3",
    records="calendars",
    fields=(
        F("start_month", T.NON_NEGATIVE_INTEGER, True),
        F("start_day", T.NON_NEGATIVE_INTEGER, True),
        F("start_year", T.NON_NEGATIVE_INTEGER),
        F("end_month", T.NON_NEGATIVE_INTEGER, True),
        F("end_day", T.NON_NEGATIVE_INTEGER, True),
        F("end_year", T.NON_NEGATIVE_INTEGER),
    ),
)

SYSTEM_REGIONS = FileSpec(
    "system_regions",
    records="regions",
    key="region_id",
    fields=(F("region_id", T.ID, True), F("name", T.TEXT, True)),
)

SYSTEM_PRICING_PLANS = FileSpec(
    "system_pricing_plans",
    records="plans",
    key="plan_id",
    fields=(
        F("plan_id", T.ID, True),
        F("url", T.URL),
        F("name", T.TEXT, True),
        F("currency", T.STRING, True),
        F("price", T.NON_NEGATIVE_FLOAT, True),
        F("is_taxable", T.BOOLEAN, True),
        F("description", T.TEXT, True),
    ),
)

SYSTEM_ALERTS = FileSpec(
    "system_alerts",
    records="alerts",
    key="alert_id",
    fields=(
        F("alert_id", T.ID, True),
        F("type", T.ENUM, True, until="2.3", enum=ALERT_TYPES),
        F(
            "type",
            T.ENUM,
            True,
            since="3.0",
            enum=tuple(t.lower() for t in ALERT_TYPES),
        ),
        F("times", T.ARRAY, item=T.OBJECT),
        F("station_ids", T.ARRAY, item=T.ID),
        F("region_ids", T.ARRAY, item=T.ID),
        F("url", T.TEXT),
        F("summary", T.TEXT, True),
        F("description", T.TEXT),
        F("last_updated", T.TIMESTAMP),
    ),
)

GEOFENCING_ZONES = FileSpec(
    "geofencing_zones",
    since="2.1",
    fields=(F("geofencing_zones", T.OBJECT, True),),
)

GBFS_VERSIONS = FileSpec(
    "gbfs_versions",
    since="1.1",
    records="versions",
    fields=(F("version", T.STRING, True), F("url", T.URL, True)),
)

MANIFEST = FileSpec(
    "manifest",
    since="3.0",
    fields=(F("datasets", T.ARRAY, True, item=T.OBJECT),),
)

GBFS = FileSpec("gbfs")

FILES: tuple[FileSpec, ...] = (
    GBFS,
    MANIFEST,
    GBFS_VERSIONS,
    SYSTEM_INFORMATION,
    VEHICLE_TYPES,
    STATION_INFORMATION,
    STATION_STATUS,
    FREE_BIKE_STATUS,
    VEHICLE_STATUS,
    SYSTEM_HOURS,
    SYSTEM_CALENDAR,
    SYSTEM_REGIONS,
    SYSTEM_PRICING_PLANS,
    SYSTEM_ALERTS,
    GEOFENCING_ZONES,
)
BY_NAME = {f.name: f for f in FILES}


def files_for(version: str) -> list[FileSpec]:
    """The files a version defines."""
    return [f for f in FILES if f.applies(version)]


def fields_for(file: FileSpec, version: str) -> list[F]:
    """The fields of a file in a version (the latest definition of each name)."""
    chosen: dict[str, F] = {}
    for f in file.fields:
        if f.applies(version):
            chosen[f.name] = f
    return list(chosen.values())


def vehicles_file(version: str) -> str:
    """``free_bike_status`` up to 2.3, ``vehicle_status`` from 3.0 on."""
    return "vehicle_status" if version.startswith("3") else "free_bike_status"
