"""Signal handlers keeping the index current on every save and delete.

Connected by :func:`fabrique.core.search.registry.register`; raw saves
(fixture loading) are skipped, ``rebuild_search_index`` covers them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fabrique.core.search import index
from fabrique.core.search.registry import Dependency, type_for_model

# Where pre_delete leaves the targets computed before the rows went away.
_PENDING = "_fabrique_search_pending"


def object_saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    indexable = type_for_model(sender)
    if indexable is not None and not raw:
        index.reindex(indexable.name, [instance.pk], saved=[instance])


def object_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    indexable = type_for_model(sender)
    if indexable is not None and instance.pk is not None:
        index.remove(indexable.name, [instance.pk])


def dependency_handler(type_name: str, dependency: Dependency) -> Callable[..., None]:
    """A handler reindexing what a related object belongs to, on save and delete."""

    def handler(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if raw:
            return
        targets = [pk for pk in dependency.targets(instance) if pk is not None]
        index.reindex(type_name, targets)

    return handler


def dependency_pre_delete(dependency: Dependency) -> Callable[..., None]:
    """Remember, before a related object is deleted, what it belonged to."""

    def handler(sender: type, instance: Any, **kwargs: Any) -> None:
        pending = instance.__dict__.setdefault(_PENDING, [])
        pending.extend(pk for pk in dependency.targets(instance) if pk is not None)

    return handler


def dependency_post_delete(type_name: str) -> Callable[..., None]:
    def handler(sender: type, instance: Any, **kwargs: Any) -> None:
        index.reindex(type_name, instance.__dict__.pop(_PENDING, []))

    return handler


def m2m_changed_handler(type_name: str) -> Callable[..., None]:
    """Reindex the indexed side of a many-to-many change, in either direction."""

    def handler(
        sender: type,
        instance: Any,
        action: str,
        reverse: bool,
        pk_set: set[int] | None,
        **kwargs: Any,
    ) -> None:
        if not reverse:
            if action.startswith("post_"):
                index.reindex(type_name, [instance.pk])
            return
        # Reverse side (e.g. theme.commons.add(...)): pk_set are indexed objects.
        if action == "pre_clear":
            instance.__dict__[_PENDING] = _reverse_targets(sender, instance)
        elif action == "post_clear":
            index.reindex(type_name, instance.__dict__.pop(_PENDING, []))
        elif action.startswith("post_"):
            index.reindex(type_name, pk_set or [])

    return handler


def _reverse_targets(through: Any, instance: Any) -> list[int]:
    """Primary keys of indexed objects linked to ``instance`` by ``through``."""
    source = target = None
    for field in through._meta.get_fields():
        remote = getattr(field, "related_model", None)
        if remote is None or not field.many_to_one:
            continue
        if isinstance(instance, remote):
            target = field.name
        else:
            source = field.name
    if source is None or target is None:
        return []
    return list(
        through.objects.filter(**{target: instance}).values_list(
            f"{source}_id", flat=True
        )
    )
