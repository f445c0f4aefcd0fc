"""A person's feed: what happened on what they follow, the commons they
are part of (holders see join requests there) and whatever else other apps
say they take part in (the challenges they joined)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from fabrique.catalog.models import Commons, CommunityMembership
from fabrique.core.models import Activity, Follow

#: Other apps add what a person takes part in: user → (model, primary keys).
TAKES_PART_IN: list[Callable[[Any], tuple[type[Model], Iterable[int]]]] = []


def feed_for(user: Any) -> QuerySet[Activity]:
    """Public activity by others on what ``user`` follows or takes part in."""
    wanted = Q(pk__in=[])
    followed: dict[int, list[int]] = {}
    for content_type_id, object_id in Follow.objects.filter(user=user).values_list(
        "content_type_id", "object_id"
    ):
        followed.setdefault(content_type_id, []).append(object_id)
    commons_type = ContentType.objects.get_for_model(Commons)
    member_of = CommunityMembership.objects.filter(
        user=user, status=CommunityMembership.Status.ACTIVE
    ).values_list("commons_id", flat=True)
    followed.setdefault(commons_type.pk, []).extend(member_of)
    for part_of in TAKES_PART_IN:
        model, ids = part_of(user)
        content_type = ContentType.objects.get_for_model(model)
        followed.setdefault(content_type.pk, []).extend(ids)
    for content_type_id, ids in followed.items():
        wanted |= Q(content_type_id=content_type_id, object_id__in=ids)
    return (
        Activity.objects.filter(wanted, public=True)
        .exclude(actor=user)
        .select_related("actor", "content_type")
    )
