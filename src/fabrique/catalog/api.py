"""Catalogue routes of the JSON API: commons, actors and themes.

(Needs and memberships are in ``fabrique.api.community``.)

Reads are public (objects hidden by moderation are left out); writes need a
token or a session with CSRF, are rate-limited, and go through
``fabrique.catalog.services`` — the same functions the pages use, so a rule
lives once.
"""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from fabrique.api.auth import WRITE_AUTH, reader
from fabrique.api.common import caller, field_error, get_or_404, visible
from fabrique.api.errors import ERRORS, ApiError, ErrorOut
from fabrique.api.pagination import PageParams, envelope, page_of, paginate
from fabrique.api.ratelimit import write_throttle
from fabrique.api.schemas import (
    ActorIn,
    ActorItem,
    ActorOut,
    ActorPatch,
    CommonsIn,
    CommonsItem,
    CommonsOut,
    CommonsPatch,
    RevisionOut,
    ThemeOut,
)
from fabrique.api.search import actors_page, commons_page
from fabrique.catalog import services
from fabrique.catalog.models import Actor, ActorType, Commons, Kind, Maturity, Theme
from fabrique.core import activity
from fabrique.core.revisions import revisions_of

router = Router(tags=["catalogue"])

READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
WRITE = {"auth": WRITE_AUTH, "throttle": write_throttle}


# Commons -------------------------------------------------------------------


class CommonsFilters(PageParams):
    q: str = Field("", max_length=200, description="Full-text search.")
    kind: Kind | None = None
    theme: str | None = Field(None, max_length=50, description="Theme slug.")
    maturity: Maturity | None = None
    licence: str | None = Field(None, max_length=64, description="SPDX id.")
    has_open_needs: bool | None = None
    sort: Literal["relevance", "updated", "title"] = "relevance"


def commons_queryset(user: Any) -> QuerySet[Commons]:
    return visible(Commons.objects.all(), user).prefetch_related("themes")


def _commons_data(payload: Any) -> tuple[dict[str, Any], list[Theme] | None]:
    """Split a commons payload into model fields and themes (None = unchanged)."""
    sent = payload.model_dump(exclude_unset=True)
    data: dict[str, Any] = {}
    for name in ("title", "summary", "description", "kind", "tags", "licence",
                 "maturity"):  # fmt: skip
        if name in sent and sent[name] is not None:
            data[name] = sent[name]
    for name, value in (sent.get("links") or {}).items():
        data[f"{name}_url"] = value
    for name, value in (sent.get("pillars") or {}).items():
        data[f"pillar_{name}"] = value
    themes = None
    if sent.get("themes") is not None:
        slugs = list(dict.fromkeys(sent["themes"]))
        themes = list(Theme.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {theme.slug for theme in themes})
        if unknown:
            raise field_error("themes", f"Unknown theme(s): {', '.join(unknown)}.")
    return data, themes


@router.get(
    "/commons/", response={200: page_of(CommonsItem), **READ_ERRORS}, tags=["commons"]
)
def list_commons(request: HttpRequest, filters: Query[CommonsFilters]) -> Any:
    """List and search commons, with facets as filters.

    ``q`` searches titles, summaries, descriptions and tags with the site's
    search (accents and case ignored, French and English stemming);
    ``sort=relevance`` (best first; newest first without ``q``), ``updated``
    (newest first) or ``title`` (A to Z).
    """
    size = filters.page_size or settings.FABRIQUE_PAGE_SIZE
    items, total = commons_page(
        commons_queryset(reader(request)),
        q=filters.q,
        filters={
            "kind": filters.kind,
            "theme": filters.theme,
            "maturity": filters.maturity,
            "licence": filters.licence,
        },
        has_open_needs=filters.has_open_needs,
        sort=filters.sort,
        page=filters.page,
        page_size=size,
    )
    return envelope(request, items, total=total, page=filters.page, page_size=size)


@router.get(
    "/commons/{slug}/", response={200: CommonsOut, **READ_ERRORS}, tags=["commons"]
)
def get_commons(request: HttpRequest, slug: str) -> Any:
    """One commons."""
    return get_or_404(commons_queryset(reader(request)), "commons", slug=slug)


@router.post(
    "/commons/", response={201: CommonsOut, **ERRORS}, tags=["commons"], **WRITE
)
def create_commons(request: HttpRequest, payload: CommonsIn) -> Any:
    """Create a commons; the caller becomes its first holder (revision 1)."""
    data, themes = _commons_data(payload)
    commons = services.create_commons(
        user=caller(request), data=data, themes=themes, comment=payload.comment
    )
    return Status(201, commons_queryset(caller(request)).get(pk=commons.pk))


@router.patch(
    "/commons/{slug}/", response={200: CommonsOut, **ERRORS}, tags=["commons"], **WRITE
)
def update_commons(request: HttpRequest, slug: str, payload: CommonsPatch) -> Any:
    """Edit a commons from ``base_revision``; a stale base gets a 409."""
    user = caller(request)
    # Its provenance with it: a harvested copy is not edited here (the edit
    # lock asks), and the change feed's entry names its origin.
    commons = get_or_404(
        commons_queryset(user).select_related("remote"), "commons", slug=slug
    )
    data, themes = _commons_data(payload)
    services.update_commons(
        commons,
        user=user,
        data=data,
        base_revision=payload.base_revision,
        themes=themes,
        comment=payload.comment,
    )
    # The object in hand is what was saved (its revision, times and themes;
    # a change of themes empties their prefetched list, read again then).
    return commons


@router.delete(
    "/commons/{slug}/", response={204: None, **ERRORS}, tags=["commons"], **WRITE
)
def delete_commons(request: HttpRequest, slug: str) -> Any:
    """Delete a commons (its holders and moderators); its history is kept."""
    user = caller(request)
    commons = get_or_404(commons_queryset(user), "commons", slug=slug)
    if not services.is_holder(user, commons):
        raise ApiError(403, "Only the holders of this commons may delete it.")
    with transaction.atomic():
        activity.record(commons, user=user, verb="deleted", summary=commons.title)
        commons.delete()
    return Status(204, None)


# Actors --------------------------------------------------------------------


class ActorFilters(PageParams):
    q: str = Field("", max_length=200, description="Full-text search.")
    type: ActorType | None = None
    city: str | None = Field(None, max_length=120, description="City of a place.")
    is_organisation: bool | None = None
    commons: str | None = Field(None, description="Member of this commons (slug).")


def actor_queryset(user: Any) -> QuerySet[Actor]:
    return visible(Actor.objects.all(), user).prefetch_related("places")


@router.get(
    "/actors/", response={200: page_of(ActorItem), **READ_ERRORS}, tags=["actors"]
)
def list_actors(request: HttpRequest, filters: Query[ActorFilters]) -> Any:
    """List and search actors (organisations and people), by name otherwise.

    ``q``, ``type`` and ``city`` use the site's search; ``is_organisation``
    and ``commons`` (active members of a commons) filter the database.
    """
    queryset = actor_queryset(reader(request))
    if filters.is_organisation is None and not filters.commons:
        size = filters.page_size or settings.FABRIQUE_PAGE_SIZE
        items, total = actors_page(
            queryset,
            q=filters.q,
            actor_type=filters.type,
            city=filters.city,
            page=filters.page,
            page_size=size,
        )
        return envelope(request, items, total=total, page=filters.page, page_size=size)
    for word in filters.q.split():
        queryset = queryset.filter(Q(name__icontains=word) | Q(summary__icontains=word))
    if filters.type:
        queryset = queryset.filter(type=filters.type)
    if filters.city:
        queryset = queryset.filter(places__city__iexact=filters.city)
    if filters.is_organisation is not None:
        queryset = queryset.filter(is_organisation=filters.is_organisation)
    if filters.commons:
        queryset = queryset.filter(
            memberships__commons__slug=filters.commons,
            memberships__status="active",
        )
    return paginate(request, queryset.distinct().order_by("name", "pk"), filters)


@router.get("/actors/{slug}/", response={200: ActorOut, **READ_ERRORS}, tags=["actors"])
def get_actor(request: HttpRequest, slug: str) -> Any:
    """One actor, with its places."""
    return get_or_404(actor_queryset(reader(request)), "actor", slug=slug)


def _actor_data(payload: Any) -> dict[str, Any]:
    sent = payload.model_dump(exclude_unset=True, exclude={"comment", "places"})
    sent.pop("base_revision", None)
    return {name: value for name, value in sent.items() if value is not None}


@router.post("/actors/", response={201: ActorOut, **ERRORS}, tags=["actors"], **WRITE)
def create_actor(request: HttpRequest, payload: ActorIn) -> Any:
    """Create an actor; for an organisation the caller becomes its admin."""
    user = caller(request)
    with transaction.atomic():
        actor = services.create_actor(
            user=user, data=_actor_data(payload), comment=payload.comment
        )
        for place in payload.places:
            services.add_place(actor, user=user, **place.model_dump())
    return Status(201, actor_queryset(user).get(pk=actor.pk))


@router.patch(
    "/actors/{slug}/", response={200: ActorOut, **ERRORS}, tags=["actors"], **WRITE
)
def update_actor(request: HttpRequest, slug: str, payload: ActorPatch) -> Any:
    """Edit an actor from ``base_revision``; a stale base gets a 409."""
    user = caller(request)
    actor = get_or_404(actor_queryset(user), "actor", slug=slug)
    services.update_actor(
        actor,
        user=user,
        data=_actor_data(payload),
        base_revision=payload.base_revision,
        comment=payload.comment,
    )
    return actor_queryset(user).get(pk=actor.pk)


@router.delete(
    "/actors/{slug}/", response={204: None, **ERRORS}, tags=["actors"], **WRITE
)
def delete_actor(request: HttpRequest, slug: str) -> Any:
    """Delete an actor (its own account, its admins, moderators)."""
    user = caller(request)
    actor = get_or_404(actor_queryset(user), "actor", slug=slug)
    if not services.can_manage_actor(user, actor):
        raise ApiError(403, "Only the administrators of this actor may delete it.")
    with transaction.atomic():
        activity.record(actor, user=user, verb="deleted", summary=actor.name)
        actor.delete()
    return Status(204, None)


# Revisions -----------------------------------------------------------------


def _revisions(request: HttpRequest, obj: Commons | Actor, params: PageParams) -> Any:
    return paginate(request, revisions_of(obj).order_by("-number"), params)


@router.get(
    "/commons/{slug}/revisions/",
    response={200: page_of(RevisionOut), **READ_ERRORS},
    tags=["commons"],
)
def list_commons_revisions(
    request: HttpRequest, slug: str, params: Query[PageParams]
) -> Any:
    """The history of a commons, newest first, each with its full content."""
    commons = get_or_404(commons_queryset(reader(request)), "commons", slug=slug)
    return _revisions(request, commons, params)


@router.get(
    "/actors/{slug}/revisions/",
    response={200: page_of(RevisionOut), **READ_ERRORS},
    tags=["actors"],
)
def list_actor_revisions(
    request: HttpRequest, slug: str, params: Query[PageParams]
) -> Any:
    """The history of an actor, newest first, each with its full content."""
    actor = get_or_404(actor_queryset(reader(request)), "actor", slug=slug)
    return _revisions(request, actor, params)


# Themes --------------------------------------------------------------------


@router.get(
    "/themes/", response={200: page_of(ThemeOut), **READ_ERRORS}, tags=["themes"]
)
def list_themes(request: HttpRequest, params: Query[PageParams]) -> Any:
    """The themes commons are filed under."""
    return paginate(request, Theme.objects.order_by("name", "pk"), params)


@router.get("/themes/{slug}/", response={200: ThemeOut, **READ_ERRORS}, tags=["themes"])
def get_theme(request: HttpRequest, slug: str) -> Any:
    """One theme."""
    return get_or_404(Theme.objects.all(), "theme", slug=slug)
