"""The geocoder in the JSON API: ``/api/1/geocoder/search/`` and ``…/reverse/``.

Same parameters and GeoCodeJSON answers as the Addok-compatible routes, but
documented in the OpenAPI schema and failing with the API's error envelope.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from fabrique.api.errors import ApiError
from fabrique.geocoder.errors import GeocoderError

from .batch import CsvFailure, geocode_upload
from .engine import IndexUnavailable
from .params import ParamError
from .views import run_reverse, run_search

router = Router(tags=["geocoder"])

SEARCH_PARAMS = {"q", "limit", "autocomplete", "lat", "lon", "type", "postcode",
                 "citycode"}  # fmt: skip
REVERSE_PARAMS = {"lat", "lon", "type", "limit"}


class SearchParams(Schema):
    q: str
    limit: int = 5
    autocomplete: bool = True
    lat: float | None = None
    lon: float | None = None
    type: str | None = None
    postcode: str | None = None
    citycode: str | None = None


class ReverseParams(Schema):
    lat: float
    lon: float
    type: str | None = None
    limit: int = 1


class FeatureCollection(Schema):
    """A GeoCodeJSON FeatureCollection, as Addok answers."""

    type: str
    version: str
    features: list[dict[str, Any]]
    attribution: str
    licence: str
    query: str | None = None
    filters: dict[str, list[str]] | None = None
    center: list[float] | None = None
    limit: int | None = None


def _call(request: HttpRequest, call: Any, allowed: set[str]) -> dict[str, Any]:
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ApiError(
            400,
            f"Unknown parameter(s): {', '.join(unknown)}.",
            details={"allowed": sorted(allowed)},
        )
    try:
        answer: dict[str, Any] = call(request.GET)
    except ParamError as exc:
        raise ApiError(exc.status, exc.description) from None
    except GeocoderError as exc:
        raise ApiError(400, str(exc)) from None
    except IndexUnavailable as exc:
        raise ApiError(503, str(exc), code="unavailable") from None
    return answer


@router.get("/search/", response=FeatureCollection, exclude_none=True)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Search addresses, streets, municipalities, stops and places (as Addok)."""
    return _call(request, run_search, SEARCH_PARAMS)


@router.get("/reverse/", response=FeatureCollection, exclude_none=True)
def reverse(request: HttpRequest, params: Query[ReverseParams]) -> dict[str, Any]:
    """Find what is nearest to a point (Addok's /reverse/)."""
    return _call(request, run_reverse, REVERSE_PARAMS)


CSV_DESCRIPTION = (
    "Form fields as Addok's: `data` (the CSV file), repeated `columns` making "
    "the query (default: all), `delimiter`, `encoding`, `with_bom`, and "
    "`type`, `postcode`, `citycode`, `lat`, `lon` naming columns."
)


def _csv(request: HttpRequest, data: UploadedFile, *, is_reverse: bool) -> HttpResponse:
    try:
        return geocode_upload(data, request.POST, is_reverse=is_reverse)
    except CsvFailure as exc:
        raise ApiError(exc.status, f"{exc.title}: {exc.description}") from None


@router.post("/search/csv/", description=CSV_DESCRIPTION)
def search_csv(request: HttpRequest, data: File[UploadedFile]) -> HttpResponse:
    """Geocode each row of a CSV file (as Addok's /search/csv/)."""
    return _csv(request, data, is_reverse=False)


@router.post("/reverse/csv/", description=CSV_DESCRIPTION)
def reverse_csv(request: HttpRequest, data: File[UploadedFile]) -> HttpResponse:
    """Reverse-geocode each row's latitude and longitude (as Addok's /reverse/csv/)."""
    return _csv(request, data, is_reverse=True)
