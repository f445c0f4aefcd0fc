"""The interface every search backend implements."""

from __future__ import annotations

import contextlib
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


class SearchBackend:
    """Keeps the full-text side of the index and turns a query into SQL."""

    name = ""
    # Database vendor the backend needs ("" for any).
    vendor = ""

    def write(self, documents: Sequence[tuple[int, Document]]) -> None:
        """Add the full text of new documents (given with their row ids)."""
        raise NotImplementedError

    def delete(self, ids: Sequence[int]) -> None:
        """Forget the full text of the documents with these row ids."""
        raise NotImplementedError

    def delete_type(self, type_name: str) -> None:
        """Forget the full text of every document of one type."""
        raise NotImplementedError

    def match(self, query: Query) -> Match:
        """The SQL restricting documents to those matching a non-empty query."""
        raise NotImplementedError

    @contextlib.contextmanager
    def reading(self, match: Match | None) -> Iterator[None]:
        """Around the queries of one search (PostgreSQL tunes its planner)."""
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

    def facet_counts(
        self, where: str, params: Sequence[object], names: Sequence[str]
    ) -> list[tuple[str, str, int]]:
        """(name, value, count) of the facets ``names`` over the documents
        selected by ``where`` (a ``FROM … WHERE …`` over alias ``d``)."""
        marks = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT f.name, f.value, COUNT(*) FROM (SELECT d.id {where}) m "  # noqa: S608
                "JOIN core_searchfacet f ON f.document_id = m.id "
                f"WHERE f.name IN ({marks}) GROUP BY f.name, f.value",
                [*params, *names],
            )
            return [(name, value, int(n)) for name, value, n in cursor.fetchall()]
