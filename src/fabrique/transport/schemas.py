"""Request and response schemas of the transport API (``/api/1/transport/``).

Output schemas show public fields only; input schemas bound every text so a
hostile payload is refused with a 422 naming the field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from fabrique.transport.models import ResourceFormat, ReuseKind, VersionStatus


def _absolute(context: Any, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


class PublisherOut(Schema):
    slug: str
    name: str


class ResourceOut(Schema):
    """A file of a dataset (GTFS, GTFS-RT, GBFS, NeTEx…), with its versions."""

    id: int
    dataset: str = Field(description="Slug of the dataset.")
    title: str
    format: str = Field(description=", ".join(ResourceFormat.values))
    url: str = Field(description="Address fetched on a schedule; empty: uploads.")
    fetch_every_hours: int | None
    last_fetch_at: datetime | None
    last_fetch_error: str
    latest_version: int | None = Field(description="Id of the newest version.")
    latest_ready_version: int | None = Field(
        description="Id of the newest version that is ready."
    )
    created: datetime
    updated: datetime

    @staticmethod
    def resolve_dataset(obj: Any) -> str:
        return str(obj.dataset.commons.slug)

    @staticmethod
    def resolve_latest_version(obj: Any) -> int | None:
        version = obj.latest_version()
        return version.pk if version else None

    @staticmethod
    def resolve_latest_ready_version(obj: Any) -> int | None:
        version = obj.latest_ready_version()
        return version.pk if version else None


class DatasetItem(Schema):
    """A dataset in a list."""

    slug: str
    title: str
    summary: str
    licence: str
    publisher: PublisherOut | None
    coverage: str
    bbox: list[float] | None = Field(
        description="[min_lon, min_lat, max_lon, max_lat] of its stops."
    )
    formats: list[str]
    valid_from: date | None
    valid_until: date | None
    has_errors: bool
    updated: datetime
    url: str

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        return str(obj.commons.summary)

    @staticmethod
    def resolve_licence(obj: Any) -> str:
        return str(obj.commons.licence)

    @staticmethod
    def resolve_publisher(obj: Any) -> dict[str, str] | None:
        if obj.publisher is None:
            return None
        return {"slug": obj.publisher.slug, "name": obj.publisher.name}

    @staticmethod
    def resolve_bbox(obj: Any) -> list[float] | None:
        return list(obj.bbox) if obj.bbox else None

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())


class DatasetOut(DatasetItem):
    """One dataset with its resources."""

    description: str
    resources: list[ResourceOut]
    latest_gtfs_version: int | None = Field(
        description="Id of the newest ready GTFS version (the shortcuts use it)."
    )

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return str(obj.commons.description)

    @staticmethod
    def resolve_resources(obj: Any) -> list[Any]:
        return list(obj.resources.all())

    @staticmethod
    def resolve_latest_gtfs_version(obj: Any) -> int | None:
        from fabrique.transport.api import latest_gtfs_version

        version = latest_gtfs_version(obj)
        return version.pk if version else None


class DatasetIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field(..., min_length=1, max_length=300)
    description: str = Field("", max_length=20_000)
    licence: str = Field("", max_length=64, description="SPDX id, e.g. ODbL-1.0.")
    tags: list[str] = Field(default_factory=list, max_length=20)
    publisher: str | None = Field(
        None, max_length=100, description="Slug of the publishing actor."
    )
    coverage: str = Field("", max_length=200)


class ResourceIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    format: Literal["gtfs", "gtfs-rt", "gbfs", "netex", "other"] = "gtfs"
    url: str = Field("", max_length=1000, pattern=r"^(https?://\S+)?$")
    fetch_every_hours: int | None = Field(None, ge=1, le=24 * 31)


class VersionOut(Schema):
    """One kept version of a resource: its check and what it holds."""

    id: int
    resource: int
    number: int
    sha256: str
    size: int
    filename: str
    source: str
    status: str = Field(description=", ".join(VersionStatus.values))
    progress: int = Field(description="0 to 100 while checking and storing.")
    progress_message: str
    error: str = Field(description="Why the version failed, if it did.")
    errors: int
    warnings: int
    infos: int
    valid_from: date | None
    valid_until: date | None
    created: datetime
    summary: dict[str, Any]
    diff: dict[str, Any] | None = Field(
        description="Changes since the previous ready version of the resource."
    )
    queryable: bool = Field(
        description="Stops, routes, trips and departures can be asked of it."
    )
    downloads: int = Field(description="Downloads of its file from the site.")

    @staticmethod
    def resolve_resource(obj: Any) -> int:
        return int(obj.resource_id)

    @staticmethod
    def resolve_queryable(obj: Any) -> bool:
        from fabrique.transport.api import store_of

        return obj.status == VersionStatus.READY and store_of(obj) is not None


class StopOut(Schema):
    stop_id: str
    stop_code: str | None
    stop_name: str | None
    lat: float | None
    lon: float | None
    location_type: int | None = Field(
        description="0 stop or platform, 1 station, 2 entrance, 3 node, 4 boarding."
    )
    parent_station: str | None
    wheelchair_boarding: int | None
    platform_code: str | None
    distance_m: float | None = Field(
        None, description="Metres from the point asked (searches by radius only)."
    )


class StopDetailOut(StopOut):
    children: list[StopOut] = Field(description="Platforms and entrances of a station.")


class RouteOut(Schema):
    route_id: str
    agency_id: str | None
    route_short_name: str | None
    route_long_name: str | None
    route_type: int | None
    route_color: str | None
    route_text_color: str | None


class AgencyOut(Schema):
    agency_id: str | None
    name: str | None
    url: str | None
    timezone: str | None


class DirectionOut(Schema):
    direction_id: int | None
    headsign: str | None
    trips: int


class RouteDetailOut(RouteOut):
    agency: AgencyOut | None
    directions: list[DirectionOut] = Field(
        description="Trips counted by direction and headsign."
    )
    trips: int


class TripOut(Schema):
    route_id: str | None
    trip_id: str
    service_id: str | None
    trip_headsign: str | None
    trip_short_name: str | None
    direction_id: int | None
    shape_id: str | None
    block_id: str | None
    first_departure: str | None = Field(description="HH:MM:SS; may pass 24:00.")
    last_arrival: str | None
    stops: int | None


class StopTimeOut(Schema):
    stop_sequence: int | None
    stop_id: str | None
    stop_name: str | None
    lat: float | None
    lon: float | None
    arrival_time: str | None = Field(description="HH:MM:SS as in the feed.")
    departure_time: str | None
    stop_headsign: str | None
    pickup_type: int | None
    drop_off_type: int | None
    shape_dist_traveled: float | None


class TripDetailOut(TripOut):
    route: RouteOut | None
    stop_times: list[StopTimeOut]


class EngineOut(BaseModel):
    """An answer built from the engine's plain dicts: pydantic alone, without
    ninja's resolver for Django objects, which cost a departures request
    more than the query itself (20 rows, each field through the resolver)."""


class DepartureOut(EngineOut):
    trip_id: str
    route_id: str | None
    route_short_name: str | None
    route_long_name: str | None
    route_type: int | None
    route_color: str | None
    headsign: str | None
    direction_id: int | None
    stop_id: str = Field(description="The platform, when a station was asked.")
    stop_sequence: int | None
    service_id: str
    service_date: date = Field(description="The service day the trip belongs to.")
    previous_day: bool = Field(
        description="A trip of an earlier service day (service_date) at 24:00 "
        "or later: 49:10 two days before is 01:10 on the day asked."
    )
    terminus: bool
    arrival_time: str = Field(description="Clock time HH:MM:SS on the day asked.")
    departure_time: str
    gtfs_arrival_time: str = Field(description="As in the feed: 25:10:00.")
    gtfs_departure_time: str
    arrival: datetime = Field(description="ISO 8601 in the agency's time zone.")
    departure: datetime
    timezone: str


class DeparturesCursor(BaseModel):
    after: str
    skip: int


class DeparturesOut(EngineOut):
    version: int
    stop_id: str
    date: date
    after: str | None
    next: DeparturesCursor | None
    data: list[DepartureOut]


class ReuseOut(Schema):
    """A reuse of a dataset, as declared by someone signed in."""

    id: int
    title: str
    url: str
    kind: str = Field(description=", ".join(ReuseKind.values))
    by: str = Field(description="Who made it, as the declarer wrote it.")
    created: datetime


class ReuseIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    url: str = Field(..., max_length=1000, pattern=r"^https?://\S+$")
    kind: Literal["application", "map", "api", "research", "article", "other"] = (
        "application"
    )
    by: str = Field("", max_length=200)
