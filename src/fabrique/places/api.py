"""The geocoder in the JSON API: ``/api/1/geocoder/search/`` and ``…/reverse/``.

Same parameters and GeoCodeJSON answers as the Addok-compatible routes, but
documented in the OpenAPI schema. Errors carry the API's envelope and, for
Addok's clients, Addok's ``title`` and ``description`` beside it. Routes
answer with or without the trailing slash, as Addok's.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from fabrique.api.errors import ApiError, ErrorOut, envelope
from fabrique.core import concurrency
from fabrique.core.ratelimit import RateLimited, client_ip, hit, setting_rate
from fabrique.geocoder.errors import GeocoderError

from . import jobs
from .batch import CsvFailure, geocode_upload
from .engine import IndexUnavailable
from .params import ParamError
from .views import (
    CSV_RATE,
    CSV_SCOPE,
    JSON_TYPE,
    job_accepted,
    job_links,
    run_reverse,
    run_search,
    too_many,
)

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


class JobOut(Schema):
    """A batch geocoding job: poll it until ``status`` is done or failed."""

    id: str
    status: str
    filename: str
    rows: int
    rows_done: int
    progress: int
    error: str
    created: str
    finished: str
    expires_at: str
    url: str
    page_url: str
    result_url: str | None


def addok_api_error(
    status: int, title: str, description: str, *, code: str = ""
) -> JsonResponse:
    """The API's envelope, with Addok's ``title`` and ``description`` beside it."""
    body = envelope(status, f"{title}: {description}", code=code)
    body.update(title=title, description=description)
    response = JsonResponse(body, status=status, content_type=JSON_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _call(request: HttpRequest, call: Any, allowed: set[str]) -> HttpResponse:
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        return addok_api_error(
            400,
            "Invalid parameter",
            f"Unknown parameter(s): {', '.join(unknown)}; "
            f"expected {', '.join(sorted(allowed))}.",
        )
    try:
        answer: dict[str, Any] = call(request.GET)
    except ParamError as exc:
        return addok_api_error(exc.status, exc.title, exc.description)
    except GeocoderError as exc:
        return addok_api_error(400, "Invalid parameter", str(exc))
    except IndexUnavailable as exc:
        return addok_api_error(503, "Service Unavailable", str(exc), code="unavailable")
    response = JsonResponse(answer, content_type=JSON_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


SEARCH_ANSWERS = {200: FeatureCollection, 400: ErrorOut, 503: ErrorOut}


@router.get("/search/", response=SEARCH_ANSWERS, exclude_none=True)
def search(request: HttpRequest, params: Query[SearchParams]) -> HttpResponse:
    """Search addresses, streets, municipalities, stops and places (as Addok)."""
    return _call(request, run_search, SEARCH_PARAMS)


@router.get(
    "/search",
    response=SEARCH_ANSWERS,
    exclude_none=True,
    url_name="geocoder_search_bare",
)
def search_bare(request: HttpRequest, params: Query[SearchParams]) -> HttpResponse:
    """The same as ``/search/``, without the trailing slash (as Addok's route)."""
    return _call(request, run_search, SEARCH_PARAMS)


@router.get("/reverse/", response=SEARCH_ANSWERS, exclude_none=True)
def reverse(request: HttpRequest, params: Query[ReverseParams]) -> HttpResponse:
    """Find what is nearest to a point (Addok's /reverse/)."""
    return _call(request, run_reverse, REVERSE_PARAMS)


@router.get(
    "/reverse",
    response=SEARCH_ANSWERS,
    exclude_none=True,
    url_name="geocoder_reverse_bare",
)
def reverse_bare(request: HttpRequest, params: Query[ReverseParams]) -> HttpResponse:
    """The same as ``/reverse/``, without the trailing slash (as Addok's route)."""
    return _call(request, run_reverse, REVERSE_PARAMS)


CSV_DESCRIPTION = (
    "Form fields as Addok's: `data` (the CSV file), repeated `columns` making "
    "the query (default: all), `delimiter`, `encoding`, `with_bom`, and "
    "`type`, `postcode`, `citycode`, `lat`, `lon` naming columns. A small file "
    "(`GEOCODER_CSV_SYNC_ROWS` rows, `GEOCODER_CSV_SYNC_SECONDS` seconds) is "
    "answered at once; a bigger one answers 202 with a job to poll under "
    "`/api/1/geocoder/jobs/{id}/`. Limited per client "
    "(`RATELIMIT_GEOCODER_CSV`, `CONCURRENCY_HEAVY_PER_CLIENT`)."
)


def _csv(request: HttpRequest, data: UploadedFile, *, is_reverse: bool) -> HttpResponse:
    client = client_ip(request)
    try:
        hit(CSV_SCOPE, client, setting_rate(CSV_RATE))
        with concurrency.slot(
            CSV_SCOPE,
            client,
            concurrency.client_limit(),
            lease=concurrency.lease_seconds(),
        ):
            answer = geocode_upload(
                data, request.POST, is_reverse=is_reverse, client=client
            )
    except CsvFailure as exc:
        return addok_api_error(exc.status, exc.title, exc.description)
    except (RateLimited, concurrency.Busy) as exc:
        limited = too_many(exc)
        response = addok_api_error(
            429, "Too Many Requests", str(exc), code="rate_limited"
        )
        response["Retry-After"] = limited["Retry-After"]
        return response
    if isinstance(answer, jobs.Job):
        return job_accepted(request, answer)
    return answer


@router.post("/search/csv/", description=CSV_DESCRIPTION)
def search_csv(request: HttpRequest, data: File[UploadedFile]) -> HttpResponse:
    """Geocode each row of a CSV file (as Addok's /search/csv/)."""
    return _csv(request, data, is_reverse=False)


@router.post("/reverse/csv/", description=CSV_DESCRIPTION)
def reverse_csv(request: HttpRequest, data: File[UploadedFile]) -> HttpResponse:
    """Reverse-geocode each row's latitude and longitude (as Addok's /reverse/csv/)."""
    return _csv(request, data, is_reverse=True)


def _job_out(job: jobs.Job) -> dict[str, Any]:
    links = job_links(job)
    return {
        "id": job.id,
        "status": job.status,
        "filename": job.filename,
        "rows": job.rows_total,
        "rows_done": job.rows_done,
        "progress": job.percent,
        "error": job.error,
        "created": job.created,
        "finished": job.finished,
        "expires_at": job.expires_at,
        "url": links["url"],
        "page_url": links["page_url"],
        "result_url": links["result_url"] if job.status == jobs.DONE else None,
    }


@router.get(
    "/jobs/{job_id}/",
    response={200: JobOut, 404: ErrorOut},
    url_name="geocoder_job",
)
def batch_job(request: HttpRequest, job_id: str) -> dict[str, Any]:
    """A batch geocoding job: status, progress, and the result's address once done.

    Jobs and their results are removed `GEOCODER_JOB_HOURS` after the upload.
    """
    job = jobs.load(job_id)
    if job is None:
        raise ApiError(404, "No such batch geocoding job, or it has expired.")
    return _job_out(job)
