"""Writing the index: reindex or remove objects, rebuild whole types.

Reindexing an object rewrites its document in the caller's transaction, so
the index is exactly as current as the data it was built from. A document
whose facets did not change (most edits: a summary, a description) is
updated in place with its full-text entry; its facet rows and the facet
totals stay as they are. Otherwise it is deleted and inserted again.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, prefetch_related_objects

from fabrique.core import versions
from fabrique.core.plainsql import chunks, names
from fabrique.core.search.backends import get_backend
from fabrique.core.search.models import SearchDocument, SearchFacet, SearchFacetTotal
from fabrique.core.search.registry import Document, get_type, types
from fabrique.core.search.text import fold

TITLE_CHARS = SearchDocument._meta.get_field("title").max_length or 300
SUMMARY_CHARS = SearchDocument._meta.get_field("summary").max_length or 500
VALUE_CHARS = SearchFacet._meta.get_field("value").max_length or 100


def _as_stored(obj: models.Model) -> bool:
    """Whether ``obj``, just saved, holds what is stored: no field is an
    expression (``F("n") + 1``) that only the database knows the value of."""
    return not obj._state.adding and not any(
        hasattr(obj.__dict__.get(field.attname), "resolve_expression")
        for field in obj._meta.concrete_fields
    )


def _objects(
    queryset: models.QuerySet[Any], wanted: list[int], saved: Sequence[models.Model]
) -> list[Any]:
    """The objects to build: those just saved as they are in hand (their
    related lists prefetched as the type's queryset does, unless they already
    are), the others read."""
    plain = not queryset.query.where and not queryset.query.annotations
    in_hand = {
        obj.pk: obj
        for obj in saved
        if plain and obj.pk in wanted and isinstance(obj, queryset.model)
        and _as_stored(obj)
    }  # fmt: skip
    if in_hand:
        lookups = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        prefetch_related_objects(list(in_hand.values()), *lookups)
    rest = [pk for pk in wanted if pk not in in_hand]
    return [*in_hand.values(), *(queryset.filter(pk__in=rest) if rest else [])]


_DEFERRED = threading.local()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Collect the reindexing asked inside, and do it once on leaving (one
    call per type): a bulk writer (a harvest) saves hundreds of objects."""
    if getattr(_DEFERRED, "pending", None) is not None:
        yield
        return
    _DEFERRED.pending = {}
    try:
        yield
        pending: dict[str, set[int]] = _DEFERRED.pending
    finally:
        _DEFERRED.pending = None
    for type_name, pks in pending.items():
        reindex(type_name, sorted(pks))


def reindex(
    type_name: str, pks: Iterable[int], *, saved: Sequence[models.Model] = ()
) -> int:
    """Rebuild the documents of these objects; missing or hidden ones go away.

    ``saved`` are objects among them just saved, built as they are in hand
    rather than read again. Returns the number of documents written.
    Inside :func:`deferred`, only notes them (and returns 0).
    """
    pending = getattr(_DEFERRED, "pending", None)
    if pending is not None:
        pending.setdefault(type_name, set()).update(pk for pk in pks if pk is not None)
        return 0
    indexable = get_type(type_name)
    wanted = sorted({int(pk) for pk in pks if pk is not None})
    if not wanted:
        return 0
    built: list[tuple[int, Document]] = []
    # No savepoint of its own inside the writer's transaction: a failure here
    # fails the write, which rolls back whole.
    with transaction.atomic(savepoint=False):
        for obj in _objects(indexable.objects(), wanted, saved):
            document = indexable.build(obj)
            if document is not None:
                built.append((obj.pk, document))
        current = _stored_keys(type_name, wanted)
        same_facets = {
            pk: current[pk][0]
            for pk, doc in built
            if pk in current and current[pk][1] == facet_keys(doc)
        }
        _update([(same_facets[pk], doc) for pk, doc in built if pk in same_facets])
        remove(type_name, [pk for pk in wanted if pk not in same_facets])
        _insert(type_name, [(pk, doc) for pk, doc in built if pk not in same_facets])
        _bump_generation()
    return len(built)


# The two statements of an edit below are written out rather than built with
# the ORM: every save of an indexed object asks them, and compiling the ORM's
# form cost more than running them.
def _stored_keys(type_name: str, wanted: list[int]) -> dict[int, tuple[int, str]]:
    """Object id → (row id, facet keys) of the stored documents of these."""
    table, (key, type_, object_id, keys) = names(
        SearchDocument, "id", "type", "object_id", "facet_keys"
    )
    found: dict[int, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for chunk, marks in chunks(wanted):
            sql = (
                f"SELECT {key}, {object_id}, {keys} FROM {table} "  # noqa: S608 - names only
                f"WHERE {type_} = %s AND {object_id} IN ({marks})"
            )
            cursor.execute(sql, [type_name, *chunk])
            for pk, obj, facets in cursor.fetchall():
                found[int(obj)] = (int(pk), facets)
    return found


def _update(documents: Sequence[tuple[int, Document]]) -> None:
    """Rewrite documents (by row id) whose facets are unchanged."""
    if not documents:
        return
    fields = ("title", "sort_title", "summary", "url", "updated")
    table, columns = names(SearchDocument, "id", *fields)
    sets = ", ".join(f"{column} = %s" for column in columns[1:])
    sql = f"UPDATE {table} SET {sets} WHERE {columns[0]} = %s"  # noqa: S608 - names only
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        [
            doc.title[:TITLE_CHARS],
            fold(doc.title)[:TITLE_CHARS],
            doc.summary[:SUMMARY_CHARS],
            doc.url,
            adapt(doc.updated),
            row_id,
        ]
        for row_id, doc in documents
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    get_backend().rewrite(documents)


def remove(type_name: str, pks: Iterable[int]) -> None:
    """Delete the documents of these objects."""
    wanted = [int(pk) for pk in pks]
    if not wanted:
        return
    ids = list(
        SearchDocument.objects.filter(type=type_name, object_id__in=wanted)
        .values_list("pk", flat=True)
    )  # fmt: skip
    if not ids:
        return
    with transaction.atomic(savepoint=False):
        _subtract_totals(type_name, ids)
        get_backend().delete(ids)
        SearchFacet.objects.filter(document_id__in=ids).delete()
        SearchDocument.objects.filter(pk__in=ids).delete()
        _bump_generation()


def rebuild(
    type_names: Sequence[str] | None = None,
    *,
    batch_size: int = 1000,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Rebuild the index of some types (all by default) from the database.

    ``progress(type_name, done, total)`` is called after each batch. Returns
    the number of documents per type. The planner's statistics of the index
    are gathered at the end (PostgreSQL).
    """
    names = list(type_names) if type_names else sorted(types())
    counts: dict[str, int] = {}
    backend = get_backend()
    for name in names:
        indexable = get_type(name)
        with transaction.atomic():
            backend.delete_type(name)
            SearchFacetTotal.objects.filter(type=name).delete()
            SearchFacet.objects.filter(document__type=name).delete()
            SearchDocument.objects.filter(type=name).delete()
            queryset = indexable.objects().order_by("pk")
            total = queryset.count()
            done = written = 0
            batch: list[tuple[int, Document]] = []
            for obj in queryset.iterator(chunk_size=batch_size):
                done += 1
                document = indexable.build(obj)
                if document is not None:
                    batch.append((obj.pk, document))
                if len(batch) >= batch_size:
                    written += _insert(name, batch)
                    batch = []
                    if progress:
                        progress(name, done, total)
            written += _insert(name, batch)
            if progress:
                progress(name, done, total)
            _bump_generation()
        counts[name] = written
    # A rebuild rewrites the tables wholesale: statistics for the planner now,
    # so the first searches after it are planned on the index as it is.
    backend.analyse()
    return counts


def _clean_value(value: str) -> str:
    return " ".join(str(value).split())[:VALUE_CHARS]


def facet_keys(doc: Document) -> str:
    """The facets of a document as "name:value" lines."""
    return "\n".join(
        f"{name}:{value}"
        for name, values in doc.facets.items()
        for value in dict.fromkeys(_clean_value(v) for v in values)
        if value
    )


def _insert(type_name: str, built: Sequence[tuple[int, Document]]) -> int:
    if not built:
        return 0
    rows = SearchDocument.objects.bulk_create(
        [
            SearchDocument(
                type=type_name,
                object_id=pk,
                title=doc.title[:TITLE_CHARS],
                sort_title=fold(doc.title)[:TITLE_CHARS],
                summary=doc.summary[:SUMMARY_CHARS],
                url=doc.url,
                updated=doc.updated,
                facet_keys=facet_keys(doc),
            )
            for pk, doc in built
        ]
    )
    facets = [
        (row.pk, name, value)
        for row, (_, doc) in zip(rows, built, strict=True)
        for name, values in doc.facets.items()
        for value in dict.fromkeys(_clean_value(v) for v in values)
        if value
    ]
    # Many small rows: plain executemany is several times faster than the ORM.
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO core_searchfacet (document_id, name, value) "
            "VALUES (%s, %s, %s)",
            facets,
        )
    totals: Counter[tuple[str, str]] = Counter(
        (name, value) for _, name, value in facets
    )
    totals[("", "")] = len(rows)
    _add_totals(type_name, totals)
    get_backend().write(
        [(row.pk, doc) for row, (_, doc) in zip(rows, built, strict=True)]
    )
    return len(rows)


TOTALS_SQL = (
    "INSERT INTO core_searchfacettotal (type, name, value, count) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT (type, name, value) "
    "DO UPDATE SET count = core_searchfacettotal.count + excluded.count"
)


def _add_totals(type_name: str, deltas: Mapping[tuple[str, str], int]) -> None:
    """Add to the facet totals of a type (in key order: no lock cycles)."""
    rows = [(type_name, name, value, n) for (name, value), n in sorted(deltas.items())]
    with connection.cursor() as cursor:
        cursor.executemany(TOTALS_SQL, rows)
        if any(n < 0 for *_, n in rows):
            cursor.execute(
                "DELETE FROM core_searchfacettotal WHERE type = %s AND count <= 0",
                [type_name],
            )


def _subtract_totals(type_name: str, ids: Sequence[int]) -> None:
    found = (
        SearchFacet.objects.filter(document_id__in=ids)
        .values_list("name", "value")
        .annotate(n=Count("id"))
    )
    deltas = {(name, value): -n for name, value, n in found}
    deltas[("", "")] = -len(ids)
    _add_totals(type_name, deltas)


# The index generation, moving on every write of the index: search results
# are cached under it (``service._cache_key``). A version of
# ``fabrique.core.versions``: writers of the index do not wait for one another
# on it, and every process sees the change once the write commits.


def generation() -> int:
    """The index's version: a number no other state of the index had."""
    return versions.current("search")


def _bump_generation() -> None:
    versions.bump("search")
