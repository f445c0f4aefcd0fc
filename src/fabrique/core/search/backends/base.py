"""The interface every search backend implements."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator, Sequence
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

    def facet_filter(
        self, name: str, values: Sequence[str], *, with_words: bool
    ) -> tuple[str, list[object]]:
        """SQL keeping documents ``d`` with one of ``values`` for facet ``name``."""
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


def count_keys(keys: str, names: Sequence[str]) -> list[tuple[str, str, int]]:
    """(name, value, count) of the facets ``names`` in "name:value" lines."""
    wanted = set(names)
    found = []
    for key, n in Counter(keys.split("\n")).items():
        name, colon, value = key.partition(":")
        if colon and name in wanted:
            found.append((name, value, n))
    return found
