"""PostgreSQL full-text backend: weighted ``tsvector``, unaccent, fr + en.

Migration ``core.0002`` creates the ``unaccent`` extension, the text search
configurations ``fabrique_fr`` and ``fabrique_en`` (unaccent, then the
Snowball stemmer of the language), and a generated column ``vector`` on the
documents table: the texts a, b, c with weights A, B, C, in both
configurations, under a GIN index. Nothing to write here: PostgreSQL keeps
the column current itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from fabrique.core.search.backends.base import Match, SearchBackend
from fabrique.core.search.registry import Document
from fabrique.core.search.text import Query


def tsquery_text(query: Query) -> str:
    """The ``to_tsquery`` input of a parsed query: terms joined by ``&``.

    Terms are folded letters and digits only, so they carry no tsquery
    operator; the last one gets ``:*`` while typed.
    """
    parts = list(query.terms)
    if query.prefix:
        parts[-1] = f"{parts[-1]}:*"
    return " & ".join(parts)


class PostgreSQLBackend(SearchBackend):
    name = "postgresql"
    vendor = "postgresql"

    def write(self, documents: Sequence[tuple[int, Document]]) -> None:
        return None

    def delete(self, ids: Sequence[int]) -> None:
        return None

    def delete_type(self, type_name: str) -> None:
        return None

    def match(self, query: Query) -> Match:
        text = tsquery_text(query)
        tsquery = (
            "(to_tsquery('fabrique_fr'::regconfig, %s) || "
            "to_tsquery('fabrique_en'::regconfig, %s))"
        )
        return Match(
            join="",
            join_params=(),
            where=f"d.vector @@ {tsquery}",
            where_params=(text, text),
            score=f"ts_rank(d.vector, {tsquery})",
            score_params=(text, text),
        )
