"""Commons search and facets behind the ``GET /commons/`` route."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from fabrique.catalog.models import Commons, Need

SORTS = {
    "updated": ("-updated", "-pk"),
    "title": ("title", "pk"),
}


def open_needs() -> Exists:
    return Exists(Need.objects.filter(commons=OuterRef("pk"), status=Need.Status.OPEN))


def commons_search(
    queryset: QuerySet[Commons],
    *,
    q: str = "",
    kind: str | None = None,
    theme: str | None = None,
    maturity: str | None = None,
    licence: str | None = None,
    has_open_needs: bool | None = None,
    sort: str = "relevance",
) -> QuerySet[Commons]:
    """Filter ``queryset`` by the words of ``q`` and the facets, then sort."""
    for word in q.split():
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if theme:
        queryset = queryset.filter(themes__slug=theme)
    if maturity:
        queryset = queryset.filter(maturity=maturity)
    if licence:
        queryset = queryset.filter(licence__iexact=licence)
    if has_open_needs is not None:
        queryset = queryset.alias(open=open_needs()).filter(open=has_open_needs)
    return queryset.order_by(*SORTS.get(sort, SORTS["updated"]))
