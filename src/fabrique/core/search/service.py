"""The search service: one function for pages and the API.

``search("velo partage", types=["commons"], filters={"kind": ["software"]})``
returns a :class:`SearchResult`; see :func:`search` for its exact shape.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language

from fabrique.core.search.backends import Match, get_backend
from fabrique.core.search.index import generation
from fabrique.core.search.models import SearchFacetTotal
from fabrique.core.search.registry import Facet
from fabrique.core.search.registry import types as registered_types
from fabrique.core.search.suggest import suggest
from fabrique.core.search.text import Query, parse_query

SORTS = ("relevance", "updated", "title")
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
MAX_FILTER_VALUES = 50
# Matches counted at most: past it, totals and facet counts are lower bounds
# ("more than 1,000"), so a broad word costs what a narrower one does.
COUNT_LIMIT = 1_000
# A broad word's pages (more than COUNT_LIMIT matches) are found by walking
# the index of their order while they lie within this many first documents:
# most documents visited then match, and none needs sorting.
WALK_LIMIT = 500
# A walk reads at most this many documents for each one its page needs:
# the word must be in at least one document in WALK_VISITS along the way.
WALK_VISITS = 10
# A walk tests the facet filters on every document it visits: it is not
# taken when they are estimated to keep less than this share of them.
WALK_FILTER_SHARE = 0.2
# Results are cached this long at most; any index write invalidates them.
RESULT_CACHE_SECONDS = 300


class SearchError(ValueError):
    """A search request is invalid; ``field`` names the faulty parameter."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Tag:
    """A facet value with its display label."""

    value: str
    label: str


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetResult:
    name: str
    label: str
    values: list[FacetValue]
    # False when counted on the first COUNT_LIMIT matches only: each count is
    # then a lower bound.
    exact: bool = True


@dataclass(frozen=True)
class Hit:
    type: str
    id: int
    title: str
    summary: str
    url: str
    updated: datetime
    score: float | None
    facets: dict[str, list[Tag]]


@dataclass(frozen=True)
class SearchResult:
    query: str
    types: list[str]
    filters: dict[str, list[str]]
    sort: str
    page: int
    page_size: int
    total: int
    hits: list[Hit]
    facets: list[FacetResult]
    # False when more than COUNT_LIMIT documents match: ``total`` is then
    # COUNT_LIMIT, to be shown as "more than …".
    total_exact: bool = True
    # When the query found nothing, its closest spelling in the catalogue
    # ("trotinette" → "trottinette"); ``corrected`` when the hits are that
    # spelling's (``query`` is then the corrected one, ``asked`` the typed one).
    suggestion: str = ""
    corrected: bool = False
    asked: str = ""

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.num_pages else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (datetimes left to the encoder)."""
        data = asdict(self)
        data.update(
            num_pages=self.num_pages,
            next_page=self.next_page,
            previous_page=self.previous_page,
        )
        return data


def search(
    query: str = "",
    *,
    types: Sequence[str] | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 20,
    count_facets: bool = True,
) -> SearchResult:
    """Search the index: full text, facet filters, sort and one page of hits.

    - ``query``: what the user typed; any text is safe (operators are plain
      words, the last word matches as a prefix unless followed by a space).
      Empty: every document of the types, filtered.
    - ``types``: type names (``"commons"``, ``"actor"``, see
      ``registry.types()``); all by default.
    - ``filters``: facet name → accepted values. Values of one facet are
      alternatives (OR), facets combine (AND). Facet names are those of the
      types searched: ``kind``, ``theme`` (slug), ``maturity``, ``licence``,
      ``needs`` (``"open"``), ``actor_type``, ``city`` (of an actor's places).
    - ``sort``: ``relevance`` (documents whose title matches first, then the
      others, each group best first; most recently updated first for an
      empty query; on SQLite, a query with more than ``COUNT_LIMIT``
      matches is ranked among its newest ``COUNT_LIMIT`` of the types and
      filters, those its pages list), ``updated`` (newest first) or
      ``title`` (A→Z, accents ignored).
    - ``page`` from 1, ``page_size`` from 1 to 100. A page past the end has no
      hits but the right ``total``.
    - ``count_facets=False`` skips the facet counts (``facets`` is then
      empty): much faster for broad queries when only hits are wanted.

    Raises :class:`SearchError` (a ``ValueError``) naming the parameter for an
    unknown type, facet or sort, or a page out of range.

    Returns a :class:`SearchResult`::

        query      normalised query ("velo partage*")
        types      type names searched; filters: the filters applied
        sort, page, page_size
        total      number of matching documents, at most COUNT_LIMIT
        total_exact  False past COUNT_LIMIT ("more than 1,000"); facet
                   counts are then lower bounds (FacetResult.exact False)
        num_pages, next_page, previous_page (None at the ends)
        hits       list of Hit: type, id (the object's primary key), title,
                   summary, url, updated (aware datetime), score (float, higher
                   is better; None without a query), facets {name: [Tag(value,
                   label)]}
        facets     list of FacetResult(name, label, values=[FacetValue(value,
                   label, count, selected)]), counts by value, largest first.
                   A facet's counts ignore its own filter, so alternatives
                   stay visible; selected values are always listed.

    ``result.as_dict()`` gives the same as plain data.
    """
    parsed = parse_query(query)
    type_names = _check_types(types)
    facets = _facets_of(type_names)
    applied = _check_filters(filters, facets)
    if sort not in SORTS:
        raise SearchError("sort", f"{sort!r} is not one of {', '.join(SORTS)}")
    if not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        raise SearchError("page", f"must be an integer from 1 to {MAX_PAGE}")
    if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise SearchError("page_size", f"must be an integer from 1 to {MAX_PAGE_SIZE}")

    now = generation()
    key = _cache_key(
        now, parsed.text, type_names, applied, sort, page, page_size, count_facets
    )
    cached = cache.get(key)
    if isinstance(cached, SearchResult):
        return cached
    result = _search(
        parsed, type_names, facets, applied, sort, page, page_size, count_facets, now
    )
    cacheable = True
    if not result.total and parsed:
        result, cacheable = _corrected(
            result,
            parsed,
            type_names,
            facets,
            applied,
            sort,
            page_size,
            count_facets,
            now,
        )
    if cacheable:
        cache.set(key, result, RESULT_CACHE_SECONDS)
    return result


def _corrected(
    result: SearchResult,
    parsed: Query,
    type_names: list[str],
    facets: dict[str, Facet],
    applied: dict[str, list[str]],
    sort: str,
    page_size: int,
    count_facets: bool,
    index_generation: int,
) -> tuple[SearchResult, bool]:
    """An empty result: the hits of the closest spelling, if it finds any.

    Otherwise the empty result, still naming the suggestion when there is one.
    The flag says whether the answer may be cached: not while the vocabulary
    is still being read.
    """
    suggestion = suggest(parsed)
    if not suggestion:
        return result, suggestion is not None
    fixed = parse_query(suggestion + ("" if parsed.prefix else " "))
    again = _search(
        fixed,
        type_names,
        facets,
        applied,
        sort,
        1,
        page_size,
        count_facets,
        index_generation,
    )
    if not again.total:
        return replace(result, suggestion=suggestion), True
    corrected = replace(again, suggestion=suggestion, corrected=True, asked=parsed.text)
    return corrected, True


def _cache_key(*parts: object) -> str:
    """The result cache key: the index generation, the request, the language.

    Any write to the index bumps its generation (``index.generation()``), so
    a cached result is never served once the index has changed.
    """
    text = repr((get_language(), *parts))
    return "search:" + hashlib.sha256(text.encode()).hexdigest()


def _search(
    parsed: Query,
    type_names: list[str],
    facets: dict[str, Facet],
    applied: dict[str, list[str]],
    sort: str,
    page: int,
    page_size: int,
    count_facets: bool,
    index_generation: int,
) -> SearchResult:
    backend = get_backend()
    match = backend.match(parsed) if parsed else None
    with backend.reading(match):
        total, total_exact, counts, counts_exact = _count_and_facets(
            type_names, match, applied, facets if count_facets else {}
        )
        ranked = (
            _hits(
                type_names,
                match,
                applied,
                sort,
                page,
                page_size,
                total_exact,
                index_generation,
            )
            if total
            else []
        )
    rows, hit_facets = _shown(ranked)

    wanted: dict[str, set[str]] = defaultdict(set)
    for name, values in applied.items():
        wanted[name].update(values)
    for name, by_value in counts.items():
        wanted[name].update(by_value)
    for by_name in hit_facets.values():
        for name, values in by_name.items():
            wanted[name].update(values)
    labels = {
        name: _labels(facets[name], sorted(values), index_generation)
        if name in facets
        else {}
        for name, values in wanted.items()
    }

    hits = [
        Hit(
            type=kind,
            id=object_id,
            title=title,
            summary=summary,
            url=url,
            updated=updated,
            score=float(score) if score is not None else None,
            facets={
                name: [Tag(v, labels[name].get(v, v)) for v in values]
                for name, values in hit_facets.get(pk, {}).items()
            },
        )
        for pk, kind, object_id, title, summary, url, updated, score in rows
    ]
    facet_results = []
    for name, facet in facets.items() if count_facets else ():
        by_value = counts.get(name, {})
        selected = applied.get(name, [])
        ordered = sorted(by_value.items(), key=lambda item: (-item[1], item[0]))
        shown = [value for value, _ in ordered[: facet.limit]]
        shown += [value for value in selected if value not in shown]
        values = [
            FacetValue(
                value=value,
                label=labels.get(name, {}).get(value, value),
                count=by_value.get(value, 0),
                selected=value in selected,
            )
            for value in shown
        ]
        facet_results.append(
            FacetResult(
                name=name, label=str(facet.label), values=values, exact=counts_exact
            )
        )
    return SearchResult(
        query=parsed.text,
        types=type_names,
        filters=applied,
        sort=sort,
        page=page,
        page_size=page_size,
        total=total,
        hits=hits,
        facets=facet_results,
        total_exact=total_exact,
    )


def _check_types(types: Sequence[str] | None) -> list[str]:
    known = registered_types()
    if types is None or (not isinstance(types, str) and not list(types)):
        return sorted(known)
    if isinstance(types, str):
        types = [types]
    unknown = [name for name in types if name not in known]
    if unknown:
        raise SearchError(
            "types",
            f"unknown type {unknown[0]!r} (known: {', '.join(sorted(known))})",
        )
    return sorted(set(types))


def _facets_of(type_names: Sequence[str]) -> dict[str, Facet]:
    known = registered_types()
    facets: dict[str, Facet] = {}
    for name in type_names:
        for facet in known[name].facets:
            facets.setdefault(facet.name, facet)
    return facets


def _check_filters(
    filters: Mapping[str, Sequence[str]] | None, facets: Mapping[str, Facet]
) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        if name not in facets:
            known = ", ".join(facets) or "none"
            raise SearchError(
                "filters", f"unknown facet {name!r} for these types (known: {known})"
            )
        if isinstance(values, str):
            values = [values]
        cleaned = list(dict.fromkeys(str(value)[:100] for value in values if value))
        if len(cleaned) > MAX_FILTER_VALUES:
            raise SearchError(
                "filters", f"facet {name!r}: at most {MAX_FILTER_VALUES} values"
            )
        if cleaned:
            applied[name] = cleaned
    return applied


def _where(
    type_names: Sequence[str],
    match: Match | None,
    filters: Mapping[str, Sequence[str]],
    *,
    skip: str | None = None,
    walk: bool = False,
    but_one: bool = False,
) -> tuple[str, list[object]]:
    """FROM … WHERE … over documents ``d``, with its parameters.

    ``d`` is the backend's ``source``: the documents, or on PostgreSQL their
    narrow entries; either has the columns used here. ``skip`` leaves out one
    facet's filter; ``but_one`` keeps the documents that meet every filter
    but at most one.
    """
    backend = get_backend()
    sql = f"FROM {backend.source} d"
    params: list[object] = []
    marks = ", ".join(["%s"] * len(type_names))
    # With words, the full-text index must drive the query: the type column
    # is then compared as an expression, which no b-tree index can serve,
    # unless the query walks a b-tree index on purpose.
    column = "d.type" if match is None or walk else "(d.type || '')"
    conditions = [f"{column} IN ({marks})"]
    condition_params: list[object] = list(type_names)
    if match is not None:
        narrowing = {name: values for name, values in filters.items() if name != skip}
        match = backend.narrowed(match, narrowing, but_one=but_one)
        if match.join:
            sql += f" {match.join}"
            params.extend(match.join_params)
        conditions.append(match.where)
        condition_params.extend(match.where_params)
    # With words, or in a walk, the documents come one by one from an index
    # (the words', an order's) and each is tested as it comes.
    tests = {
        name: backend.facet_filter(name, values, with_words=match is not None or walk)
        for name, values in filters.items()
        if name != skip
    }
    if but_one and len(tests) > 1:
        # Every filter but one, for each one: (b AND c) OR (a AND c) OR …
        alternatives = []
        for left_out in tests:
            kept = [test for name, test in tests.items() if name != left_out]
            alternatives.append("(" + " AND ".join(sql for sql, _ in kept) + ")")
            condition_params.extend(value for _, values in kept for value in values)
        conditions.append(f"({' OR '.join(alternatives)})")
    elif not but_one:
        for condition, values_params in tests.values():
            conditions.append(condition)
            condition_params.extend(values_params)
    return f"{sql} WHERE {' AND '.join(conditions)}", params + condition_params


def _count_and_facets(
    type_names: Sequence[str],
    match: Match | None,
    filters: Mapping[str, Sequence[str]],
    facets: Mapping[str, Facet],
) -> tuple[int, bool, dict[str, dict[str, int]], bool]:
    """The total and the facet counts: (total, exact, counts, counts exact).

    A facet with a filter is counted without its own filter, so that its
    alternatives keep their counts. One pass reads the documents that meet
    every filter but at most one and counts them all at once: the total and
    the facets without a filter among those meeting every filter, each
    filtered facet among those meeting the others. Each pass reads at most
    ``COUNT_LIMIT + 1`` documents: past it, counts are lower bounds
    (``exact`` False), and the total, ``COUNT_LIMIT`` at most, gets a pass of
    its own over the documents meeting every filter.
    """
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    shared = [name for name in facets if name not in filters]
    own = [name for name in facets if name in filters]
    backend = get_backend()
    if match is None and not filters:
        # Nothing narrows the counts: read the totals kept by the indexer.
        totals = _totals(type_names, ["", *shared])
        for name in shared:
            counts[name].update(totals.get(name, {}))
        return totals.get("", {}).get("", 0), True, counts, True
    if own and (match is not None or len(filters) > 1):
        where, params = _where(type_names, match, filters, but_one=True)
        tests = {
            name: backend.keys_contain(
                "m.facet_keys", [f"{name}:{value}" for value in values]
            )
            for name, values in filters.items()
        }
        counted = backend.count_by_filters(
            where, params, shared, tests, COUNT_LIMIT + 1
        )
        for name in own:
            for key, value, n in counted.own[name]:
                counts[key][value] = n
        if counted.seen <= COUNT_LIMIT:
            for name, value, n in counted.shared:
                counts[name][value] = n
            return counted.in_every, True, counts, True
        counts_exact = False
    else:
        counts_exact = True
        # Without words, a facet filtered alone counts its values over the
        # whole types: the indexer's totals.
        for name in own:
            for key, by_value in _totals(type_names, [name]).items():
                counts[key].update(by_value)
    where, params = _where(type_names, match, filters)
    seen, found = backend.count_facets(where, params, shared, COUNT_LIMIT + 1)
    for name, value, n in found:
        counts[name][value] = n
    total_exact = seen <= COUNT_LIMIT
    return min(seen, COUNT_LIMIT), total_exact, counts, counts_exact and total_exact


def _hits(
    type_names: Sequence[str],
    match: Match | None,
    filters: Mapping[str, Sequence[str]],
    sort: str,
    page: int,
    page_size: int,
    exact: bool = True,
    index_generation: int = 0,
) -> list[tuple[int, Any]]:
    """(document id, score) of one page, in order."""
    offset = (page - 1) * page_size
    # A broad word: walk the b-tree of the order (migrations 0002, 0008 for
    # one type, 0009 for several), unless the facet filters leave out most
    # of the documents it would visit.
    walk = (
        match is not None
        and not exact
        and offset + page_size <= WALK_LIMIT
        and (sort != "relevance" or get_backend().walks_relevance)
        and _filter_share(type_names, filters, index_generation) >= WALK_FILTER_SHARE
    )
    if sort == "relevance" and match is not None and not exact:
        capped = _capped(type_names, match, filters, page_size, offset)
        if capped is not None:
            return capped
    if sort != "relevance" or match is None or match.title is None:
        return _ranked(type_names, match, filters, sort, page_size, offset, walk=walk)
    # Relevance: documents whose title matches first, each group best first.
    # The title index finds the first group without ranking every match of a
    # broad word; the others are ranked only when the page reaches them.
    first = match.title.first
    if first is not None:
        rows = _ranked(type_names, first, filters, sort, page_size, offset)
        if len(rows) == page_size:
            return rows
    rows = _ranked(type_names, match.title, filters, sort, page_size, offset)
    if len(rows) == page_size:
        return rows
    if rows:
        in_titles = offset + len(rows)
    else:
        in_titles, _found = get_backend().count_facets(
            *_where(type_names, match.title, filters), [], offset + 1
        )
    # Ranked, the title matches are left out as a set read once; walked, each
    # document visited is tested (``not_title_each``).
    walked = (match.walked or match) if walk else None
    rest = Match(
        join=match.join,
        join_params=match.join_params,
        where=f"{match.where} AND {match.not_title}",
        where_params=(*match.where_params, *match.not_title_params),
        score=match.score,
        score_params=match.score_params,
        walked=None
        if walked is None
        else Match(
            join=walked.join,
            join_params=walked.join_params,
            where=f"{walked.where} AND {match.not_title_each or match.not_title}",
            where_params=(*walked.where_params, *match.not_title_params),
            score=walked.score,
            score_params=walked.score_params,
        ),
    )
    return rows + _ranked(
        type_names,
        rest,
        filters,
        sort,
        page_size - len(rows),
        max(0, offset - in_titles),
        walk=walk,
    )


def _capped(
    type_names: Sequence[str],
    match: Match,
    filters: Mapping[str, Sequence[str]],
    limit: int,
    offset: int,
) -> list[tuple[int, Any]] | None:
    """A relevance page of a broad word among its newest ``COUNT_LIMIT``
    matches, on backends that rank by a score computed per document
    (``SearchBackend.newest_first``); None elsewhere.

    More than ``COUNT_LIMIT`` documents match: the total says "more than
    COUNT_LIMIT" and its pages list that many, the newest of the types and
    filters, read in the index's own order. They are ranked as usual, title
    matches first, then by score: a score is computed for them only, not for
    every match, in one statement.
    """
    newest = get_backend().newest_first
    if not newest or match.title is None or not match.not_title:
        return None
    where, params = _where(type_names, match, filters)
    sql = (
        "SELECT c.id, c.score FROM (SELECT d.id AS id, d.updated AS updated, "  # noqa: S608
        f"{match.score} AS score, NOT ({match.not_title}) AS in_title {where} "
        f"ORDER BY {newest} LIMIT %s) c "
        "ORDER BY c.in_title DESC, c.score DESC, c.updated DESC, c.id DESC "
        "LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *match.score_params,
                *match.not_title_params,
                *params,
                COUNT_LIMIT,
                limit,
                offset,
            ],
        )
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _ranked(
    type_names: Sequence[str],
    match: Match | None,
    filters: Mapping[str, Sequence[str]],
    sort: str,
    limit: int,
    offset: int,
    *,
    walk: bool = False,
) -> list[tuple[int, Any]]:
    """(document id, score) of ``limit`` documents from ``offset``, in order."""
    score, score_params = ("NULL", []) if match is None else (
        match.score, list(match.score_params)
    )  # fmt: skip
    if sort == "title":
        order = "d.sort_title ASC, d.id ASC"
    elif sort == "relevance" and match is not None:
        order = "score DESC, d.updated DESC, d.id DESC"
    else:
        order = "d.updated DESC, d.id DESC"
    if walk and match is not None:
        walked = _walked(type_names, match, filters, order, limit, offset)
        if walked is not None:
            return walked
    where, params = _where(type_names, match, filters)
    sql = f"SELECT d.id, {score} AS score {where} ORDER BY {order} LIMIT %s OFFSET %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*score_params, *params, limit, offset])
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _walked(
    type_names: Sequence[str],
    match: Match,
    filters: Mapping[str, Sequence[str]],
    order: str,
    limit: int,
    offset: int,
) -> list[tuple[int, Any]] | None:
    """A page found by walking the index of its order, or None.

    The walk reads the first documents of the types and filters in that
    order, at most ``WALK_VISITS`` times as many as the page needs, and
    keeps those that match: when the page fills from them, it is exact
    (every document before them was tested). When it does not, the word is
    not broad enough here and the page is ranked the ordinary way.
    """
    match = match.walked or match
    if match.join:  # the match needs its join: no walk
        return None
    where, params = _where(type_names, None, filters, walk=True)
    visits = WALK_VISITS * (offset + limit)
    outer = order.replace("d.", "w.").replace("score", "w.score")
    sql = (
        f"SELECT w.id, w.score FROM (SELECT d.id, d.updated, d.sort_title, "  # noqa: S608
        f"{match.score} AS score, {match.where} AS hit {where} "
        f"ORDER BY {order} LIMIT %s) w "
        f"WHERE w.hit ORDER BY {outer} LIMIT %s OFFSET %s"
    )
    with get_backend().walking(), connection.cursor() as cursor:
        cursor.execute(
            sql,
            [*match.score_params, *match.where_params, *params, visits, limit, offset],
        )
        rows = [(row[0], row[1]) for row in cursor.fetchall()]
    return rows if len(rows) == limit else None


def _shown(
    ranked: Sequence[tuple[int, Any]],
) -> tuple[list[tuple[Any, ...]], dict[int, dict[str, list[str]]]]:
    """What the hits of a page show, read once for the page, in its order,
    and their facets (from the documents' "name:value" lines)."""
    if not ranked:
        return [], {}
    marks = ", ".join(["%s"] * len(ranked))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, type, object_id, title, summary, url, updated, "  # noqa: S608
            f"facet_keys FROM core_searchdocument WHERE id IN ({marks})",
            [pk for pk, _ in ranked],
        )
        shown = {row[0]: row for row in cursor.fetchall()}
    facets: dict[int, dict[str, list[str]]] = {}
    for pk, row in shown.items():
        by_name: dict[str, list[str]] = defaultdict(list)
        for key in (row[7] or "").split("\n"):
            name, colon, value = key.partition(":")
            if colon:
                by_name[name].append(value)
        facets[pk] = dict(by_name)
    rows = [
        (*shown[pk][:6], _aware(shown[pk][6]), score)
        for pk, score in ranked
        if pk in shown
    ]
    return rows, facets


# Facet labels by (index generation, language, facet, values): a theme's
# label is read once while the index stays as it is, for a minute at most.
_LABELS: dict[tuple[object, ...], tuple[float, dict[str, str]]] = {}
LABELS_SECONDS = 60.0
LABELS_KEPT = 5_000


def _filter_share(
    type_names: Sequence[str],
    filters: Mapping[str, Sequence[str]],
    index_generation: int,
) -> float:
    """The estimated share of the types' documents meeting the filters: from
    the indexer's totals, facets taken as independent."""
    if not filters:
        return 1.0
    key = (index_generation, "totals", tuple(type_names))
    now = time.monotonic()
    found = _TOTALS.get(key)
    if found is None or now - found[0] >= LABELS_SECONDS:
        rows = (
            SearchFacetTotal.objects.filter(type__in=type_names)
            .values_list("name", "value")
            .annotate(n=Sum("count"))
        )
        found = (now, {(name, value): int(n or 0) for name, value, n in rows})
        if len(_TOTALS) >= LABELS_KEPT:
            _TOTALS.clear()
        _TOTALS[key] = found
    totals = found[1]
    whole = totals.get(("", ""), 0)
    if not whole:
        return 0.0
    share = 1.0
    for name, values in filters.items():
        share *= min(1.0, sum(totals.get((name, v), 0) for v in values) / whole)
    return share


_TOTALS: dict[tuple[object, ...], tuple[float, dict[tuple[str, str], int]]] = {}


def _labels(facet: Facet, values: list[str], index_generation: int) -> dict[str, str]:
    key = (index_generation, get_language(), facet.name, tuple(values))
    now = time.monotonic()
    found = _LABELS.get(key)
    if found is not None and now - found[0] < LABELS_SECONDS:
        return found[1]
    labels = facet.labels(values)
    if len(_LABELS) >= LABELS_KEPT:
        _LABELS.clear()
    _LABELS[key] = (now, labels)
    return labels


def _aware(value: Any) -> datetime:
    """A timestamp read by raw SQL as an aware datetime (SQLite gives text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and value.tzinfo is None and settings.USE_TZ:
        value = value.replace(tzinfo=UTC)
    return value  # type: ignore[no-any-return]


def _totals(
    type_names: Sequence[str], names: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Facet totals of whole types, from ``core_searchfacettotal``."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        SearchFacetTotal.objects.filter(type__in=type_names, name__in=names)
        .values_list("name", "value")
        .annotate(n=Sum("count"))
    )
    for name, value, n in rows:
        if n:
            found[name][value] = int(n)
    return found
