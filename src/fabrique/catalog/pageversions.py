"""Version tokens of the commons pages, moved by every write they show.

The anonymous page cache keys a commons page on its token (``pagecache``):
a save or a deletion of the commons, and any activity recorded on it — its
needs, memberships, discussions and follows all are — move the token of its
slug, so the next visitor gets a fresh page. A renamed slug moves the old
slug's token too, so the old address stops serving the old page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save

from fabrique.catalog.models import Commons
from fabrique.catalog.views.pagecache import bump
from fabrique.core.models import Activity
from fabrique.core.presave import row_before_save


def page_version_name(slug: str) -> str:
    return f"commons:{slug}"


def _commons_changing(sender: Any, instance: Commons, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    old = row_before_save(Commons, instance)
    instance._slug_before_save = old.slug if old else None  # type: ignore[attr-defined]


def _commons_changed(sender: Any, instance: Commons, **kwargs: Any) -> None:
    bump(page_version_name(instance.slug))
    before = getattr(instance, "_slug_before_save", None)
    if before and before != instance.slug:
        bump(page_version_name(before))


def _activity_changed(sender: Any, instance: Activity, **kwargs: Any) -> None:
    if instance.content_type_id != ContentType.objects.get_for_model(Commons).pk:
        return
    if Activity.target.is_cached(instance) and isinstance(instance.target, Commons):
        # Recorded with the commons in hand (a revision's save): its slug.
        slug = instance.target.slug
    else:
        slug = (
            Commons.objects.filter(pk=instance.object_id)
            .values_list("slug", flat=True)
            .first()
        )
    if slug:
        bump(page_version_name(slug))


def connect() -> None:
    uid = "catalog.pageversions"
    pre_save.connect(_commons_changing, sender=Commons, dispatch_uid=f"{uid}.pre")
    post_save.connect(_commons_changed, sender=Commons, dispatch_uid=f"{uid}.save")
    post_delete.connect(_commons_changed, sender=Commons, dispatch_uid=f"{uid}.delete")
    post_save.connect(
        _activity_changed, sender=Activity, dispatch_uid=f"{uid}.activity"
    )
    post_delete.connect(
        _activity_changed, sender=Activity, dispatch_uid=f"{uid}.activity_delete"
    )
