"""schema.org JSON-LD for catalogue pages, embedded safely in HTML."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from fabrique.catalog.models import Actor, Commons, Kind

# Same escapes as Django's json_script: the JSON can never close the element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

_TYPES = {
    Kind.DATA: "Dataset",
    Kind.SOFTWARE: "SoftwareSourceCode",
    Kind.HARDWARE: "Product",
    Kind.KNOWLEDGE: "LearningResource",
    Kind.SERVICE: "Service",
}


def ld_script(data: dict[str, Any]) -> SafeString:
    """``<script type="application/ld+json">`` holding ``data``, escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),
    )


def commons_jsonld(commons: Commons, request: HttpRequest) -> dict[str, Any]:
    """The schema.org description of a commons."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": _TYPES.get(commons.kind, "CreativeWork"),
        "@id": request.build_absolute_uri(commons.get_absolute_url()),
        "url": request.build_absolute_uri(commons.get_absolute_url()),
        "name": commons.title,
        "description": commons.summary,
        "dateCreated": commons.created.isoformat(),
        "dateModified": commons.updated.isoformat(),
        "version": str(commons.revision),
        "keywords": list(commons.tags) + [theme.name for theme in commons.themes.all()],
        "creativeWorkStatus": commons.get_maturity_display(),
    }
    if commons.licence:
        data["license"] = f"https://spdx.org/licenses/{commons.licence}.html"
    if commons.repository_url:
        data["codeRepository" if commons.kind == Kind.SOFTWARE else "isBasedOn"] = (
            commons.repository_url
        )
    if commons.download_url:
        key = "distribution" if commons.kind == Kind.DATA else "downloadUrl"
        data[key] = (
            {"@type": "DataDownload", "contentUrl": commons.download_url}
            if key == "distribution"
            else commons.download_url
        )
    if commons.kind == Kind.KNOWLEDGE:
        _learning_resource(data, commons, request)
    elif commons.kind == Kind.SERVICE and commons.demo_url:
        data["availableChannel"] = {
            "@type": "ServiceChannel",
            "serviceUrl": commons.demo_url,
        }
    images = [
        request.build_absolute_uri(image.image.url) for image in commons.images.all()
    ]
    if images:
        data["image"] = images
    return data


def _learning_resource(
    data: dict[str, Any], commons: Commons, request: HttpRequest
) -> None:
    """The LRMI terms of schema.org's LearningResource that a knowledge
    commons can fill: what it is about (its themes, as defined terms), its
    language, and that it is free to use."""
    data["inLanguage"] = settings.LANGUAGE_CODE[:2]
    data["isAccessibleForFree"] = True
    about = [
        {
            "@type": "DefinedTerm",
            "name": theme.name,
            "url": request.build_absolute_uri(theme.get_absolute_url()),
        }
        for theme in commons.themes.all()
    ]
    if about:
        data["about"] = about


def actor_jsonld(actor: Actor, request: HttpRequest) -> dict[str, Any]:
    """The schema.org description of an actor (Organization or Person)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization" if actor.is_organisation else "Person",
        "@id": request.build_absolute_uri(actor.get_absolute_url()),
        "url": actor.website or request.build_absolute_uri(actor.get_absolute_url()),
        "name": actor.name,
        "description": actor.summary,
    }
    if actor.skills:
        data["knowsAbout"] = list(actor.skills)
    places = [
        {
            "@type": "Place",
            "name": place.name,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": place.city,
                "postalCode": place.postcode,
            },
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": place.lat,
                "longitude": place.lon,
            },
        }
        for place in actor.places.all()
    ]
    if places:
        data["location"] = places
    return data
