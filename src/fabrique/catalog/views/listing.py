"""Search pages of the catalogue: commons and actors, with facets.

One GET form: it works as is without JavaScript, and with htmx it refreshes
only the results (``search/_results.html``) as one types, ticks a facet,
changes the sort or the page, pushing each state to the address bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from fabrique.core.search import search
from fabrique.core.search.registry import get_type
from fabrique.core.search.service import MAX_PAGE, SORTS
from fabrique.core.search.text import MAX_QUERY_CHARS

PAGE_SIZE = 20
RESULTS_ID = "search-results"
SORT_LABELS = {
    "relevance": _("Relevance"),
    "updated": _("Recently updated"),
    "title": _("Title (A–Z)"),
}


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…")
    url: str = ""
    current: bool = False


def commons_list(request: HttpRequest) -> HttpResponse:
    return _search_page(
        request,
        type_name="commons",
        url_name="catalog:commons_list",
        template="catalog/commons_list.html",
    )


def actor_list(request: HttpRequest) -> HttpResponse:
    return _search_page(
        request,
        type_name="actor",
        url_name="catalog:actor_list",
        template="catalog/actor_list.html",
    )


def _search_page(
    request: HttpRequest, *, type_name: str, url_name: str, template: str
) -> HttpResponse:
    indexable = get_type(type_name)
    query = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    sort = request.GET.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    page = _page_number(request.GET.get("page"))
    filters = {
        facet.name: request.GET.getlist(facet.name)[:50]
        for facet in indexable.facets
        if request.GET.getlist(facet.name)
    }
    result = search(
        query, types=[type_name], filters=filters, sort=sort, page=page,
        page_size=PAGE_SIZE,
    )  # fmt: skip
    base_url = reverse(url_name)
    state: list[tuple[str, str]] = [("q", query)] if query else []
    state += [
        (name, value) for name, values in result.filters.items() for value in values
    ]
    if sort != "relevance":
        state.append(("sort", sort))

    def page_url(number: int) -> str:
        params = state + ([("page", str(number))] if number > 1 else [])
        return f"{base_url}?{urlencode(params)}" if params else base_url

    context = {
        "result": result,
        "q": query,
        "sort": sort,
        "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
        "base_url": base_url,
        "results_id": RESULTS_ID,
        "type_label": indexable.label,
        "page_links": _page_links(result.page, result.num_pages, page_url),
        "previous_url": page_url(result.previous_page) if result.previous_page else "",
        "next_url": page_url(result.next_page) if result.next_page else "",
        "first_url": page_url(1),
        "first_number": (result.page - 1) * result.page_size + 1,
        "has_filters": bool(result.filters),
        "clear_url": f"{base_url}?{urlencode([('q', query)])}" if query else base_url,
    }
    htmx = getattr(request, "htmx", None)
    partial = (
        bool(htmx) and htmx.target == RESULTS_ID and not htmx.history_restore_request
    )
    response = render(request, "search/_results.html" if partial else template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def _page_links(current: int, last: int, url: Callable[[int], str]) -> list[PageLink]:
    """First, last and the pages around the current one, with gaps."""
    wanted = {1, last, *range(current - 2, current + 3)}
    links: list[PageLink] = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number > previous + 1:
            links.append(PageLink(None))
        links.append(PageLink(number, url(number), number == current))
        previous = number
    return links if last > 1 else []
