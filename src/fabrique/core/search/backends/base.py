"""The interface every search backend implements."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection

from fabrique.core.search.registry import Document
from fabrique.core.search.text import Query

# SQL alias of the documents table in the queries the service builds.
DOCUMENT = "d"


@dataclass(frozen=True)
class Match:
    """SQL that restricts documents (alias ``d``) to a full-text query.

    ``join`` is added to the FROM clause, ``where`` to the conditions;
    ``score`` is a relevance expression, higher is better. Each has its own
    parameters, in order.
    """

    join: str
    join_params: tuple[object, ...]
    where: str
    where_params: tuple[object, ...]
    score: str
    score_params: tuple[object, ...]
    # Relevance ranks documents whose title matches first. ``title`` is the
    # match restricted to titles (an index serves it, so the best hits of a
    # broad word are found without ranking every match); ``not_title`` is a
    # condition on ``d`` excluding those documents. None: no such order.
    title: Match | None = None
    not_title: str = ""
    not_title_params: tuple[object, ...] = ()
    # The same exclusion tested on each row, for a walk in index order
    # (``SearchBackend.walking``); empty: as ``not_title``.
    not_title_each: str = ""
    # A narrower match whose documents all come before the others of this
    # match in relevance order, under an index of its own: a page it fills
    # is taken from it alone. None: no such shortcut.
    first: Match | None = None
    # The same documents for a walk in index order (``SearchBackend.walking``),
    # when the match is best tested another way there; None: as it is.
    walked: Match | None = None


class SearchBackend:
    """Keeps the full-text side of the index and turns a query into SQL."""

    name = ""
    # Database vendor the backend needs ("" for any).
    vendor = ""
    # The table searched as ``d``: the documents, or a narrower copy with the
    # same ``id``, ``type``, ``updated``, ``sort_title`` and ``facet_keys``.
    source = "core_searchdocument"
    # SQL joining the ``facet_keys`` of rows ``m`` with line breaks, in one
    # value (each backend names its database's aggregate): counting facets
    # reads one string, not a row per match.
    keys_aggregate = ""
    # Whether relevance past the title matches is an order an index walk
    # can follow (the most recently updated first), rather than a score.
    walks_relevance = False
    # SQL ordering a match's documents newest first (the latest indexed
    # first) as the full-text index reads them, without ranking them; empty:
    # relevance ranks every match. When set, the relevance of a broad word
    # (more than COUNT_LIMIT matches, "more than 1,000") ranks the newest
    # COUNT_LIMIT of them only, those its pages list: a score is computed
    # for them only, not for every match.
    newest_first = ""

    def write(self, documents: Sequence[tuple[int, Document]]) -> None:
        """Add the full text of new documents (given with their row ids)."""
        raise NotImplementedError

    def delete(self, ids: Sequence[int]) -> None:
        """Forget the full text of the documents with these row ids."""
        raise NotImplementedError

    def rewrite(self, documents: Sequence[tuple[int, Document]]) -> None:
        """Replace the full text of documents kept (their rows were updated)."""
        self.delete([pk for pk, _ in documents])
        self.write(documents)

    def delete_type(self, type_name: str) -> None:
        """Forget the full text of every document of one type."""
        raise NotImplementedError

    def analyse(self) -> None:
        """Gather the planner's statistics of the index after a bulk write.

        Nothing by default: SQLite's planner does well without them (and
        nothing else would ever gather them, so a fresh instance runs
        without)."""

    def match(self, query: Query) -> Match:
        """The SQL restricting documents to those matching a non-empty query."""
        raise NotImplementedError

    @contextlib.contextmanager
    def reading(self, match: Match | None) -> Iterator[None]:
        """Around the queries of one search (PostgreSQL tunes its planner)."""
        yield

    @contextlib.contextmanager
    def walking(self) -> Iterator[None]:
        """Inside ``reading``, around a query whose page is best found by
        walking an index in the order asked and testing each document, as a
        broad word's first pages are (most documents visited match)."""
        yield

    def narrowed(
        self, match: Match, filters: Mapping[str, Sequence[str]], *, but_one: bool
    ) -> Match:
        """The match with the facet filters (name → values) inside it, for a
        full-text index that holds the facets beside the words; ``but_one``:
        documents meeting every filter but at most one. The filters' SQL
        (:meth:`facet_filter`) is still applied: this only narrows what the
        index reads. As it is by default."""
        return match

    def facet_filter(
        self, name: str, values: Sequence[str], *, with_words: bool
    ) -> tuple[str, list[object]]:
        """SQL keeping documents ``d`` with one of ``values`` for facet ``name``.

        ``with_words``: the documents come one by one from another index (the
        words', or an order's in a walk), each tested as it comes."""
        marks = ", ".join(["%s"] * len(values))
        return (
            "d.id IN (SELECT document_id FROM core_searchfacet "  # noqa: S608
            f"WHERE name = %s AND value IN ({marks}))",
            [name, *values],
        )

    def count_facets(
        self,
        where: str,
        params: Sequence[object],
        names: Sequence[str],
        limit: int,
    ) -> tuple[int, list[tuple[str, str, int]]]:
        """In one pass over at most ``limit`` documents selected by ``where``
        (a ``FROM … WHERE …`` over alias ``d``): how many there are, and
        (name, value, count) of the facets ``names`` among them."""
        with connection.cursor() as cursor:
            if not names:
                cursor.execute(
                    f"SELECT COUNT(*) FROM (SELECT 1 {where} LIMIT %s) m",  # noqa: S608
                    [*params, limit],
                )
                return int(cursor.fetchone()[0]), []
            # The facet keys come with the rows: counting them here beats a
            # join to the facet table (a lookup per key) on both databases.
            cursor.execute(
                f"SELECT COUNT(*), {self.keys_aggregate} "  # noqa: S608
                f"FROM (SELECT d.facet_keys {where} LIMIT %s) m",
                [*params, limit],
            )
            seen, keys = cursor.fetchone()
        return int(seen), count_keys(keys or "", names)

    def keys_contain(
        self, column: str, keys: Sequence[str]
    ) -> tuple[str, list[object]]:
        """SQL true when the "name:value" lines of ``column`` hold one of ``keys``.

        Keys are compared whole, line by line: "kind:data" is not found in
        "kind:database". A key with a line break is in no document.
        """
        wanted = [key for key in keys if "\n" not in key]
        if not wanted:
            return "1 = 0", []
        tests = " OR ".join(
            f"instr(char(10) || {column} || char(10), %s) > 0" for _ in wanted
        )
        return f"({tests})", [f"\n{key}\n" for key in wanted]

    def count_by_filters(
        self,
        where: str,
        params: Sequence[object],
        shared: Sequence[str],
        filters: Mapping[str, tuple[str, Sequence[object]]],
        limit: int,
    ) -> Counted:
        """In one pass over at most ``limit`` documents selected by ``where``
        (documents meeting every filter but at most one): how many were read,
        how many meet every filter, the counts of the facets ``shared`` among
        those, and each filtered facet's counts among the documents meeting
        the other filters. ``filters`` maps a facet name to its test on
        ``m.facet_keys`` (:meth:`keys_contain`)."""

        def meeting(names: Sequence[str]) -> tuple[str, list[object]]:
            if not names:
                return "1 = 1", []
            tests = [filters[name] for name in names]
            return (
                " AND ".join(test for test, _ in tests),
                [value for _, values in tests for value in values],
            )

        every, every_params = meeting(list(filters))
        columns = [f"COUNT(*) FILTER (WHERE {every})"]
        column_params: list[object] = list(every_params)
        if shared:
            columns.append(f"{self.keys_aggregate} FILTER (WHERE {every})")
            column_params += every_params
        for name in filters:
            others, others_params = meeting([o for o in filters if o != name])
            columns.append(f"{self.keys_aggregate} FILTER (WHERE {others})")
            column_params += others_params
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*), {', '.join(columns)} "  # noqa: S608
                f"FROM (SELECT d.facet_keys {where} LIMIT %s) m",
                [*column_params, *params, limit],
            )
            row = cursor.fetchone()
        seen, in_every = int(row[0]), int(row[1])
        keys = list(row[2:])
        shared_found = count_keys(keys.pop(0) or "", shared) if shared else []
        own = {
            name: count_keys(found or "", [name])
            for name, found in zip(filters, keys, strict=True)
        }
        return Counted(seen, in_every, shared_found, own)


@dataclass(frozen=True)
class Counted:
    """What :meth:`SearchBackend.count_by_filters` read in its one pass."""

    seen: int
    in_every: int
    shared: list[tuple[str, str, int]]
    own: dict[str, list[tuple[str, str, int]]]


def count_keys(keys: str, names: Sequence[str]) -> list[tuple[str, str, int]]:
    """(name, value, count) of the facets ``names`` in "name:value" lines."""
    wanted = set(names)
    found = []
    for key, n in Counter(keys.split("\n")).items():
        name, colon, value = key.partition(":")
        if colon and name in wanted:
            found.append((name, value, n))
    return found
