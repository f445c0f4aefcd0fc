"""Addok-compatible routes: ``/search/``, ``/reverse/`` and their ``csv/`` variants.

Answers and errors have Addok's shapes (GeoCodeJSON, and
``{"title", "description"}`` with a 400), so existing Addok clients work
unchanged; the same services are in the OpenAPI under ``/api/1/geocoder/``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse as url_for
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from fabrique.core import concurrency
from fabrique.core.ratelimit import RateLimited, client_ip, hit, setting_rate
from fabrique.geocoder.errors import GeocoderError

from . import jobs, lean
from .batch import CsvFailure, geocode_upload
from .engine import IndexUnavailable
from .params import ParamError

# Addok writes its JSON with Python's defaults (non-ASCII escaped) and says so.
JSON_TYPE = "application/json; charset=utf-8"
CSV_SCOPE = "geocoder-csv"
CSV_RATE = "RATELIMIT_GEOCODER_CSV"


def addok_error(status: int, title: str, description: str) -> JsonResponse:
    """Answer an error in Addok's shape."""
    # Addok's errors (falcon's) say application/json without a charset.
    response = JsonResponse({"title": title, "description": description}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(content: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(content, content_type=JSON_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


# The lean path's (``lean``): the JSON routes are answered there first.
run_search = lean.search
run_reverse = lean.reverse


def _answer(call: Any, params: Any) -> HttpResponse:
    try:
        return _json(call(params))
    except ParamError as exc:
        return addok_error(exc.status, exc.title, exc.description)
    except GeocoderError as exc:
        return addok_error(400, "Invalid parameter", str(exc))
    except IndexUnavailable as exc:
        return addok_error(503, "Service Unavailable", str(exc))


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    return _answer(run_search, request.GET)


@require_GET
def reverse(request: HttpRequest) -> HttpResponse:
    return _answer(run_reverse, request.GET)


def job_links(job: jobs.Job) -> dict[str, Any]:
    """Where a client follows a queued batch job."""
    return {
        "id": job.id,
        "status": job.status,
        "rows": job.rows_total,
        "url": url_for("api:geocoder_job", args=[job.id]),
        "page_url": url_for("places:batch_job", args=[job.id]),
        "result_url": url_for("places:batch_result", args=[job.id]),
    }


def _prefers_html(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept.split(",")[0]


def job_accepted(request: HttpRequest, job: jobs.Job) -> HttpResponse:
    """202 with the job's links (a browser is sent to the job's page)."""
    links = job_links(job)
    if _prefers_html(request):
        return redirect(links["page_url"])
    description = (
        f"The file has {job.rows_total:,} rows, more than are geocoded at once: "
        "it is geocoded in the background. Poll url until status is done, "
        "then download result_url."
    )
    response = JsonResponse(
        {"title": "Accepted", "description": description, **links},
        status=202,
        content_type=JSON_TYPE,
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Location"] = links["url"]
    return response


def too_many(exc: RateLimited | concurrency.Busy) -> JsonResponse:
    """429 in Addok's shape, with Retry-After."""
    if isinstance(exc, RateLimited):
        description = (
            f"At most {exc.rate.count} files in {exc.rate.seconds} seconds; "
            f"retry in {exc.retry_after} seconds."
        )
    else:
        description = (
            f"At most {exc.limit} files of one client are geocoded at once; "
            "retry when one has ended."
        )
    response = addok_error(429, "Too Many Requests", description)
    response["Retry-After"] = str(exc.retry_after)
    return response


def geocode_csv(request: HttpRequest, *, is_reverse: bool) -> HttpResponse:
    """Run a CSV upload through the batch geocoder: the file, or a job's links."""
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
                request.FILES.get("data"),
                request.POST,
                is_reverse=is_reverse,
                client=client,
            )
    except CsvFailure as exc:
        return addok_error(exc.status, exc.title, exc.description)
    except (RateLimited, concurrency.Busy) as exc:
        return too_many(exc)
    if isinstance(answer, jobs.Job):
        return job_accepted(request, answer)
    return answer


@csrf_exempt
@require_http_methods(["POST"])
def search_csv_view(request: HttpRequest) -> HttpResponse:
    return geocode_csv(request, is_reverse=False)


@csrf_exempt
@require_http_methods(["POST"])
def reverse_csv_view(request: HttpRequest) -> HttpResponse:
    return geocode_csv(request, is_reverse=True)
