"""Following objects: a user follows a commons, an actor, a challenge…"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from fabrique.core.models import Follow


def _lookup(target: models.Model) -> dict[str, Any]:
    return {
        "content_type": ContentType.objects.get_for_model(target),
        "object_id": target.pk,
    }


def follow(user: Any, target: models.Model) -> bool:
    """Make ``user`` follow ``target``; return False when already following."""
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, **_lookup(target))
    except IntegrityError:
        return False
    return True


def unfollow(user: Any, target: models.Model) -> bool:
    """Stop ``user`` following ``target``; return False when not following."""
    deleted, _ = Follow.objects.filter(user=user, **_lookup(target)).delete()
    return bool(deleted)


def is_following(user: Any, target: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, **_lookup(target)).exists()


def followers_count(target: models.Model) -> int:
    return Follow.objects.filter(**_lookup(target)).count()


def followers(target: models.Model) -> models.QuerySet[Any]:
    """The users following ``target``."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        follows__content_type=ContentType.objects.get_for_model(target),
        follows__object_id=target.pk,
    )
