"""Addok-compatible routes: ``/search/``, ``/reverse/`` and their ``csv/`` variants.

Answers and errors have Addok's shapes (GeoCodeJSON, and
``{"title", "description"}`` with a 400), so existing Addok clients work
unchanged; the same services are in the OpenAPI under ``/api/1/geocoder/``.
"""

from __future__ import annotations

import io
import tempfile
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from fabrique.geocoder.batch import reverse_csv, search_csv
from fabrique.geocoder.errors import GeocoderError

from .answers import collection
from .engine import IndexUnavailable, get_index
from .params import FILTERS, ParamError, reverse_options, search_options

CSV_FILTERS = FILTERS


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
    """Run a CSV upload through the batch geocoder; stream the result file."""
    upload = request.FILES.get("data")
    if upload is None:
        return addok_error(400, "Missing file", 'Send the CSV as the "data" field.')
    if upload.size and upload.size > settings.GEOCODER_CSV_MAX_BYTES:
        return addok_error(
            413, "File too large",
            f"The file has {upload.size:,} bytes; at most "
            f"{settings.GEOCODER_CSV_MAX_BYTES:,} are accepted.",
        )  # fmt: skip
    params = request.POST
    encoding = params.get("encoding") or "utf-8-sig"
    try:
        codec = io.TextIOWrapper(upload.file, encoding=encoding, newline="")  # type: ignore[arg-type]
    except LookupError:
        return addok_error(400, "Invalid parameter", f"Unknown encoding {encoding!r}.")
    delimiter = params.get("delimiter") or None
    filters = {k: params[k] for k in CSV_FILTERS if params.get(k)}
    plain = encoding.lower().replace("_", "-") == "utf-8-sig"
    out_encoding = "utf-8" if plain else encoding
    # Spooled to disk past 8 MB; the response closes it once sent.
    target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")  # noqa: SIM115
    text = io.TextIOWrapper(target, encoding=out_encoding, newline="")
    if out_encoding.lower().startswith("utf") and _flag(params.get("with_bom")):
        text.write("\ufeff")
    try:
        index = get_index()
        if is_reverse:
            reverse_csv(index, codec, text, delimiter=delimiter, filters=filters,
                        name=upload.name or "data")  # fmt: skip
        else:
            search_csv(
                index, codec, text, columns=params.getlist("columns") or None,
                delimiter=delimiter, filters=filters, lat_column=params.get("lat"),
                lon_column=params.get("lon"), name=upload.name or "data",
            )  # fmt: skip
        text.flush()
    except GeocoderError as exc:
        return addok_error(400, "Invalid CSV", str(exc))
    except UnicodeDecodeError as exc:
        return addok_error(
            400, f'Unable to decode with encoding "{encoding}"', str(exc)
        )
    except UnicodeEncodeError as exc:
        return addok_error(400, "Wrong encoding", str(exc))
    except IndexUnavailable as exc:
        return addok_error(503, "Service Unavailable", str(exc))
    finally:
        codec.detach()
    text.detach()
    target.seek(0)
    name = (upload.name or "data.csv").rsplit(".", 1)[0] + ".geocoded.csv"
    response = FileResponse(
        target, as_attachment=True, filename=name,
        content_type=f"text/csv; charset={out_encoding}",
    )  # fmt: skip
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@csrf_exempt
@require_http_methods(["POST"])
def search_csv_view(request: HttpRequest) -> HttpResponse:
    return geocode_csv(request, is_reverse=False)


@csrf_exempt
@require_http_methods(["POST"])
def reverse_csv_view(request: HttpRequest) -> HttpResponse:
    return geocode_csv(request, is_reverse=True)
