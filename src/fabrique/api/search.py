"""Commons and actor search behind ``GET /commons/`` and ``GET /actors/``.

Full text, facets and sorts come from ``fabrique.core.search.search`` (SQLite
FTS5 or PostgreSQL full text, accent- and case-insensitive, stemmed), so the
API finds what the pages find. The index holds what is public; the one
question it cannot answer — commons *without* open needs — is filtered by
the database instead.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from fabrique.catalog.models import Actor, Commons, Need
from fabrique.core.search import search

ORM_SORTS = {"updated": ("-updated", "-pk"), "title": ("title", "pk")}


def open_needs() -> Exists:
    return Exists(Need.objects.filter(commons=OuterRef("pk"), status=Need.Status.OPEN))


def commons_page(
    queryset: QuerySet[Commons],
    *,
    q: str,
    filters: dict[str, str | None],
    has_open_needs: bool | None,
    sort: str,
    page: int,
    page_size: int,
) -> tuple[list[Commons], int]:
    """One page of commons matching ``q`` and the facets, and the total."""
    if has_open_needs is False:
        return _without_open_needs(queryset, q, filters, sort, page, page_size)
    facets = {name: [value] for name, value in filters.items() if value}
    if has_open_needs:
        facets["needs"] = ["open"]
    # The API's envelope has no facets: do not count them.
    result = search(
        q,
        types=["commons"],
        filters=facets,
        sort=sort,
        page=page,
        page_size=page_size,
        count_facets=False,
    )
    ids = [hit.id for hit in result.hits]
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found], result.total


def _without_open_needs(
    queryset: QuerySet[Commons],
    q: str,
    filters: dict[str, Any],
    sort: str,
    page: int,
    page_size: int,
) -> tuple[list[Commons], int]:
    queryset = queryset.alias(open=open_needs()).filter(open=False)
    for word in q.split():
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
        )
    lookups = {"kind": "kind", "theme": "themes__slug", "maturity": "maturity",
               "licence": "licence__iexact"}  # fmt: skip
    for name, value in filters.items():
        if value:
            queryset = queryset.filter(**{lookups[name]: value})
    queryset = queryset.order_by(*ORM_SORTS.get(sort, ORM_SORTS["updated"]))
    start = (page - 1) * page_size
    return list(queryset[start : start + page_size]), queryset.count()


def actors_page(
    queryset: QuerySet[Actor],
    *,
    q: str,
    actor_type: str | None,
    city: str | None,
    page: int,
    page_size: int,
) -> tuple[list[Actor], int]:
    """One page of actors matching ``q``, a type and a city, and the total."""
    facets = {"actor_type": [actor_type], "city": [city]}
    result = search(
        q,
        types=["actor"],
        filters={name: values for name, values in facets.items() if values[0]},
        sort="relevance" if q.strip() else "title",
        page=page,
        page_size=page_size,
        count_facets=False,
    )
    ids = [hit.id for hit in result.hits]
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found], result.total
