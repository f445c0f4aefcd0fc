"""Addok-compatible routes: ``/search/``, ``/reverse/`` and their ``csv/`` variants.

Answers and errors have Addok's shapes (GeoCodeJSON, and
``{"title", "description"}`` with a 400), so existing Addok clients work
unchanged; the same services are in the OpenAPI under ``/api/1/geocoder/``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from fabrique.geocoder.errors import GeocoderError

from .answers import collection
from .batch import CsvFailure, geocode_upload
from .engine import IndexUnavailable, get_index
from .params import FILTERS, ParamError, reverse_options, search_options


def addok_error(status: int, title: str, description: str) -> JsonResponse:
    """Answer an error in Addok's shape."""
    response = JsonResponse({"title": title, "description": description}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(content: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(content, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def run_search(params: Any) -> dict[str, Any]:
    """Search with Addok's parameters (raises ParamError, GeocoderError …)."""
    options = search_options(params)
    results = get_index().search(**options)
    filters = {k: [options[k]] for k in FILTERS if k in options}
    center = None
    if options["lat"] is not None:
        center = (options["lat"], options["lon"])
    return collection(results, query=options["text"], filters=filters,
                      center=center, limit=options["limit"])  # fmt: skip


def run_reverse(params: Any) -> dict[str, Any]:
    """Reverse with Addok's parameters."""
    options = reverse_options(params)
    results = get_index().reverse(**options)
    filters = {"type": [options["type"]]} if options["type"] else None
    return collection(results, filters=filters, limit=options["limit"])


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


def geocode_csv(request: HttpRequest, *, is_reverse: bool) -> HttpResponse:
    """Run a CSV upload through the batch geocoder; answer the result file."""
    try:
        return geocode_upload(
            request.FILES.get("data"), request.POST, is_reverse=is_reverse
        )
    except CsvFailure as exc:
        return addok_error(exc.status, exc.title, exc.description)


@csrf_exempt
@require_http_methods(["POST"])
def search_csv_view(request: HttpRequest) -> HttpResponse:
    return geocode_csv(request, is_reverse=False)


@csrf_exempt
@require_http_methods(["POST"])
def reverse_csv_view(request: HttpRequest) -> HttpResponse:
    return geocode_csv(request, is_reverse=True)
