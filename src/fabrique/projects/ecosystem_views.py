"""Pages where the ecosystem sees itself: the graph, the map, the dashboards.

The graph page draws on a canvas from the same JSON as the API, with the
same filters, and lists the nodes as links for keyboards and screen readers.
The dashboards are SVG drawn on the server, each with its table and CSV.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fabrique.api.errors import ApiError
from fabrique.catalog.models import Kind, Place, Theme
from fabrique.community.models import Challenge, Domain, Experiment
from fabrique.csvcells import defuse_all
from fabrique.projects import dashboards, graph
from fabrique.projects.ecosystem_api import GraphParams, graph_from_params

LIST_LIMIT = 1000


def graph_page(request: HttpRequest) -> HttpResponse:
    """The interactive graph, its filters and the list of its nodes."""
    chosen = {
        name: request.GET.get(name, "").strip()
        for name in ("domain", "kind", "theme", "center")
    }
    error = ""
    try:
        found = graph_from_params(GraphParams(**chosen))
    except ApiError as exc:
        error, found = exc.message, graph.as_json(graph.Graph())
    query = urlencode({k: v for k, v in chosen.items() if v})
    groups: dict[str, list[dict[str, Any]]] = {}
    for node in found["nodes"][:LIST_LIMIT]:
        groups.setdefault(node["type"], []).append(node)
    return render(
        request,
        "ecosystem/graph.html",
        {
            "chosen": chosen,
            "error": error,
            "domains": Domain.objects.filter(hidden=False).only("slug", "name"),
            "themes": Theme.objects.all(),
            "kinds": Kind.choices,
            "data_url": reverse("api:ecosystem_graph") + (f"?{query}" if query else ""),
            "groups": [
                (graph.TYPE_LABELS[t], t, groups[t])
                for t in graph.NODE_TYPES
                if t in groups
            ],
            "node_count": len(found["nodes"]),
            "edge_count": len(found["edges"]),
            "listed": min(len(found["nodes"]), LIST_LIMIT),
            "truncated": found["truncated"],
        },
    )


def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Every chart, each with its table and CSV download."""
    key = dashboards.cache_key("page")
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "ecosystem/_charts.html",
            # Month ticks on quarters: one label every three bars keeps them apart.
            {"charts": dashboards.charts(), "quarters": ("01", "04", "07", "10")},
        )
        cache.set(key, html, dashboards.CACHE_SECONDS)
    return render(request, "ecosystem/dashboard.html", {"charts_html": mark_safe(html)})


def dashboard_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One chart's table as CSV (UTF-8 with a byte-order mark, for spreadsheets)."""
    chart = dashboards.chart(slug)
    if chart is None:
        raise Http404(_("No such chart."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="fabrique-{slugify(chart.slug)}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    # Labels come from stored data (themes, names): formulas are defused.
    writer.writerow(defuse_all(str(column) for column in chart.columns))
    for row in chart.rows:
        writer.writerow(defuse_all(row))
    return response


# Map -------------------------------------------------------------------------

MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 720, 520, 24


@dataclass
class Point:
    x: float
    y: float
    label: str
    detail: str
    url: str
    layer: str  # "actor" or "experiment"


def _project(points: list[dict[str, Any]]) -> list[Point]:
    """Place points at their true relative positions (local equirectangular)."""
    if not points:
        return []
    lats = [p["lat"] for p in points]
    lons = [p["lon"] for p in points]
    mid = math.cos(math.radians((max(lats) + min(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * mid, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((MAP_WIDTH - 2 * MAP_PAD) / span_x, (MAP_HEIGHT - 2 * MAP_PAD) / span_y)
    off_x = (MAP_WIDTH - span_x * scale) / 2
    off_y = (MAP_HEIGHT - span_y * scale) / 2
    return [
        Point(
            round(off_x + (p["lon"] - min(lons)) * mid * scale, 1),
            round(off_y + (max(lats) - p["lat"]) * scale, 1),
            p["label"],
            p["detail"],
            p["url"],
            p["layer"],
        )
        for p in points
    ]


def _map_points() -> list[dict[str, Any]]:
    """Actors' places and experiments (challenges without one: their place)."""
    points: list[dict[str, Any]] = []
    for place in Place.objects.filter(actor__hidden=False).select_related("actor"):
        points.append(
            {
                "lat": place.lat,
                "lon": place.lon,
                "label": place.actor.name,
                "detail": place.city or place.name,
                "url": place.actor.get_absolute_url(),
                "layer": "actor",
            }
        )
    experiments = Experiment.objects.filter(challenge__hidden=False).select_related(
        "challenge"
    )
    for experiment in experiments:
        points.append(
            {
                "lat": experiment.lat,
                "lon": experiment.lon,
                "label": experiment.title,
                "detail": experiment.place_name,
                "url": experiment.challenge.get_absolute_url(),
                "layer": "experiment",
            }
        )
    challenges = Challenge.objects.filter(hidden=False).exclude(lat=None)
    for challenge in challenges.exclude(experiments__isnull=False):
        points.append(
            {
                "lat": challenge.lat,
                "lon": challenge.lon,
                "label": challenge.title,
                "detail": challenge.place_name,
                "url": challenge.get_absolute_url(),
                "layer": "experiment",
            }
        )
    return points


def map_geojson(request: HttpRequest) -> JsonResponse:
    """The map's points as GeoJSON (``?layer=actor`` or ``experiment``)."""
    layer = request.GET.get("layer", "")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
            "properties": {
                "name": p["label"],
                "detail": p["detail"],
                "url": p["url"],
                "layer": p["layer"],
            },
        }
        for p in _map_points()
        if not layer or p["layer"] == layer
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    return response


def map_page(request: HttpRequest) -> HttpResponse:
    """Actors' places and experiments on the base map, with the lists beside."""
    points = _map_points()
    projected = _project(points)
    return render(
        request,
        "ecosystem/map.html",
        {
            "points": projected,
            "actors": [p for p in projected if p.layer == "actor"],
            "experiments": [p for p in projected if p.layer == "experiment"],
            "labels": _place_labels(projected),
            "width": MAP_WIDTH,
            "height": MAP_HEIGHT,
            "layers": [
                {
                    "url": reverse("ecosystem:map_geojson") + "?layer=actor",
                    "kind": "points",
                    "label": _("actors"),
                    "detail_property": "detail",
                    "color": "#b3541e",
                    "radius": 6,
                    "link_text": _("Open its page"),
                },
                {
                    "url": reverse("ecosystem:map_geojson") + "?layer=experiment",
                    "kind": "points",
                    "label": _("experiments and micro-challenges"),
                    "detail_property": "detail",
                    "color": "#1f5fa8",
                    "radius": 6,
                    "link_text": _("Open its page"),
                },
            ],
        },
    )


def _place_labels(points: list[Point]) -> list[Point]:
    """One name per town, where it does not cover another name."""
    placed: list[Point] = []
    for point in points:
        town = point.detail.split(" — ")[0].split(",")[0]
        # About 7 px per character at the labels' 12 px size.
        clash = any(
            point.x + 9 < other.x + 7 * len(other.label) + 4
            and other.x < point.x + 9 + 7 * len(town) + 4
            and abs(point.y + 4 - other.y) < 14
            for other in placed
        )
        if town and not clash:
            placed.append(Point(point.x + 9, point.y + 4, town, "", "", "label"))
    return placed
