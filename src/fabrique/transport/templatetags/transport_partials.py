"""The map and service-calendar partials, for any page that shows them.

``{% load transport_partials %}`` then, in ``{% block head %}``,
``{% map_assets %}``; in the page, ``{% version_map version %}`` and
``{% version_calendar version %}`` for a transport version, or
``{% leaflet_map "id" layers label summary %}`` for any GeoJSON layers
(a list of ``{"url", "kind": "points"|"lines", "label"}``).
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fabrique.transport import basemap, storage
from fabrique.transport.service_calendar import service_months

register = template.Library()


@register.simple_tag
def map_assets() -> SafeString:
    """The Leaflet style and scripts, and the map's own (put in the head)."""
    reader = SafeString("")
    if _basemap_url():
        reader = format_html('<script src="{}" defer></script>', static(basemap.READER))
    return format_html(
        '<link rel="stylesheet" href="{}">'
        '<link rel="stylesheet" href="{}">'
        '<script src="{}" defer></script>'
        "{}"
        '<script src="{}" defer></script>',
        static("leaflet/leaflet.css"),
        static("transport/map.css"),
        static("leaflet/leaflet.js"),
        reader,
        static("transport/map.js"),
    )


def _basemap_url() -> str:
    """The offline base map's address, unless tiles replace it or it is absent."""
    if getattr(settings, "MAP_TILES", ""):
        return ""
    return static(basemap.TOPOLOGY) if basemap.available() else ""


@register.simple_tag
def calendar_assets() -> SafeString:
    """The service calendar's style (put in the head)."""
    return format_html(
        '<link rel="stylesheet" href="{}">', static("transport/calendar.css")
    )


@register.filter
def as_json(value: Any) -> str:
    """JSON text for a data attribute (the template escapes it)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def tiles() -> dict[str, str]:
    url = _basemap_url()
    return {
        "url": getattr(settings, "MAP_TILES", ""),
        "attribution": getattr(settings, "MAP_TILES_ATTRIBUTION", ""),
        "basemap": url,
        # Space-separated addresses of the subdivision outlines.
        "regions": " ".join(static(name) for name in basemap.region_files())
        if url
        else "",
    }


@register.inclusion_tag("transport/_map.html")
def leaflet_map(
    map_id: str,
    layers: list[dict[str, Any]],
    label: str,
    summary: str = "",
    links: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A Leaflet map of GeoJSON ``layers`` with a text alternative."""
    return {
        "map_id": map_id,
        "layers": layers,
        "label": label,
        "summary": summary,
        "links": links or [],
        "tiles": tiles(),
    }


def _api_url(name: str, version_id: int, filename: str) -> str:
    try:
        return reverse(f"api:{name}", kwargs={"version_id": version_id})
    except NoReverseMatch:
        return f"/api/1/transport/versions/{version_id}/{filename}"


def _counts(version: Any) -> tuple[int | None, int | None]:
    summary = getattr(version, "summary", None) or {}
    counts = summary.get("counts") or {}
    stops = counts.get("locations", counts.get("stops"))
    lines = None
    path = version.directory / storage.LINES_GEOJSON
    if path.is_file():
        try:
            lines = len(json.loads(path.read_text(encoding="utf-8"))["features"])
        except (OSError, ValueError, KeyError, TypeError):
            lines = None
    return stops, lines


@register.inclusion_tag("transport/_map.html")
def version_map(
    version: Any, extra_layers: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The map of a version's stops and lines, read from the transport API.

    ``extra_layers``: more GeoJSON layers drawn on top (real-time vehicles).
    """
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    stops_url = _api_url("stops_geojson", version.pk, "stops.geojson")
    lines_url = _api_url("lines_geojson", version.pk, "lines.geojson")
    stops, lines = _counts(version)
    parts = []
    if stops is not None:
        parts.append(
            ngettext("%(n)s stop", "%(n)s stops", stops)
            % {"n": number_format(stops, force_grouping=True)}
        )
    if lines is not None:
        parts.append(
            ngettext("%(n)s line drawn", "%(n)s lines drawn", lines)
            % {"n": number_format(lines, force_grouping=True)}
        )
    return {
        "map_id": f"version-map-{version.pk}",
        "layers": [
            {"url": lines_url, "kind": "lines", "label": _("Lines")},
            {"url": stops_url, "kind": "points", "label": _("Stops")},
            *(extra_layers or []),
        ],
        "label": _("Map of the stops and lines of version %(number)s")
        % {"number": version.number},
        "summary": ", ".join(parts),
        "links": [
            (_("Stops (GeoJSON)"), stops_url),
            (_("Lines (GeoJSON)"), lines_url),
        ],
        "tiles": tiles(),
    }


def _read_calendar(version: Any) -> dict[str, int]:
    path = version.directory / storage.CALENDAR_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int | float)}


@register.inclusion_tag("transport/_calendar.html")
def version_calendar(version: Any) -> dict[str, Any]:
    """The month-by-month service calendar of a version (from calendar.json)."""
    calendar = service_months(
        _read_calendar(version),
        valid_from=getattr(version, "valid_from", None),
        valid_until=getattr(version, "valid_until", None),
    )
    return {"calendar": calendar, "calendar_id": f"calendar-{version.pk}"}
