"""The activity stream: who did what to which object, and when."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from fabrique.core.models import Activity


def record(
    target: models.Model,
    *,
    user: Any,
    verb: str,
    summary: str = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
) -> Activity:
    """Record that ``user`` did ``verb`` to ``target`` (anonymous → no actor)."""
    return Activity.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        actor=user if getattr(user, "is_authenticated", False) else None,
        verb=verb,
        summary=summary[:300],
        data=data or {},
        public=public,
    )


def for_object(target: models.Model) -> models.QuerySet[Activity]:
    """Public activity on ``target``, newest first."""
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        public=True,
    ).select_related("actor")


def for_objects(targets: list[models.Model]) -> models.QuerySet[Activity]:
    """Public activity on any of ``targets`` (all of one model), newest first."""
    if not targets:
        return Activity.objects.none()
    content_type = ContentType.objects.get_for_model(targets[0])
    return Activity.objects.filter(
        content_type=content_type,
        object_id__in=[t.pk for t in targets],
        public=True,
    ).select_related("actor", "content_type")


def by_user(user: Any) -> models.QuerySet[Activity]:
    """Public activity of ``user``, newest first."""
    return Activity.objects.filter(actor=user, public=True).select_related(
        "content_type"
    )


def site_wide() -> models.QuerySet[Activity]:
    """Public activity across the site, newest first."""
    return Activity.objects.filter(public=True).select_related("actor", "content_type")
