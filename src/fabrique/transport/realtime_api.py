"""Real-time routes of a GTFS-RT resource under ``/api/1/transport/``.

``/resources/{id}/realtime`` is a caching proxy: it serves the last body the
worker fetched, with its ``Age``, and never calls the producer itself, so any
number of reusers cost the producer one request per period. The other
routes give what the fetches found over time, the delays of the last fetch
and its located vehicles.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from fabrique.api.errors import ApiError, ErrorOut
from fabrique.transport import realtime
from fabrique.transport.api import _resource
from fabrique.transport.models import Resource, ResourceFormat

router = Router(tags=["transport"])
READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
PROTOBUF = "application/x-protobuf"
GEOJSON = "application/geo+json"


def _realtime_resource(request: HttpRequest, resource_id: int) -> Resource:
    resource = _resource(request, resource_id)
    if resource.format != ResourceFormat.GTFS_RT:
        raise ApiError(404, f"Resource {resource_id} is not a GTFS-RT feed.")
    return resource


@router.get(
    "/resources/{resource_id}/realtime",
    response={200: bytes, **READ_ERRORS},
    openapi_extra={"responses": {200: {"content": {PROTOBUF: {}}}}},
)
def relay(request: HttpRequest, resource_id: int) -> Any:
    """The last fetched GTFS-RT body of the resource, with its ``Age``.

    ``If-Modified-Since`` the last fetch: 304, no body.

    ``Cache-Control: max-age`` is what is left of the fetch period, so shared
    caches in front of reusers also wait for the next fetch.
    """
    resource = _realtime_resource(request, resource_id)
    kept = realtime.relayed(resource)
    if kept is None:
        raise ApiError(404, "This feed has not been fetched yet.")
    age = max(0, int((timezone.now() - kept.fetched_at).total_seconds()))
    period = max(int(settings.TRANSPORT_REALTIME_EVERY), kept.max_age or 0)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is not None and int(kept.fetched_at.timestamp()) <= since:
        response = HttpResponseNotModified()
    else:
        # Bodies are capped (TRANSPORT_REALTIME_MAX_BYTES): read whole.
        response = HttpResponse(kept.path.read_bytes(), content_type=PROTOBUF)
    response["Age"] = str(age)
    response["Cache-Control"] = f"public, max-age={max(0, period - age)}"
    response["Last-Modified"] = http_date(kept.fetched_at.timestamp())
    response["X-Fetched-At"] = kept.fetched_at.isoformat()
    return response


class PointOut(Schema):
    at: str
    ok: bool
    errors: int
    warnings: int
    ageSeconds: int | None
    entities: int
    tripUpdates: int
    vehicles: int
    alerts: int
    rules: dict[str, int]


class HistoryOut(Schema):
    points: list[PointOut]
    rules: dict[str, int] = NinjaField(description="Notice code -> total count.")


class HistoryParams(Schema):
    hours: int = NinjaField(24, ge=1, le=24 * 30)


@router.get(
    "/resources/{resource_id}/realtime/history/",
    response={200: HistoryOut, **READ_ERRORS},
)
def history(
    request: HttpRequest, resource_id: int, params: Query[HistoryParams]
) -> Any:
    """Per-fetch errors, warnings, header age and entity counts (oldest first)."""
    resource = _realtime_resource(request, resource_id)
    return realtime.series(resource, hours=params.hours)


class DelayOut(Schema):
    id: str
    count: int
    meanSeconds: int
    maxSeconds: int


class DelaysOut(Schema):
    fetchedAt: str | None
    byRoute: list[DelayOut]
    byStop: list[DelayOut]


@router.get(
    "/resources/{resource_id}/realtime/delays/",
    response={200: DelaysOut, **READ_ERRORS},
)
def delays(request: HttpRequest, resource_id: int) -> Any:
    """Delays of the last fetch per route and per stop, latest first."""
    resource = _realtime_resource(request, resource_id)
    return realtime.delays_of(resource)


@router.get(
    "/resources/{resource_id}/realtime/vehicles.geojson",
    response={200: dict[str, Any], **READ_ERRORS},
    openapi_extra={"responses": {200: {"content": {GEOJSON: {}}}}},
)
def vehicles(request: HttpRequest, resource_id: int) -> Any:
    """Located vehicles of the last fetch as a GeoJSON FeatureCollection."""
    resource = _realtime_resource(request, resource_id)
    response = JsonResponse(realtime.vehicles_geojson(resource))
    response["Content-Type"] = GEOJSON
    return response
