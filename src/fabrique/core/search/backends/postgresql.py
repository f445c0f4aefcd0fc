"""PostgreSQL full-text backend: weighted ``tsvector``, unaccent, fr + en.

Migrations ``core.0003`` and ``0004`` create the ``unaccent`` extension, the
text search configurations ``fabrique_fr`` and ``fabrique_en`` (unaccent,
then the Snowball stemmer of the language), and two columns on the documents
table, written here: ``vector`` (texts a, b, c with weights A, B, C, in both
configurations, under a GIN index) matches; ``vector_head`` (a and b only)
ranks, as it stays small enough to be read for thousands of matches.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from django.db import connection, transaction

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


# The titles' vector, under a GIN index (migration ``core.0007``): written
# exactly as the index expression, so the planner uses the index.
TITLE_VECTOR = (
    "(to_tsvector('fabrique_fr'::regconfig, d.title::text) || "
    "to_tsvector('fabrique_en'::regconfig, d.title::text))"
)


def normalised_tsquery(query: Query) -> str:
    """The tsquery text of a query, each term's alternative stems once.

    Every term is stemmed by each configuration in one round trip; equal
    stems (most words) are kept once, so the index reads each list once.
    """
    last = len(query.terms) - 1
    columns: list[str] = []
    params: list[str] = []
    for position, term in enumerate(query.terms):
        text = tsquery_text(term, prefix=query.prefix and position == last)
        for config in QUERY_CONFIGURATIONS:
            columns.append(f"to_tsquery('{config}'::regconfig, %s)::text")
            params.append(text)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        stemmed = cursor.fetchone()
    size = len(QUERY_CONFIGURATIONS)
    groups = []
    for start in range(0, len(stemmed), size):
        options = list(dict.fromkeys(s for s in stemmed[start : start + size] if s))
        if options:
            # An option may hold operators (a word split in two): keep it whole.
            groups.append("(" + " | ".join(f"({o})" for o in options) + ")")
    return " & ".join(groups)


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
        # Normalise the query once: the planner then sees a constant tsquery
        # and estimates how many documents match from the index statistics.
        text = normalised_tsquery(query)
        if not text:  # only stop words: nothing to look for
            return Match("", (), "FALSE", (), "0", ())
        score = "ts_rank(d.vector_head, %s::tsquery)"
        return Match(
            join="",
            join_params=(),
            where="d.vector @@ %s::tsquery",
            where_params=(text,),
            score=score,
            score_params=(text,),
            title=Match(
                join="",
                join_params=(),
                where=f"{TITLE_VECTOR} @@ %s::tsquery",
                where_params=(text,),
                score=score,
                score_params=(text,),
            ),
            not_title=(
                "d.id NOT IN (SELECT t.id FROM core_searchdocument t "  # noqa: S608
                f"WHERE {TITLE_VECTOR.replace('d.', 't.')} @@ %s::tsquery)"
            ),
            not_title_params=(text,),
        )

    @contextlib.contextmanager
    def reading(self, match: Match | None) -> Iterator[None]:
        if match is None:
            yield
            return
        # A sequential scan would unpack every document's vector to test it;
        # the GIN index answers without reading them, even for broad queries.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            # Nor a full scan of an index, which reads every vector just the same.
            cursor.execute("SET LOCAL enable_indexscan = off")
            # Facet counts of broad queries group a few hundred thousand keys.
            cursor.execute("SET LOCAL work_mem = '32MB'")
            yield

    def facet_filter(
        self, name: str, values: Sequence[str], *, with_words: bool
    ) -> tuple[str, list[object]]:
        if not with_words:
            return super().facet_filter(name, values, with_words=with_words)
        # Rows found by the full-text index carry their facet keys: testing
        # them there beats a lookup per row in the facet table.
        keys = [f"{name}:{value}" for value in values]
        return "string_to_array(d.facet_keys, E'\\n') && %s::text[]", [keys]
