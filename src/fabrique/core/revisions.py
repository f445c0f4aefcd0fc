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
from django.db import connection, models, transaction

from fabrique.core import presave
from fabrique.core.models import Activity, Revision
from fabrique.core.plainsql import names


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


def snapshot(
    obj: models.Model, m2m: dict[str, list[models.Model]] | None = None
) -> dict[str, Any]:
    """The content of ``obj`` as stored in a revision (JSON-serialisable).

    ``m2m`` gives related objects as they were just set (a bulk writer knows
    them): they are not read again.
    """
    content: dict[str, Any] = {}
    for name in obj.REVISION_FIELDS:  # type: ignore[attr-defined]
        content[name] = getattr(obj, name)
    if obj.pk:
        for name in getattr(obj, "REVISION_M2M", ()):
            if m2m is not None and name in m2m:
                content[name] = _m2m_sorted(m2m[name])
            else:
                content[name] = _m2m_value(obj, name)
    return content


def _m2m_sorted(related: list[models.Model]) -> list[Any]:
    if not related:
        return []
    key = "slug" if hasattr(type(related[0]), "slug") else "pk"
    return sorted(getattr(item, key) for item in related)


def revisions_of(obj: models.Model) -> models.QuerySet[Revision]:
    content_type = ContentType.objects.get_for_model(obj)
    return Revision.objects.filter(
        content_type=content_type, object_id=obj.pk
    ).select_related("author")


def _swap(model: type[models.Model], pk: Any, base: int) -> models.Model | None:
    """Move the stored revision of row ``pk`` from ``base`` to ``base + 1``
    (the compare-and-swap) and return the row as now stored, in the same
    statement; None when the row was not at ``base``."""
    quote = connection.ops.quote_name
    meta = model._meta
    field = meta.get_field("revision")
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    if (low is not None and base < low) or (high is not None and base + 1 > high):
        return None  # no stored revision is that number
    revision = quote(field.column)
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {revision} = %s "  # noqa: S608 - names only
        f"WHERE {quote(meta.pk.column)} = %s AND {revision} = %s RETURNING {columns}"
    )
    rows = list(model._default_manager.raw(sql, [base + 1, pk, base]))
    return rows[0] if rows else None


def _last_content(obj: models.Model) -> dict[str, Any] | None:
    """The content of ``obj``'s last revision, read in one plain statement
    (asked of every edit: the ORM's compiling of it cost more than the read)."""
    table, (content, kind, object_id, number) = names(
        Revision, "content", "content_type", "object_id", "number"
    )
    content_type = ContentType.objects.get_for_model(obj)
    sql = (
        f"SELECT {content} FROM {table} WHERE {kind} = %s"  # noqa: S608 - names only
        f" AND {object_id} = %s ORDER BY {number} DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [content_type.pk, obj.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    field = Revision._meta.get_field("content")
    return field.from_db_value(row[0], None, connection)  # type: ignore[union-attr]


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
            stored = _swap(model, obj.pk, base_revision)
            if stored is None:
                current = model.objects.values_list("revision", flat=True).get(
                    pk=obj.pk
                )
                raise EditConflict(obj, base_revision, current)
            # The save below compares with what was stored (dashboard counters,
            # a renamed commons' page token): it is this row, already read.
            presave.remember(obj, stored)
            previous = _last_content(obj) or {}
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
            # The object in hand, just saved: the handlers of the new entry
            # (notifications, page-cache tokens) read it rather than load it.
            target=obj,
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
