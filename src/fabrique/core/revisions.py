"""Revisions: every save of a revisioned object stores its full content.

An edit is based on the revision number the editor loaded. The save is a
compare-and-swap on that number (``UPDATE … WHERE revision = base``), so of two
concurrent edits based on the same revision exactly one wins and the other
raises :class:`EditConflict`, on SQLite and PostgreSQL alike. Nothing is
silently overwritten.

Revisioned models list what is stored in ``REVISION_FIELDS`` (plain fields)
and ``REVISION_M2M`` (many-to-many fields, stored as sorted slugs/ids).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from fabrique.core.models import Activity, Revision


class EditConflict(Exception):
    """The object changed since the editor loaded it."""

    def __init__(self, obj: models.Model, base: int, current: int) -> None:
        self.obj = obj
        self.base = base
        self.current = current
        super().__init__(
            f"{obj._meta.verbose_name} {obj.pk} was saved as revision {current} "
            f"since revision {base} was loaded"
        )


@dataclass(frozen=True)
class Change:
    """What one save did: the new revision, the fields it changed, and how
    many words it added and removed."""

    revision: Revision
    changed: list[str]
    words_added: int = 0
    words_removed: int = 0


def _words(value: Any) -> Counter[str]:
    """The words of a stored value, as a multiset (spaces do not count)."""
    if value is None:
        return Counter()
    if isinstance(value, list | tuple):
        text = " ".join(str(item) for item in value)
    else:
        text = str(value)
    return Counter(text.split())


def words_changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[int, int]:
    """Words added and removed from ``before`` to ``after`` (two snapshots).

    Counted as multisets per field: a change of spacing or line breaks only
    counts nothing, a word replaced counts one added and one removed, and a
    paragraph moved within a field counts nothing either.
    """
    added = removed = 0
    for name in before.keys() | after.keys():
        old, new = _words(before.get(name)), _words(after.get(name))
        if old == new:
            continue
        added += sum((new - old).values())
        removed += sum((old - new).values())
    return added, removed


def _m2m_value(obj: models.Model, name: str) -> list[Any]:
    related = getattr(obj, name).all()
    key = "slug" if hasattr(related.model, "slug") else "pk"
    return sorted(getattr(item, key) for item in related)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The content of ``obj`` as stored in a revision (JSON-serialisable)."""
    content: dict[str, Any] = {}
    for name in obj.REVISION_FIELDS:  # type: ignore[attr-defined]
        content[name] = getattr(obj, name)
    if obj.pk:
        for name in getattr(obj, "REVISION_M2M", ()):
            content[name] = _m2m_value(obj, name)
    return content


def revisions_of(obj: models.Model) -> models.QuerySet[Revision]:
    content_type = ContentType.objects.get_for_model(obj)
    return Revision.objects.filter(
        content_type=content_type, object_id=obj.pk
    ).select_related("author")


def save_revision(
    obj: models.Model,
    *,
    user: Any,
    base_revision: int | None,
    comment: str = "",
    m2m: dict[str, list[models.Model]] | None = None,
    verb: str | None = None,
    reverted_from: int | None = None,
) -> Change:
    """Save ``obj`` (new or changed) and store its revision.

    ``base_revision`` is the revision the editor started from (``None`` for a
    new object, or to skip the check for trusted system writes). Raises
    :class:`EditConflict` when another save happened since.
    """
    model = type(obj)
    creating = obj.pk is None
    user = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        if creating:
            obj.revision = 1  # type: ignore[attr-defined]
            obj.save()
            previous: dict[str, Any] = {}
        else:
            if base_revision is None:
                base_revision = model.objects.values_list("revision", flat=True).get(
                    pk=obj.pk
                )
            swapped = model.objects.filter(pk=obj.pk, revision=base_revision).update(
                revision=base_revision + 1
            )
            if not swapped:
                current = model.objects.values_list("revision", flat=True).get(
                    pk=obj.pk
                )
                raise EditConflict(obj, base_revision, current)
            last = revisions_of(obj).order_by("-number").first()
            previous = last.content if last else {}
            obj.revision = base_revision + 1  # type: ignore[attr-defined]
            obj.save()
        for name, values in (m2m or {}).items():
            getattr(obj, name).set(values)
        content = snapshot(obj)
        content_type = ContentType.objects.get_for_model(obj)
        revision = Revision.objects.create(
            content_type=content_type,
            object_id=obj.pk,
            number=obj.revision,  # type: ignore[attr-defined]
            author=user,
            comment=comment[:300],
            content=content,
            reverted_from=reverted_from,
        )
        changed = [k for k in content if previous.get(k) != content[k]]
        added, removed = words_changed(previous, content)
        Activity.objects.create(
            content_type=content_type,
            object_id=obj.pk,
            actor=user,
            verb=verb or ("created" if creating else "edited"),
            summary=comment[:300],
            data={
                "revision": revision.number,
                "revision_id": revision.pk,
                "changed": changed,
                "words": [added, removed],
            },
        )
    return Change(
        revision=revision, changed=changed, words_added=added, words_removed=removed
    )
