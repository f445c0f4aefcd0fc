"""Activity routes: who did what to which object, and when (read-only).

Activity is written by the services as a side effect of every change; the
API only reads it. Private entries (follows) and entries about objects hidden
by moderation are left out.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router

from fabrique.api.auth import reader
from fabrique.api.common import field_error, get_or_404, is_moderator, visible
from fabrique.api.errors import ErrorOut
from fabrique.api.pagination import PageParams, page_of, paginate
from fabrique.api.schemas import ActivityOut
from fabrique.catalog.models import Actor, Commons
from fabrique.core.models import Activity

router = Router(tags=["activity"])

READ_ERRORS = dict.fromkeys((400, 404, 422), ErrorOut)
TARGETS: dict[str, type[Commons] | type[Actor]] = {"commons": Commons, "actor": Actor}


def activity_queryset(user: Any) -> QuerySet[Activity]:
    queryset = Activity.objects.filter(public=True).select_related(
        "actor", "content_type"
    )
    if is_moderator(user):
        return queryset
    for model in TARGETS.values():
        queryset = queryset.exclude(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=model.objects.filter(hidden=True).values("pk"),
        )
    return queryset


class ActivityFilters(PageParams):
    target_type: str | None = Field(None, pattern="^(commons|actor)$")
    target: str | None = Field(None, description="Slug of the commons or actor.")
    user: str | None = Field(None, description="Username of who acted.")
    verb: str | None = Field(None, max_length=40)


@router.get("/activity/", response={200: page_of(ActivityOut), **READ_ERRORS})
def list_activity(request: HttpRequest, filters: Query[ActivityFilters]) -> Any:
    """Public activity, newest first; filter by object, person or verb."""
    user = reader(request)
    queryset = activity_queryset(user)
    if filters.target and not filters.target_type:
        raise field_error("target_type", "required with target")
    if filters.target_type:
        model = TARGETS[filters.target_type]
        queryset = queryset.filter(
            content_type=ContentType.objects.get_for_model(model)
        )
        if filters.target:
            target = get_or_404(
                visible(model.objects.all(), user),
                filters.target_type,
                slug=filters.target,
            )
            queryset = queryset.filter(object_id=target.pk)
    if filters.user:
        queryset = queryset.filter(actor__username=filters.user, actor__deleted=False)
    if filters.verb:
        queryset = queryset.filter(verb=filters.verb)
    return paginate(request, queryset.order_by("-created", "-pk"), filters)


@router.get("/activity/{int:activity_id}/", response={200: ActivityOut, **READ_ERRORS})
def get_activity(request: HttpRequest, activity_id: int) -> Any:
    """One activity entry."""
    return get_or_404(activity_queryset(reader(request)), "activity", pk=activity_id)
