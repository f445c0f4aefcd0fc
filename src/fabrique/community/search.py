"""Needs and micro-challenges in the site search, and the site search page.

Both are registered as search types (their saves and deletes keep the index
current, as for commons and actors), with a ``domain`` facet and, for
challenges, the lifecycle ``state``. The ``/recherche/`` page searches every
type at once, with the type itself as the first facet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from fabrique.community.lifecycle import State
from fabrique.community.models import Challenge, Domain, Need
from fabrique.core.search import search
from fabrique.core.search.registry import (
    Dependency,
    Document,
    Facet,
    IndexableType,
    register,
)
from fabrique.core.search.registry import types as registered_types
from fabrique.core.search.service import SORTS, FacetResult, FacetValue
from fabrique.core.search.text import MAX_QUERY_CHARS


def _domain_labels(values: Sequence[str]) -> dict[str, str]:
    names = dict(Domain.objects.filter(slug__in=values).values_list("slug", "name"))
    return {value: names.get(value, value) for value in values}


def _state_labels(values: Sequence[str]) -> dict[str, str]:
    known = dict(State.choices)
    return {value: str(known.get(value, value)) for value in values}


def _join(*parts: object) -> str:
    return "\n".join(str(part) for part in parts if part)


def need_document(need: Need) -> Document | None:
    if need.hidden or need.domain.hidden:
        return None
    return Document(
        title=need.title,
        url=need.get_absolute_url(),
        updated=need.updated,
        summary=need.description[:300],
        text_a=need.title,
        text_b=_join(need.domain.name, need.place_name),
        text_c=need.description,
        facets={"domain": [need.domain.slug]},
    )


def challenge_document(challenge: Challenge) -> Document | None:
    need = challenge.need
    if challenge.hidden or need.hidden or need.domain.hidden:
        return None
    return Document(
        title=challenge.title,
        url=challenge.get_absolute_url(),
        updated=challenge.updated,
        summary=challenge.goal[:300],
        text_a=challenge.title,
        text_b=_join(
            need.title,
            challenge.subdomain.title if challenge.subdomain else "",
            need.domain.name,
            challenge.place_name,
        ),
        text_c=_join(
            challenge.goal, challenge.success_criteria, challenge.closed_reason
        ),
        facets={"domain": [need.domain.slug], "state": [challenge.state]},
    )


def _needs() -> QuerySet[Need]:
    return Need.objects.select_related("domain")


def _challenges() -> QuerySet[Challenge]:
    return Challenge.objects.select_related("need__domain", "subdomain")


DOMAIN = Facet("domain", _("Community of interest"), _domain_labels)

NEEDS = register(
    IndexableType(
        name="need",
        label=_("needs"),
        model=Need,
        build=need_document,
        queryset=_needs,
        facets=(DOMAIN,),
        dependencies=(
            Dependency(
                Domain, lambda domain: domain.needs.values_list("pk", flat=True)
            ),
        ),
    )
)

CHALLENGES = register(
    IndexableType(
        name="challenge",
        label=_("micro-challenges"),
        model=Challenge,
        build=challenge_document,
        queryset=_challenges,
        facets=(DOMAIN, Facet("state", _("State"), _state_labels)),
        dependencies=(
            Dependency(Need, lambda need: need.challenges.values_list("pk", flat=True)),
            Dependency(
                Domain,
                lambda domain: Challenge.objects.filter(
                    need__domain=domain
                ).values_list("pk", flat=True),
            ),
        ),
    )
)


# The site search page --------------------------------------------------------

PAGE_SIZE = 20
RESULTS_ID = "search-results"
TYPE_FACET = "type"


def site_search(request: HttpRequest) -> HttpResponse:
    """Search commons, actors, needs and challenges at once, by type and facets."""
    from fabrique.catalog.views.listing import SORT_LABELS, _page_links, _page_number

    known = registered_types()
    chosen = [name for name in request.GET.getlist(TYPE_FACET) if name in known]
    query = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    sort = request.GET.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    page = _page_number(request.GET.get("page"))
    searched = chosen or sorted(known)
    facet_names = {f.name for name in searched for f in known[name].facets}
    filters = {
        name: request.GET.getlist(name)[:50]
        for name in facet_names
        if request.GET.getlist(name)
    }
    result = search(
        query, types=searched, filters=filters, sort=sort, page=page,
        page_size=PAGE_SIZE,
    )  # fmt: skip
    # The type facet: how many hits each type has for this query and filters.
    values = []
    for name in sorted(known):
        usable = {
            k: v
            for k, v in filters.items()
            if k in {f.name for f in known[name].facets}
        }
        if len(usable) != len(filters):
            count = 0
        else:
            count = search(
                query, types=[name], filters=usable, page_size=1, count_facets=False
            ).total
        if count or name in chosen:
            values.append(
                FacetValue(
                    name, str(known[name].label).capitalize(), count, name in chosen
                )
            )
    type_facet = FacetResult(TYPE_FACET, str(_("Type")), values)
    result = replace(result, facets=[type_facet, *result.facets])
    base_url = reverse("community:search")
    state: list[tuple[str, str]] = [("q", query)] if query else []
    state += [(TYPE_FACET, name) for name in chosen]
    state += [(n, v) for n, vs in result.filters.items() for v in vs]
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
        "type_labels": {name: known[name].label for name in known},
        "page_links": _page_links(result.page, result.num_pages, page_url),
        "previous_url": page_url(result.previous_page) if result.previous_page else "",
        "next_url": page_url(result.next_page) if result.next_page else "",
        "first_url": page_url(1),
        "first_number": (result.page - 1) * result.page_size + 1,
        "has_filters": bool(result.filters or chosen),
        "clear_url": f"{base_url}?{urlencode([('q', query)])}" if query else base_url,
        # The catalogue's search form and results, with hits of every type.
        "hit_template": "search/_site_hit.html",
    }
    htmx = getattr(request, "htmx", None)
    partial = (
        bool(htmx) and htmx.target == RESULTS_ID and not htmx.history_restore_request
    )
    template = "search/_results.html" if partial else "search/site.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
