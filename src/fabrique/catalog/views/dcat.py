"""DCAT-AP exports: each commons, each transport dataset, the whole catalogue.

As ckanext-dcat serves them: by URL suffix (``/communs/<slug>.ttl``,
``.rdf``, ``.jsonld``, ``.nt``) and by ``Accept`` header on the commons page.
The catalogue (``/catalogue.ttl``…) is paged with hydra ``PartialCollection``
links, ordered by id, filtered by ``?modified_since=``; each page is built on
its own, so memory stays bounded whatever the catalogue's size.

These routes sit beside the pages rather than under ``/api/1/``: they are
representations of the pages' resources (the same URI, negotiated), which is
what DCAT harvesters expect, and their bodies are RDF documents that the
OpenAPI schema could only describe as opaque strings.

The engine (``fabrique.standards.dcat``) knows no Django: this module turns
models into the plain dicts it reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime

from fabrique.catalog.models import Commons, Kind
from fabrique.core.permissions import can_view
from fabrique.standards import dcat

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
# The media types a commons page answers with, HTML first (the default).
PAGE_TYPES = ["text/html"] + [media for _, media, _ in dcat.SYNTAXES.values()]


SLUG = "__slug__"


class _Addresses:
    """The absolute addresses of one request's pages, each route reversed
    once: ``reverse()`` and ``build_absolute_uri()`` for every commons, theme
    and publisher of a page of 100 cost more than writing the page's RDF."""

    def __init__(self, request: HttpRequest) -> None:
        self.root = request.build_absolute_uri("/")[:-1]
        self._routes: dict[str, str] = {}
        self._labels: dict[str, str] = {}

    def label(self, field: str) -> str:
        """A commons field's name in the request's language."""
        found = self._labels.get(field)
        if found is None:
            name = Commons._meta.get_field(field).verbose_name  # type: ignore[union-attr]
            found = self._labels[field] = str(name)
        return found

    def of(self, route: str, slug: str) -> str:
        pattern = self._routes.get(route)
        if pattern is None:
            pattern = self._routes[route] = reverse(route, args=[SLUG])
        return self.root + pattern.replace(SLUG, slug)


def _addresses(request: HttpRequest) -> _Addresses:
    found = getattr(request, "_dcat_addresses", None)
    if found is None:
        found = _Addresses(request)
        request._dcat_addresses = found  # type: ignore[attr-defined]
    return found


def _site_agent(request: HttpRequest) -> dict[str, Any]:
    home = request.build_absolute_uri("/")
    return {"uri": home, "name": settings.SITE_NAME, "homepage": home}


def _licence(commons: Commons) -> str:
    return commons.licence or ""


def _transport(commons: Commons) -> Any:
    """The commons' transport dataset, or None (no query when prefetched)."""
    try:
        return commons.transport_dataset
    except Commons.transport_dataset.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


def _agent(request: HttpRequest, actor: Any) -> dict[str, Any]:
    return {
        "uri": _addresses(request).of("catalog:actor", actor.slug),
        "name": actor.name,
        "homepage": actor.website or "",
    }


def origin_of(commons: Commons) -> str:
    """The origin URI of a commons harvested from elsewhere, else ''."""
    try:
        remote = commons.remote  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return ""
    return str(getattr(remote, "origin_uri", "") or "")


def _described(urls: Any, commons: Commons) -> dict[str, Any]:
    """What a dataset and a data service of a commons say alike; a harvested
    commons names its origin (never re-exported as this site's own)."""
    uri = urls.of("catalog:commons", commons.slug)
    return {
        "uri": uri,
        "source": origin_of(commons),
        "title": commons.title,
        "summary": commons.summary,
        "description": commons.description,
        "landing_page": uri,
        "tags": list(commons.tags or []),
        "themes": [
            {
                "uri": urls.of("catalog:theme", theme.slug),
                "label": theme.name,
            }
            for theme in commons.themes.all()
        ],
        "licence": _licence(commons),
        "created": commons.created,
        "modified": commons.updated,
        "publisher": None,
        "contact": {
            "name": commons.title,
            "url": urls.of("catalog:community", commons.slug),
        },
    }


def commons_dict(request: HttpRequest, commons: Commons) -> dict[str, Any]:
    """The engine's dict of one commons (a dataset; see ``standards.dcat``)."""
    urls = _addresses(request)
    data = _described(urls, commons)
    uri = data["uri"]
    data["distributions"] = []
    links = [
        ("download", "download_url", True),
        ("repository", "repository_url", False),
        ("documentation", "documentation_url", False),
    ]
    for key, field, downloadable in links:
        url = getattr(commons, field)
        if url:
            data["distributions"].append(
                {
                    "uri": f"{uri}#{key}",
                    "title": urls.label(field),
                    "access_url": url,
                    "download_url": url if downloadable else "",
                    "format": "",
                }
            )
    dataset = _transport(commons)
    if dataset is not None:
        _add_transport(request, data, dataset)
    return data


def service_dict(request: HttpRequest, commons: Commons) -> dict[str, Any]:
    """The engine's dict of a commons of kind service (a ``dcat:DataService``):
    its address (the demo link, else its documentation, else its page) is the
    endpoint, its documentation the endpoint's description."""
    data = _described(_addresses(request), commons)
    data["endpoint_url"] = commons.demo_url or commons.documentation_url or data["uri"]
    data["endpoint_description"] = commons.documentation_url
    data["serves"] = []
    return data


def _add_transport(request: HttpRequest, data: dict[str, Any], dataset: Any) -> None:
    """A transport dataset's resources and mobility facts, on its commons' dict."""
    page = _addresses(request).of("transport:dataset", dataset.commons.slug)
    data["landing_page"] = page
    data["publisher"] = (
        _agent(request, dataset.publisher)
        if dataset.publisher is not None
        else _site_agent(request)
    )
    resources = list(dataset.resources.all())
    data["distributions"] = [
        {
            "uri": f"{page}#resource-{resource.pk}",
            "title": resource.title,
            "access_url": resource.url or page,
            "download_url": resource.url,
            "format": resource.format,
        }
        for resource in resources
    ]
    hours = [r.fetch_every_hours for r in resources if r.fetch_every_hours]
    formats = sorted({r.format for r in resources} | set(dataset.formats or []))
    data["transport"] = {
        "formats": formats,
        "coverage": dataset.coverage,
        "bbox": dataset.bbox,
        "transport_modes": [],
        "update_hours": min(hours) if hours else None,
    }


def _services(request: HttpRequest, transport_uris: list[str]) -> list[dict]:
    """The APIs of the site as DCAT data services."""
    openapi = request.build_absolute_uri("/api/1/openapi.json")
    docs = request.build_absolute_uri("/api/1/docs")
    agent = _site_agent(request)
    return [
        {
            "uri": request.build_absolute_uri("/api/1/geocoder/"),
            "title": "Géocodeur",
            "description": "Adresses et lieux vers des coordonnées, et inversement.",
            "endpoint_url": request.build_absolute_uri("/api/1/geocoder/"),
            "endpoint_description": openapi,
            "landing_page": docs,
            "licence": "",
            "serves": [],
            "publisher": agent,
        },
        {
            "uri": request.build_absolute_uri("/api/1/transport/datasets/"),
            "title": "Prochains départs",
            "description": (
                "Les prochains départs à un arrêt, lus dans la dernière "
                "version valide des horaires GTFS d'un jeu de données."
            ),
            "endpoint_url": request.build_absolute_uri("/api/1/transport/datasets/"),
            "endpoint_description": openapi,
            "landing_page": docs,
            "licence": "",
            "serves": transport_uris,
            "publisher": agent,
        },
    ]


def catalog_dict(
    request: HttpRequest,
    commons: Iterable[Commons],
    *,
    page: dict[str, Any] | None = None,
    services: bool = True,
) -> dict[str, Any]:
    """The engine's dict of a catalogue holding ``commons``: services as
    data services, the others as datasets, and the site's own APIs when
    ``services``."""
    datasets: list[dict[str, Any]] = []
    served: list[dict[str, Any]] = []
    for one in commons:
        if one.kind == Kind.SERVICE:
            served.append(service_dict(request, one))
        else:
            datasets.append(commons_dict(request, one))
    transport_uris = [d["uri"] for d in datasets if "transport" in d]
    return {
        "uri": request.build_absolute_uri(reverse("catalog:catalogue")),
        "title": f"{settings.SITE_NAME} — catalogue des communs",
        "description": "Les communs de la mobilité : données, logiciels, "
        "matériels, savoirs et services ouverts.",
        "homepage": request.build_absolute_uri("/"),
        "language": settings.LANGUAGE_CODE[:2],
        "publisher": _site_agent(request),
        "spatial": COUNTRY + getattr(settings, "DCAT_COUNTRY", "FRA"),
        "modified": max((c["modified"] for c in datasets + served), default=None),
        "datasets": datasets,
        "services": served + (_services(request, transport_uris) if services else []),
        "page": page,
    }


def _visible_commons() -> Any:
    return (
        Commons.objects.filter(hidden=False)
        .select_related("transport_dataset__publisher", "remote")
        .prefetch_related("themes", "transport_dataset__resources")
    )


def rdf_response(
    graph_of: Callable[[], Any], syntax: str, *, filename: str
) -> HttpResponse:
    """The graph in ``syntax``, with its media type."""
    _, media_type, suffix = dcat.SYNTAXES[syntax]
    body = dcat.serialise(graph_of(), syntax)
    response = HttpResponse(body, content_type=f"{media_type}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.{suffix}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _syntax(suffix: str) -> str:
    if suffix not in dcat.SUFFIXES:
        raise Http404
    return dcat.SUFFIXES[suffix]


def _one_commons(request: HttpRequest, slug: str) -> Commons:
    rows = Commons.objects.select_related("transport_dataset__publisher", "remote")
    commons = get_object_or_404(
        rows.prefetch_related("themes", "transport_dataset__resources"), slug=slug
    )
    if not can_view(request.user, commons):
        raise Http404
    return commons


def commons_rdf(request: HttpRequest, slug: str, suffix: str) -> HttpResponse:
    """One commons as DCAT-AP (``/communs/<slug>.ttl`` and the like)."""
    syntax = _syntax(suffix)
    commons = _one_commons(request, slug)
    return rdf_response(
        lambda: dcat.catalog_graph(catalog_dict(request, [commons], services=False)),
        syntax,
        filename=commons.slug,
    )


def dataset_rdf(request: HttpRequest, slug: str, suffix: str) -> HttpResponse:
    """One transport dataset as DCAT-AP and mobilityDCAT-AP."""
    syntax = _syntax(suffix)
    commons = _one_commons(request, slug)
    if _transport(commons) is None:
        raise Http404
    return rdf_response(
        lambda: dcat.catalog_graph(catalog_dict(request, [commons])),
        syntax,
        filename=commons.slug,
    )


def links(request: HttpRequest, commons: Commons) -> list[tuple[str, str]]:
    """(media type, URL) of each export of a commons, for ``rel=alternate``."""
    return [
        (
            media,
            request.build_absolute_uri(
                reverse("catalog:commons_rdf", args=[commons.slug, suffix])
            ),
        )
        for _, media, suffix in dcat.SYNTAXES.values()
    ]


def negotiated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The commons page, or its DCAT-AP export when ``Accept`` prefers RDF."""

    def page(request: HttpRequest, slug: str) -> HttpResponse:
        preferred = request.get_preferred_type(PAGE_TYPES)
        if preferred in dcat.MEDIA_TYPES:
            response = commons_rdf(
                request, slug, dcat.SYNTAXES[dcat.MEDIA_TYPES[preferred]][2]
            )
        else:
            response = view(request, slug)
            if response.status_code == 200:
                response["Link"] = ", ".join(
                    f"<{reverse('catalog:commons_rdf', args=[slug, suffix])}>; "
                    f'rel="alternate"; type="{media}"'
                    for _, media, suffix in dcat.SYNTAXES.values()
                )
        patch_vary_headers(response, ["Accept"])
        return response

    page.__doc__ = view.__doc__
    return page


def _since(value: str) -> dt.datetime | None:
    """``?modified_since=``: an ISO date or datetime (UTC when naive)."""
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = dt.datetime.combine(day, dt.time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def catalogue_rdf(request: HttpRequest, suffix: str) -> HttpResponse:
    """One page of the whole catalogue, with hydra paging links."""
    syntax = _syntax(suffix)
    try:
        number = int(request.GET.get("page", "1"))
        size = min(int(request.GET.get("page_size", PAGE_SIZE)), MAX_PAGE_SIZE)
    except ValueError:
        return HttpResponseBadRequest(
            "page and page_size must be whole numbers", content_type="text/plain"
        )
    if number < 1 or size < 1:
        return HttpResponseBadRequest(
            "page and page_size start at 1", content_type="text/plain"
        )
    rows = _visible_commons().order_by("pk")
    query: dict[str, str] = {}
    since = request.GET.get("modified_since", "")
    if since:
        try:
            rows = rows.filter(updated__gte=_since(since))
        except ValueError:
            return HttpResponseBadRequest(
                f"modified_since is not an ISO 8601 date or datetime: {since!r}",
                content_type="text/plain",
            )
        query["modified_since"] = since
    if size != PAGE_SIZE:
        query["page_size"] = str(size)
    total = rows.count()
    last = max(1, -(-total // size))
    if number > last:
        raise Http404
    base = request.build_absolute_uri(reverse("catalog:catalogue_rdf", args=[suffix]))

    def at(n: int) -> str:
        return f"{base}?{urlencode({**query, 'page': n})}"

    page = {
        "uri": at(number),
        "first": at(1),
        "last": at(last),
        "next": at(number + 1) if number < last else "",
        "previous": at(number - 1) if number > 1 else "",
        "total": total,
        "per_page": size,
    }
    # The page's ids first (an index-only scan past the earlier pages), then
    # its rows: the offset walks the index, not the commons themselves.
    ids = list(rows.values_list("pk", flat=True)[(number - 1) * size : number * size])
    chunk = list(_visible_commons().filter(pk__in=ids).order_by("pk"))
    return rdf_response(
        lambda: dcat.catalog_graph(catalog_dict(request, chunk, page=page)),
        syntax,
        filename=f"catalogue-{number}",
    )


def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue's URI: its first page, in the syntax ``Accept`` asks for
    (Turtle by default)."""
    preferred = request.get_preferred_type(list(dcat.MEDIA_TYPES)) or "text/turtle"
    suffix = dcat.SYNTAXES[dcat.MEDIA_TYPES[preferred]][2]
    response = catalogue_rdf(request, suffix)
    patch_vary_headers(response, ["Accept"])
    return response


__all__ = [
    "catalog_dict",
    "catalogue",
    "catalogue_rdf",
    "commons_dict",
    "commons_rdf",
    "dataset_rdf",
    "links",
    "negotiated",
    "service_dict",
]
