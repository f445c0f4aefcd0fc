"""Pages of a GBFS, GTFS-RT or NeTEx version: what its check found.

They read what the background task wrote in the version's folder
(``report.json``, ``summary.json``, ``gbfs.geojson``); nothing is fetched
while a page is served.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fabrique.core.concurrency import limit_concurrency
from fabrique.core.ratelimit import ratelimit
from fabrique.transport import services, storage
from fabrique.transport.formats import FORMATS, GBFS_GEOJSON, NETEX_GEOJSON
from fabrique.transport.models import Version
from fabrique.transport.views import _version_or_404

STATIONS_PER_PAGE = 50
SAMPLES_SHOWN = 5
GEOJSON_CACHE_SECONDS = 3600


def _format_version(request: HttpRequest, pk: int) -> Version:
    version = _version_or_404(request, pk)
    if version.resource.format not in FORMATS:
        raise Http404
    return version


def gbfs_geojson_data(version: Version) -> dict[str, Any]:
    """Stations and vehicles of a GBFS version as a FeatureCollection.

    Written by the check in the version's folder; for a version checked
    before that, rebuilt from the stored files (never fetched) and cached.
    """
    stored = services.read_json(version, GBFS_GEOJSON)
    if isinstance(stored, dict):
        return stored
    key = f"transport:gbfs-geojson:{version.pk}:{version.sha256}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    from fabrique.gbfs.validator import validate

    original = version.original_path
    data: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    if original.exists():
        data = validate(original, fetch_listed=False).geojson()
    cache.set(key, data, GEOJSON_CACHE_SECONDS)
    return data


def _moment(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def notices_context(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The notices of a report as the notices template shows them."""
    notices = []
    for notice in (report or {}).get("notices") or []:
        samples = notice.get("sampleNotices") or []
        notices.append(
            {
                "code": notice.get("code", ""),
                "severity": notice.get("severity", "INFO"),
                "total": notice.get("totalNotices", 0),
                "samples": [
                    sorted((str(k), v) for k, v in s.items())
                    for s in samples[:SAMPLES_SHOWN]
                    if isinstance(s, dict)
                ],
                "more": max(0, int(notice.get("totalNotices", 0)) - SAMPLES_SHOWN),
            }
        )
    return notices


def _gbfs_context(request: HttpRequest, version: Version) -> dict[str, Any]:
    features = gbfs_geojson_data(version).get("features") or []
    stations = [
        {**f.get("properties", {}), "coordinates": f["geometry"]["coordinates"]}
        for f in features
        if f.get("properties", {}).get("kind") == "station"
    ]
    query = request.GET.get("q", "").strip()[:100]
    if query:
        needle = query.casefold()
        stations = [
            s
            for s in stations
            if needle in str(s.get("name") or "").casefold()
            or needle in str(s.get("id")).casefold()
        ]
    page = Paginator(stations, STATIONS_PER_PAGE).get_page(request.GET.get("page"))
    vehicles = sum(
        1 for f in features if f.get("properties", {}).get("kind") == "vehicle"
    )
    layers = [
        {
            "url": reverse("transport:format_gbfs_geojson", args=[version.pk]),
            "kind": "points",
            "label": _("Stations and vehicles"),
            "name_property": "name",
            "detail_property": "detail",
            "color_property": "color",
            "radius": 4,
        }
    ]
    return {
        "stations_page": page,
        "query": query,
        "located_vehicles": vehicles,
        "map_layers": layers,
        "map_summary": _("%(stations)s stations, %(vehicles)s located vehicles")
        % {"stations": len(stations), "vehicles": vehicles},
        "map_links": [
            (
                _("GeoJSON of stations and vehicles"),
                reverse("transport:format_gbfs_geojson", args=[version.pk]),
            )
        ],
    }


def _gtfs_rt_context(summary: dict[str, Any]) -> dict[str, Any]:
    alerts = []
    for alert in summary.get("alerts") or []:
        alerts.append(
            {
                **alert,
                "periods": [
                    {"start": _moment(p.get("start")), "end": _moment(p.get("end"))}
                    for p in alert.get("activePeriods") or []
                ],
            }
        )
    header = summary.get("header") or {}
    return {
        "alerts": alerts,
        "feed_time": _moment(header.get("timestamp")),
        "unknown_ids": sorted((summary.get("unknownIds") or {}).items()),
        "entity_kinds": sorted((summary.get("entityKinds") or {}).items()),
    }


def _netex_context(version: Version, summary: dict[str, Any]) -> dict[str, Any]:
    located = int(summary.get("locatedStops") or 0)
    if not located:
        return {"map_layers": []}
    url = reverse("transport:format_netex_geojson", args=[version.pk])
    return {
        "map_layers": [
            {
                "url": url,
                "kind": "points",
                "label": _("Stop places and quays"),
                "name_property": "name",
                "detail_property": "kind",
                "radius": 4,
            }
        ],
        "map_summary": _("%(count)s stop places and quays with coordinates")
        % {"count": located},
        "map_links": [(_("GeoJSON of stop places and quays"), url)],
    }


@require_GET
def version_page(request: HttpRequest, pk: int) -> HttpResponse:
    """What the check of a GBFS, GTFS-RT or NeTEx version found."""
    version = _format_version(request, pk)
    resource = version.resource
    report = services.read_json(version, storage.REPORT_JSON)
    summary = services.read_json(version, storage.SUMMARY_JSON) or version.summary or {}
    fmt = resource.format
    context: dict[str, Any] = {
        "version": version,
        "resource": resource,
        "dataset": resource.dataset,
        "fmt": fmt,
        "summary": summary,
        "notices": notices_context(report),
        "has_report": report is not None,
    }
    if report is not None and fmt == "gbfs":
        context.update(_gbfs_context(request, version))
    elif report is not None and fmt == "gtfs-rt":
        context.update(_gtfs_rt_context(summary))
    elif report is not None and fmt == "netex":
        context.update(_netex_context(version, summary))
    template = "transport/formats/version.html"
    if request.headers.get("HX-Request") and request.GET.get("part") == "stations":
        template = "transport/formats/_gbfs_stations.html"
    return render(request, template, context)


@require_GET
@limit_concurrency("gbfs-map", methods=frozenset({"GET"}))
@ratelimit("gbfs-map", "RATELIMIT_GBFS_MAP", methods=frozenset({"GET"}))
def gbfs_geojson(request: HttpRequest, pk: int) -> HttpResponse:
    """Stations (with availability) and located vehicles of a GBFS version."""
    version = _format_version(request, pk)
    if version.resource.format != "gbfs":
        raise Http404
    data = gbfs_geojson_data(version)
    for feature in data.get("features") or []:
        props = feature.setdefault("properties", {})
        if props.get("kind") == "station":
            props["color"] = "#1f6f43" if props.get("is_renting") else "#8a1c1c"
            props["detail"] = _("%(vehicles)s vehicles, %(docks)s free docks") % {
                "vehicles": _count(props.get("vehicles_available")),
                "docks": _count(props.get("docks_available")),
            }
        else:
            props["color"] = "#1d4f91"
            props["name"] = props.get("vehicle_type_id") or _("Vehicle")
            props["detail"] = props.get("id")
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    return response


def _count(value: Any) -> str:
    return "?" if value is None else str(value)


@require_GET
@limit_concurrency("gbfs-map", methods=frozenset({"GET"}))
@ratelimit("gbfs-map", "RATELIMIT_GBFS_MAP", methods=frozenset({"GET"}))
def netex_geojson(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop places and quays (with coordinates) of a NeTEx version."""
    version = _format_version(request, pk)
    if version.resource.format != "netex":
        raise Http404
    data = services.read_json(version, NETEX_GEOJSON)
    if not isinstance(data, dict):
        data = {"type": "FeatureCollection", "features": []}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    return response
