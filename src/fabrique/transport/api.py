"""The transport API under ``/api/1/transport/``.

Datasets, resources and versions come from the database; stops, routes,
trips and departures from a ready GTFS version's store, through the engine's
queries (:mod:`fabrique.gtfs.query`). Version routes take the version id;
the dataset shortcuts (``/datasets/{slug}/stops/``,
``/datasets/{slug}/departures/``) answer from the dataset's newest ready GTFS
version and say which one they used.

Reads are public (datasets hidden by moderation are left out); writes need a
token or a session with CSRF and go through :mod:`fabrique.transport.services`,
the same functions as the pages.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from fabrique.api.auth import WRITE_AUTH, reader
from fabrique.api.common import caller, field_error, get_or_404
from fabrique.api.errors import ApiError, ErrorOut
from fabrique.api.pagination import PageParams, envelope, page_of, paginate
from fabrique.api.ratelimit import write_throttle
from fabrique.catalog.models import Actor, Commons
from fabrique.core.permissions import can_moderate
from fabrique.gtfs import query
from fabrique.gtfs.store import MANIFEST
from fabrique.transport import departures, following, services, storage
from fabrique.transport.models import (
    Dataset,
    Resource,
    ResourceFormat,
    Version,
    VersionStatus,
)
from fabrique.transport.schemas import (
    DatasetIn,
    DatasetItem,
    DatasetOut,
    DeparturesOut,
    ResourceIn,
    ResourceOut,
    ReuseIn,
    ReuseOut,
    RouteDetailOut,
    RouteOut,
    StopDetailOut,
    StopOut,
    TripDetailOut,
    TripOut,
    VersionOut,
)

router = Router(tags=["transport"])

ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 413, 422, 429), ErrorOut)
READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
STORE_ERRORS = dict.fromkeys((400, 404, 409, 422), ErrorOut)
WRITE = {"auth": WRITE_AUTH, "throttle": write_throttle}
GEOJSON = "application/geo+json"
#: Days before its end when a dataset's validity counts as "expiring".
EXPIRING_DAYS = 30
T = TypeVar("T")


# Lookups -------------------------------------------------------------------


def datasets_queryset(request: HttpRequest) -> QuerySet[Dataset]:
    return services.visible_datasets(reader(request))


def _dataset(request: HttpRequest, slug: str) -> Dataset:
    return get_or_404(  # type: ignore[no-any-return]
        datasets_queryset(request), "dataset", commons__slug=slug
    )


def _shown(request: HttpRequest, dataset: Dataset) -> bool:
    """Whether the caller sees ``dataset`` (hidden ones: moderators only)."""
    return not dataset.commons.hidden or can_moderate(reader(request))


def _resource(request: HttpRequest, resource_id: int) -> Resource:
    resource = (
        Resource.objects.select_related("dataset__commons")
        .filter(pk=resource_id)
        .first()
    )
    if resource is None or not _shown(request, resource.dataset):
        raise ApiError(404, f"No resource with id={resource_id}.")
    return resource


def _version(request: HttpRequest, version_id: int) -> Version:
    # One query by primary key (the departures route's only database read).
    version = (
        Version.objects.select_related("resource__dataset__commons")
        .filter(pk=version_id)
        .first()
    )
    if version is None or not _shown(request, version.resource.dataset):
        raise ApiError(404, f"No version with id={version_id}.")
    return version


@dataclass(frozen=True)
class VersionRef:
    """What the query routes need of a version (read without its relations)."""

    pk: int
    status: str
    progress: int

    @property
    def directory(self) -> Path:
        return storage.version_dir(self.pk)


@functools.cache
def _version_ref_sql() -> str:
    tables = [m._meta.db_table for m in (Version, Resource, Dataset, Commons)]
    # Table names from the models, quoted; the id is a parameter.
    return (  # noqa: S608
        "SELECT v.status, v.progress, c.hidden FROM {} v "
        "JOIN {} r ON r.id = v.resource_id JOIN {} d ON d.id = r.dataset_id "
        "JOIN {} c ON c.id = d.commons_id WHERE v.id = %s"
    ).format(*(connection.ops.quote_name(t) for t in tables))


def _version_ref(request: HttpRequest, version_id: int) -> VersionRef:
    # The only database read of a departures request: three columns by key,
    # in SQL, as building the ORM's query cost more than running it.
    with connection.cursor() as cursor:
        cursor.execute(_version_ref_sql(), [version_id])
        row = cursor.fetchone()
    if row is None or (row[2] and not can_moderate(reader(request))):
        raise ApiError(404, f"No version with id={version_id}.")
    return VersionRef(version_id, row[0], row[1])


def store_of(version: Version | VersionRef) -> Path | None:
    """The store directory of a version, when it holds a stored feed."""
    directory = version.directory / storage.STORE_DIR
    return directory if (directory / MANIFEST).is_file() else None


def latest_gtfs_version(dataset: Dataset) -> Version | None:
    """The dataset's newest ready GTFS version that holds a stored feed."""
    rows = Version.objects.filter(
        resource__dataset=dataset,
        resource__format=ResourceFormat.GTFS,
        status=VersionStatus.READY,
    ).order_by("-created", "-pk")
    for version in rows[:5]:
        if store_of(version) is not None:
            return version
    return None


def _ready(version: Version | VersionRef) -> None:
    if version.status != VersionStatus.READY:
        raise ApiError(
            409,
            f"Version {version.pk} is not ready yet (status: {version.status}, "
            f"{version.progress}%).",
            code="version_not_ready",
            details={"status": version.status, "progress": version.progress},
        )


def _store(version: Version | VersionRef) -> Path:
    _ready(version)
    directory = store_of(version)
    if directory is None:
        raise ApiError(
            409,
            f"Version {version.pk} holds no stored GTFS feed to query "
            "(another format, or a feed missing a required file).",
            code="version_not_queryable",
        )
    return directory


def _file(version: Version, name: str, content_type: str) -> FileResponse:
    _ready(version)
    path = version.directory / name
    if not path.is_file():
        raise ApiError(404, f"Version {version.pk} has no {name}.")
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _ask(call: Callable[[], T]) -> T:
    """Run an engine query, turning its errors into API errors."""
    try:
        return call()
    except query.NotFound as exc:
        raise ApiError(404, str(exc)) from None
    except query.QueryError as exc:
        raise ApiError(400, str(exc)) from None


def _date(value: str | None, name: str = "date") -> dt.date | None:
    if value is None:
        return None
    try:
        return query.parse_date(value)
    except query.QueryError as exc:
        raise field_error(name, str(exc), status=400) from None


def _page(request: HttpRequest, params: PageParams, fetch: Any) -> dict[str, Any]:
    from django.conf import settings

    size = params.page_size or settings.FABRIQUE_PAGE_SIZE
    page = _ask(lambda: fetch(limit=size, offset=(params.page - 1) * size))
    return envelope(
        request, page.items, total=page.total, page=params.page, page_size=size
    )


# Datasets ------------------------------------------------------------------


class DatasetFilters(PageParams):
    q: str = Field("", max_length=200, description="Words of the title or summary.")
    format: Literal["gtfs", "gtfs-rt", "gbfs", "netex", "other"] | None = None
    publisher: str | None = Field(None, max_length=100, description="Actor slug.")
    validity: Literal["valid", "expiring", "expired"] | None = Field(
        None,
        description=(
            f"valid: valid today; expiring: valid today and ending within "
            f"{EXPIRING_DAYS} days; expired: ended before today."
        ),
    )
    has_errors: bool | None = None


def filter_datasets(
    rows: QuerySet[Dataset],
    *,
    q: str = "",
    format: str | None = None,
    publisher: str | None = None,
    validity: str | None = None,
    has_errors: bool | None = None,
    today: dt.date | None = None,
) -> QuerySet[Dataset]:
    """The dataset list's filters (shared by the API and the pages)."""
    today = today or timezone.localdate()
    if q.strip():
        for word in q.split()[:10]:
            rows = rows.filter(
                Q(commons__title__icontains=word) | Q(commons__summary__icontains=word)
            )
    if format:
        ids = Resource.objects.filter(format=format).values("dataset_id")
        rows = rows.filter(pk__in=ids)
    if publisher:
        rows = rows.filter(publisher__slug=publisher)
    if validity == "expired":
        rows = rows.filter(valid_until__lt=today)
    elif validity in ("valid", "expiring"):
        rows = rows.filter(valid_until__gte=today).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today)
        )
        if validity == "expiring":
            rows = rows.filter(
                valid_until__lte=today + dt.timedelta(days=EXPIRING_DAYS)
            )
    if has_errors is not None:
        rows = rows.filter(has_errors=has_errors)
    return rows


@router.get("/datasets/", response={200: page_of(DatasetItem), **READ_ERRORS})
def list_datasets(request: HttpRequest, filters: Query[DatasetFilters]) -> Any:
    """List transport datasets, newest change first, with the page's filters."""
    rows = filter_datasets(
        datasets_queryset(request),
        q=filters.q,
        format=filters.format,
        publisher=filters.publisher,
        validity=filters.validity,
        has_errors=filters.has_errors,
    )
    return paginate(request, rows.order_by("-updated", "-pk"), filters)


@router.get("/datasets/{slug}/", response={200: DatasetOut, **READ_ERRORS})
def get_dataset(request: HttpRequest, slug: str) -> Any:
    """One dataset with its resources."""
    return _dataset(request, slug)


@router.post("/datasets/", response={201: DatasetOut, **ERRORS}, **WRITE)
def create_dataset(request: HttpRequest, payload: DatasetIn) -> Any:
    """Create a dataset (and its data commons in the catalogue); you hold it."""
    publisher = None
    if payload.publisher:
        publisher = Actor.objects.filter(slug=payload.publisher).first()
        if publisher is None:
            raise field_error("publisher", f"No actor {payload.publisher!r}.")
    data = payload.model_dump(include={"title", "summary", "description", "tags"})
    if payload.licence:
        data["licence"] = payload.licence
    try:
        dataset = services.create_dataset(
            user=caller(request),
            data=data,
            publisher=publisher,
            coverage=payload.coverage,
        )
    except services.TransportError as exc:
        raise ApiError(422, str(exc)) from None
    return Status(201, datasets_queryset(request).get(pk=dataset.pk))


@router.get(
    "/datasets/{slug}/resources/", response={200: list[ResourceOut], **READ_ERRORS}
)
def list_resources(request: HttpRequest, slug: str) -> Any:
    """The resources of a dataset."""
    return list(_dataset(request, slug).resources.select_related("dataset__commons"))


@router.post(
    "/datasets/{slug}/resources/", response={201: ResourceOut, **ERRORS}, **WRITE
)
def create_resource(request: HttpRequest, slug: str, payload: ResourceIn) -> Any:
    """Add a resource; with ``url`` it is fetched every ``fetch_every_hours``."""
    dataset = _dataset(request, slug)
    try:
        resource = services.add_resource(
            dataset,
            user=caller(request),
            title=payload.title,
            format=payload.format,
            url=payload.url,
            fetch_every_hours=payload.fetch_every_hours,
        )
    except ValidationError as exc:
        raise ApiError(422, "; ".join(exc.messages)) from None
    return Status(201, resource)


@router.get("/datasets/{slug}/reuses/", response={200: list[ReuseOut], **READ_ERRORS})
def list_reuses(request: HttpRequest, slug: str) -> Any:
    """The reuses declared for a dataset, newest first."""
    return following.reuses_of(_dataset(request, slug))


@router.post("/datasets/{slug}/reuses/", response={201: ReuseOut, **ERRORS}, **WRITE)
def create_reuse(request: HttpRequest, slug: str, payload: ReuseIn) -> Any:
    """Declare a reuse of a dataset: title, address, kind, who made it."""
    dataset = _dataset(request, slug)
    try:
        reuse = following.add_reuse(
            dataset,
            user=caller(request),
            title=payload.title,
            url=payload.url,
            kind=payload.kind,
            by=payload.by,
        )
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        raise field_error(field, "; ".join(errors)) from None
    return Status(201, reuse)


# Resources and versions ----------------------------------------------------


@router.get("/resources/{resource_id}/", response={200: ResourceOut, **READ_ERRORS})
def get_resource(request: HttpRequest, resource_id: int) -> Any:
    """One resource."""
    return _resource(request, resource_id)


@router.get(
    "/resources/{resource_id}/versions/",
    response={200: page_of(VersionOut), **READ_ERRORS},
)
def list_versions(
    request: HttpRequest, resource_id: int, params: Query[PageParams]
) -> Any:
    """The versions of a resource, newest first (every version is kept)."""
    resource = _resource(request, resource_id)
    return paginate(request, resource.versions.order_by("-number"), params)


@router.post(
    "/resources/{resource_id}/versions/", response={201: VersionOut, **ERRORS}, **WRITE
)
def upload_version(
    request: HttpRequest, resource_id: int, file: File[UploadedFile]
) -> Any:
    """Upload a file as a new version; it is checked in the background.

    Poll ``GET /versions/{id}/`` until ``status`` is ``ready`` or ``failed``.
    The same content as a kept version answers 409 with that version's id,
    unless that version failed (or its check is stuck): it is then checked
    again with this file, and returned.
    """
    resource = _resource(request, resource_id)
    try:
        version = services.add_version_from_upload(resource, file, caller(request))
    except services.DuplicateVersion as exc:
        raise ApiError(
            409, str(exc), code="duplicate_version", details={"version": exc.version.pk}
        ) from None
    except services.TransportError as exc:
        status = 413 if "larger than" in str(exc) else 422
        raise ApiError(status, str(exc)) from None
    return Status(201, version)


@router.get("/versions/{version_id}/", response={200: VersionOut, **READ_ERRORS})
def get_version(request: HttpRequest, version_id: int) -> Any:
    """One version: status and progress, counts of notices, summary, diff."""
    return _version(request, version_id)


@router.post(
    "/versions/{version_id}/retry/", response={202: VersionOut, **ERRORS}, **WRITE
)
def retry_version(request: HttpRequest, version_id: int) -> Any:
    """Check a version again: one that failed, or whose check is stuck.

    A check is stuck when its worker gave no sign of life for the lease
    (``TRANSPORT_TASK_LEASE``); other versions answer 409.
    """
    version = _version(request, version_id)
    try:
        version = services.retry_version(version, user=caller(request))
    except services.TransportError as exc:
        raise ApiError(409, str(exc), code="not_retryable") from None
    return Status(202, version)


@router.get(
    "/versions/{version_id}/report/",
    response={200: dict[str, Any], **STORE_ERRORS},
)
def get_report(request: HttpRequest, version_id: int) -> Any:
    """The version's validation report, in MobilityData's report.json shape."""
    return _file(_version(request, version_id), storage.REPORT_JSON, "application/json")


@router.get(
    "/versions/{version_id}/stops.geojson",
    response={200: dict[str, Any], **STORE_ERRORS},
    openapi_extra={"responses": {200: {"content": {GEOJSON: {}}}}},
)
def stops_geojson(request: HttpRequest, version_id: int) -> Any:
    """Every located stop, station and entrance (GeoJSON FeatureCollection)."""
    return _file(_version(request, version_id), storage.STOPS_GEOJSON, GEOJSON)


@router.get(
    "/versions/{version_id}/lines.geojson",
    response={200: dict[str, Any], **STORE_ERRORS},
    openapi_extra={"responses": {200: {"content": {GEOJSON: {}}}}},
)
def lines_geojson(request: HttpRequest, version_id: int) -> Any:
    """Lines from shapes, or from stop sequences without shapes (GeoJSON)."""
    return _file(_version(request, version_id), storage.LINES_GEOJSON, GEOJSON)


# Stops, routes, trips, departures of a version ----------------------------


class StopFilters(PageParams):
    bbox: str | None = Field(
        None,
        max_length=100,
        description="min_lon,min_lat,max_lon,max_lat (WGS 84 degrees).",
    )
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius: float = Field(
        500, gt=0, le=100_000, description="Metres around lat/lon (nearest first)."
    )


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(v == v for v in values):  # NaN check
        raise field_error(
            "bbox", "Give four numbers: min_lon,min_lat,max_lon,max_lat.", status=400
        )
    return values[0], values[1], values[2], values[3]


def _stops(request: HttpRequest, directory: Path, filters: StopFilters) -> Any:
    if filters.bbox is not None and (
        filters.lat is not None or filters.lon is not None
    ):
        raise ApiError(400, "Give either bbox or lat/lon, not both.")
    if filters.bbox is not None:
        box = _bbox(filters.bbox)
        return _page(
            request,
            filters,
            lambda **page: query.stops_in_bbox(directory, *box, **page),
        )
    if filters.lat is not None and filters.lon is not None:
        lat, lon = filters.lat, filters.lon
        return _page(
            request,
            filters,
            lambda **page: query.stops_near(
                directory, lat, lon, filters.radius, **page
            ),
        )
    raise ApiError(
        400,
        "Give bbox=min_lon,min_lat,max_lon,max_lat or lat and lon (and radius).",
    )


@router.get(
    "/versions/{version_id}/stops/", response={200: page_of(StopOut), **STORE_ERRORS}
)
def version_stops(
    request: HttpRequest, version_id: int, filters: Query[StopFilters]
) -> Any:
    """Stops in a box (by stop_id), or within a radius of a point (nearest first)."""
    return _stops(request, _store(_version_ref(request, version_id)), filters)


@router.get(
    "/versions/{version_id}/stops/{stop_id}/",
    response={200: StopDetailOut, **STORE_ERRORS},
)
def version_stop(request: HttpRequest, version_id: int, stop_id: str) -> Any:
    """One stop; a station lists its platforms."""
    directory = _store(_version_ref(request, version_id))
    return _ask(lambda: query.stop(directory, stop_id))


@router.get(
    "/versions/{version_id}/routes/", response={200: page_of(RouteOut), **STORE_ERRORS}
)
def version_routes(
    request: HttpRequest, version_id: int, params: Query[PageParams]
) -> Any:
    """Routes, by short name then long name."""
    directory = _store(_version_ref(request, version_id))
    return _page(request, params, lambda **page: query.routes(directory, **page))


@router.get(
    "/versions/{version_id}/routes/{route_id}/",
    response={200: RouteDetailOut, **STORE_ERRORS},
)
def version_route(request: HttpRequest, version_id: int, route_id: str) -> Any:
    """One route, its agency and its trips by direction and headsign."""
    directory = _store(_version_ref(request, version_id))
    return _ask(lambda: query.route(directory, route_id))


class TripFilters(PageParams):
    route_id: str | None = Field(None, max_length=200)
    date: str | None = Field(
        None, max_length=10, description="YYYY-MM-DD: only trips running that day."
    )


@router.get(
    "/versions/{version_id}/trips/", response={200: page_of(TripOut), **STORE_ERRORS}
)
def version_trips(
    request: HttpRequest, version_id: int, filters: Query[TripFilters]
) -> Any:
    """Trips (of a route, running on a date), by first departure."""
    directory = _store(_version_ref(request, version_id))
    day = _date(filters.date)
    return _page(
        request,
        filters,
        lambda **page: query.trips(
            directory, route_id=filters.route_id, date=day, **page
        ),
    )


@router.get(
    "/versions/{version_id}/trips/{trip_id}/",
    response={200: TripDetailOut, **STORE_ERRORS},
)
def version_trip(request: HttpRequest, version_id: int, trip_id: str) -> Any:
    """One trip with its stop times in order (times as in the feed)."""
    directory = _store(_version_ref(request, version_id))
    return _ask(lambda: query.trip(directory, trip_id))


class DepartureParams(Schema):
    date: str | None = Field(
        None,
        max_length=10,
        description="YYYY-MM-DD; default: today in the feed's zone.",
    )
    after: str | None = Field(
        None, max_length=8, description="HH:MM or HH:MM:SS: only departures from then."
    )
    skip: int = Field(
        0,
        ge=0,
        le=query.MAX_LIMIT,
        description="Departures at exactly `after` already seen (from `next`).",
    )
    limit: int = Field(20, ge=1, le=query.MAX_LIMIT)
    include_terminus: bool = Field(
        False, description="Also trips that end at the stop (arrivals only)."
    )


def _departures(
    directory: Path,
    version: Version | VersionRef,
    stop_id: str,
    params: DepartureParams,
) -> dict[str, Any]:
    day = _date(params.date)
    if day is None:
        zone = query.store(directory).timezone(None)
        day = dt.datetime.now(zone).date()
    after = None
    if params.after is not None:
        try:
            after = query.parse_time(params.after)
        except query.QueryError as exc:
            raise field_error("after", str(exc), status=400) from None
        if after >= query.DAY:
            raise field_error("after", "Give a time before 24:00.", status=400)
    found = _ask(
        lambda: departures.page(
            directory,
            stop_id,
            day,
            after=after or 0,
            skip=params.skip,
            limit=params.limit,
            include_terminus=params.include_terminus,
        )
    )
    following = None
    if found.next is not None:
        following = {
            "after": departures.cursor_text(found.next[0]),
            "skip": found.next[1],
        }
    return {
        "version": version.pk,
        "stop_id": stop_id,
        "date": day,
        "after": None if after is None else query.format_time(after),
        "next": following,
        "data": found.rows,
    }


DEPARTURES_DOC = """

Calendar and calendar_dates are applied. A day's departures are its own
trips before 24:00 and those of the service day k days before from k × 24:00
to (k + 1) × 24:00 (``25:10`` on the 6th and ``49:10`` on the 5th are both
``01:10`` on the 7th, with ``previous_day`` true and ``service_date`` the 6th
or the 5th). A parent station includes its platforms. Trips
that end at the stop, and stop times without pickup, are left out unless
``include_terminus``. Times are given as clock times and as ISO 8601
instants in the agency's time zone. ``next``, when more departures follow,
holds the ``after`` and ``skip`` of the next page.
"""


@router.get(
    "/versions/{version_id}/stops/{stop_id}/departures/",
    response={200: DeparturesOut, **STORE_ERRORS},
    description="Departures from a stop on a date." + DEPARTURES_DOC,
)
def version_departures(
    request: HttpRequest,
    version_id: int,
    stop_id: str,
    params: Query[DepartureParams],
) -> Any:
    """Departures from a stop on a date."""
    version = _version_ref(request, version_id)
    return _departures(_store(version), version, stop_id, params)


# Dataset shortcuts: its newest ready GTFS version -------------------------


def _latest_store(request: HttpRequest, slug: str) -> tuple[Version, Path]:
    dataset = _dataset(request, slug)
    version = latest_gtfs_version(dataset)
    if version is None:
        raise ApiError(
            409,
            f"Dataset {slug!r} has no ready GTFS version to query yet.",
            code="version_not_ready",
        )
    return version, _store(version)


class DatasetDepartureParams(DepartureParams):
    stop_id: str | None = Field(None, min_length=1, max_length=200)
    stop: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="The same as `stop_id` (the dataset page's parameter).",
    )


@router.get(
    "/datasets/{slug}/departures/",
    response={200: DeparturesOut, **STORE_ERRORS},
    description=(
        "Departures from a stop, from the dataset's newest ready GTFS version "
        "(its id is in the answer's `version`)." + DEPARTURES_DOC
    ),
)
def dataset_departures(
    request: HttpRequest, slug: str, params: Query[DatasetDepartureParams]
) -> Any:
    """Departures from a stop of the dataset's current GTFS."""
    # The dataset first: a missing one is a 404 whatever the parameters.
    version, directory = _latest_store(request, slug)
    stop_id = params.stop_id or params.stop
    if not stop_id:
        raise field_error("stop_id", "Give the stop: stop_id (or stop).")
    return _departures(directory, version, stop_id, params)


@router.get("/datasets/{slug}/stops/", response={200: page_of(StopOut), **STORE_ERRORS})
def dataset_stops(request: HttpRequest, slug: str, filters: Query[StopFilters]) -> Any:
    """Stops of the dataset's newest ready GTFS version, by box or radius."""
    _version_used, directory = _latest_store(request, slug)
    return _stops(request, directory, filters)
