"""The pagination envelope of every list route.

``{data, page, page_size, total, next_page, previous_page}``: ``next_page`` and
``previous_page`` are absolute URLs of the neighbouring pages (same filters) or
``null``. ``page_size`` defaults to ``FABRIQUE_PAGE_SIZE`` and is bounded by
``MAX_PAGE_SIZE``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from pydantic import Field, create_model

MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000


class PageParams(Schema):
    """Query parameters of every list route (filters extend it)."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int | None = Field(
        None,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page, at most {MAX_PAGE_SIZE}.",
    )


def _page_size(requested: int | None) -> int:
    return requested if requested is not None else settings.FABRIQUE_PAGE_SIZE


def page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def envelope(
    request: HttpRequest,
    items: Sequence[Any],
    *,
    total: int,
    page: int,
    page_size: int,
) -> dict[str, Any]:
    """Wrap one page of ``items`` (already cut) with its position."""
    last = max(1, -(-total // page_size))
    return {
        "data": list(items),
        "page": page,
        "page_size": page_size,
        "total": total,
        "next_page": page_url(request, page + 1) if page < last else None,
        "previous_page": page_url(request, min(page - 1, last)) if page > 1 else None,
    }


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    params: PageParams,
    *,
    serialise: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """Cut ``queryset`` to the requested page and wrap it in the envelope."""
    size = _page_size(params.page_size)
    total = queryset.count()
    start = (params.page - 1) * size
    rows = list(queryset[start : start + size])
    items = [serialise(row) for row in rows] if serialise else rows
    return envelope(request, items, total=total, page=params.page, page_size=size)


@cache
def page_of(schema: type[Schema]) -> type[Schema]:
    """The envelope schema of a page of ``schema`` items (for OpenAPI)."""
    return create_model(  # type: ignore[call-overload,no-any-return]
        f"{schema.__name__.removesuffix('Out').removesuffix('Item')}Page",
        __base__=Schema,
        data=(list[schema], ...),  # type: ignore[valid-type]
        page=(int, ...),
        page_size=(int, ...),
        total=(int, ...),
        next_page=(str | None, ...),
        previous_page=(str | None, ...),
    )
