"""The interface every search backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
