"""PostgreSQL full-text backend: weighted ``tsvector``, unaccent, fr + en.

Migrations ``core.0003`` and ``0004`` create the ``unaccent`` extension, the
text search configurations ``fabrique_fr`` and ``fabrique_en`` (unaccent,
then the Snowball stemmer of the language), and two columns on the documents
table, written here: ``vector`` (texts a, b, c with weights A, B, C, in both
configurations, under a GIN index) matches; ``vector_head`` (a and b only)
ranks, as it stays small enough to be read for thousands of matches.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from fabrique.core.search.backends.base import Match, SearchBackend
from fabrique.core.search.registry import Document
from fabrique.core.search.text import Query


def _weighted(parameter: str, weight: str) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, {parameter}), '{weight}')"
        for config in ("fabrique_fr", "fabrique_en")
    )


# Named parameters: texts a, b, c and the document id.
WRITE_SQL = (
    "UPDATE core_searchdocument AS d SET vector_head = s.head, "  # noqa: S608
    "vector = s.head || s.body FROM (SELECT "
    f"{_weighted('%(a)s::text', 'A')} || {_weighted('%(b)s::text', 'B')} AS head, "
    f"{_weighted('%(c)s::text', 'C')} AS body) AS s WHERE d.id = %(id)s"
)

# Stemming the query with the accent-aware French configuration too lets
# "partagées" find "partager" (the unaccented French stem of "partagees" is
# "partage", that of "partager" is "partag").
QUERY_CONFIGURATIONS = ("fabrique_fr", "fabrique_en", "french")


def tsquery_text(term: str, *, prefix: bool) -> str:
    """The ``to_tsquery`` input of one term: ``term`` or ``term:*``.

    Terms are letters and digits only (see ``parse_query``), so they carry no
    tsquery operator.
    """
    return f"{term}:*" if prefix else term


def tsquery_sql(query: Query) -> tuple[str, list[str]]:
    """SQL of the tsquery: every term required, any configuration's stem."""
    parts: list[str] = []
    params: list[str] = []
    last = len(query.terms) - 1
    for position, term in enumerate(query.terms):
        text = tsquery_text(term, prefix=query.prefix and position == last)
        alternatives = [
            f"to_tsquery('{config}'::regconfig, %s)" for config in QUERY_CONFIGURATIONS
        ]
        parts.append(f"({' || '.join(alternatives)})")
        params.extend([text] * len(QUERY_CONFIGURATIONS))
    return f"({' && '.join(parts)})", params


class PostgreSQLBackend(SearchBackend):
    name = "postgresql"
    vendor = "postgresql"

    def write(self, documents: Sequence[tuple[int, Document]]) -> None:
        rows = [
            {"a": doc.text_a, "b": doc.text_b, "c": doc.text_c, "id": pk}
            for pk, doc in documents
        ]
        with connection.cursor() as cursor:
            cursor.executemany(WRITE_SQL, rows)

    def delete(self, ids: Sequence[int]) -> None:
        return None  # the vectors go with their document row

    def delete_type(self, type_name: str) -> None:
        return None

    def match(self, query: Query) -> Match:
        tsquery, params = tsquery_sql(query)
        return Match(
            join="",
            join_params=(),
            where=f"d.vector @@ {tsquery}",
            where_params=tuple(params),
            score=f"ts_rank(d.vector_head, {tsquery})",
            score_params=tuple(params),
        )
