"""A commons in the standards of its kind: publiccode.yml and codemeta.json for
software, an Open Know-How manifest (okh.toml) for hardware.

Other kinds get a 404. A commons that lacks a field the standard requires
(a licence, a repository) gets a 409 that says which.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from fabrique.catalog.models import Commons, CommunityMembership, Kind
from fabrique.core.permissions import can_view
from fabrique.standards import StandardsError, codemeta, okh, publiccode


def commons_fields(commons: Commons) -> dict[str, Any]:
    """The fields of a commons as the standards engine reads them."""
    holders = (
        commons.memberships.filter(
            role=CommunityMembership.Role.HOLDER,
            status=CommunityMembership.Status.ACTIVE,
        )
        .select_related("actor", "user")
        .order_by("created")
    )
    names: list[str] = []
    for membership in holders:
        if membership.actor is not None:
            name = membership.actor.name
        elif membership.user is not None:
            name = membership.user.public_name
        else:
            continue
        if name and name not in names:
            names.append(name)
    return {
        "kind": commons.kind,
        "title": commons.title,
        "summary": commons.summary,
        "description": commons.description,
        "licence": commons.licence,
        "maturity": commons.maturity,
        "repository_url": commons.repository_url,
        "documentation_url": commons.documentation_url,
        "demo_url": commons.demo_url,
        "download_url": commons.download_url,
        "tags": list(commons.tags),
        # Names only: contact addresses are not published.
        "contacts": [{"name": name, "email": ""} for name in names],
    }


def _export(
    request: HttpRequest,
    slug: str,
    kind: str,
    render: Callable[[Commons, dict[str, Any]], str],
    content_type: str,
) -> HttpResponse:
    commons = get_object_or_404(Commons, slug=slug)
    if commons.kind != kind or not can_view(request.user, commons):
        raise Http404
    try:
        body = render(commons, commons_fields(commons))
    except StandardsError as exc:
        return HttpResponse(
            str(exc), status=409, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(body, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def publiccode_yml(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(
        request,
        slug,
        Kind.SOFTWARE,
        lambda _commons, fields: publiccode.from_commons(fields),
        "application/yaml; charset=utf-8",
    )


@require_GET
def codemeta_json(request: HttpRequest, slug: str) -> HttpResponse:
    def render(commons: Commons, fields: dict[str, Any]) -> str:
        document = codemeta.from_commons(fields)
        document["identifier"] = request.build_absolute_uri(commons.get_absolute_url())
        return json.dumps(document, ensure_ascii=False, indent=2)

    return _export(
        request, slug, Kind.SOFTWARE, render, "application/ld+json; charset=utf-8"
    )


@require_GET
def okh_toml(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(
        request,
        slug,
        Kind.HARDWARE,
        lambda _commons, fields: okh.from_commons(fields),
        "application/toml; charset=utf-8",
    )
