"""PostgreSQL full-text backend: weighted ``tsvector``, unaccent, fr + en.

Migrations ``core.0003`` and ``0004`` create the ``unaccent`` extension and
the text search configurations ``fabrique_fr`` and ``fabrique_en`` (unaccent,
then the Snowball stemmer of the language). Searches run on
:class:`~fabrique.core.search.models.SearchEntry`, a narrow copy of each
document written here, whose ``vector`` holds texts a, b, c with weights A,
B, C in both configurations (migration ``core.0008``).

Relevance: documents whose title matches come first, shorter titles first
(the words are a larger part of them), then the other matches; ties go to the
most recently updated. Both orders read two small columns of the entry,
where ``ts_rank`` would unpack the vector of every match of a broad word.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence

from django.db import connection, transaction

from fabrique.core.search.backends.base import Match, SearchBackend
from fabrique.core.search.registry import Document
from fabrique.core.search.synonyms import alternatives
from fabrique.core.search.text import Query


def _weighted(parameter: str, weight: str) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, {parameter}), '{weight}')"
        for config in ("fabrique_fr", "fabrique_en")
    )


# The titles' vector, under a GIN index (migration ``core.0008``): written
# exactly as the index expression, so the planner uses the index.
TITLE_VECTOR = (
    "(to_tsvector('fabrique_fr'::regconfig, d.title::text) || "
    "to_tsvector('fabrique_en'::regconfig, d.title::text))"
)
# Titles of at most this many distinct words rank above all longer ones and
# have an index of their own (migration ``core.0008``), so that a broad word
# fills its first pages without ordering every title it is in.
SHORT_TITLE_WORDS = 6

# The facet keys as an array, as the words' GIN index holds them beside the words.
FACETS = "string_to_array(d.facet_keys, E'\\n')"

# Named parameters: texts a, b, c and the document id. The entry copies the
# document's row, which the indexer has just written.
WRITE_SQL = (
    "INSERT INTO core_searchentry AS e (id, type, updated, title, sort_title, "  # noqa: S608
    "title_words, facet_keys, vector) "
    "SELECT d.id, d.type, d.updated, d.title, d.sort_title, "
    f"least(length({TITLE_VECTOR}), 32767), d.facet_keys, "
    f"{_weighted('%(a)s::text', 'A')} || {_weighted('%(b)s::text', 'B')} || "
    f"{_weighted('%(c)s::text', 'C')} "
    "FROM core_searchdocument d WHERE d.id = %(id)s"
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


# Each term's tsquery options as PostgreSQL stemmed them, by (term, prefix):
# cold searches are new combinations of words met before (a Zipf law), and
# their stems never change (the configurations are fixed by migrations).
_STEMMED: dict[tuple[str, bool], tuple[str, ...]] = {}
STEMMED_TERMS = 50_000


def _stemmed(terms: Sequence[tuple[str, bool]]) -> list[tuple[str, ...]]:
    """The distinct tsquery options of each (term, prefix), in one round trip
    for the terms not seen before."""
    wanted = [key for key in dict.fromkeys(terms) if key not in _STEMMED]
    if wanted:
        columns: list[str] = []
        params: list[str] = []
        owners: list[tuple[str, bool]] = []
        for term, prefix in wanted:
            texts = [tsquery_text(term, prefix=prefix)]
            texts += [tsquery_text(word, prefix=False) for word in alternatives(term)]
            for text in texts:
                for config in QUERY_CONFIGURATIONS:
                    columns.append(f"to_tsquery('{config}'::regconfig, %s)::text")
                    params.append(text)
                    owners.append((term, prefix))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)}", params)
            stemmed = cursor.fetchone()
        found: dict[tuple[str, bool], list[str]] = {key: [] for key in wanted}
        for owner, option in zip(owners, stemmed, strict=True):
            if option:
                found[owner].append(option)
        if len(_STEMMED) + len(found) > STEMMED_TERMS:
            _STEMMED.clear()
        for key, options in found.items():
            _STEMMED[key] = tuple(dict.fromkeys(options))
    return [_STEMMED[key] for key in terms]


def normalised_tsquery(query: Query) -> str:
    """The tsquery text of a query, each term's alternative stems once.

    Every term, and each of its synonyms, is stemmed by each configuration
    (in one round trip for the terms this process has not stemmed yet);
    equal stems (most words) are kept once, so the index reads each list
    once.
    """
    last = len(query.terms) - 1
    keys = [
        (term, query.prefix and position == last)
        for position, term in enumerate(query.terms)
    ]
    groups = []
    for options in _stemmed(keys):
        if options:
            # An option may hold operators (a word split in two): keep it whole.
            groups.append("(" + " | ".join(f"({o})" for o in options) + ")")
    return " & ".join(groups)


_LEXEME = re.compile(r"'((?:[^']|'')*)'(:\*)?")


def in_titles(text: str) -> str:
    """The tsquery ``text`` restricted to the titles: each lexeme weighted A
    (``'velo'`` → ``'velo':A``, ``'vel':*`` → ``'vel':*A``), as the entries'
    vectors weigh the words of the title (text a)."""
    return _LEXEME.sub(lambda m: f"'{m.group(1)}':{'*' if m.group(2) else ''}A", text)


def tsquery_sql(query: Query) -> tuple[str, list[str]]:
    """SQL of the tsquery: every term required, any configuration's stem."""
    parts: list[str] = []
    params: list[str] = []
    last = len(query.terms) - 1
    for position, term in enumerate(query.terms):
        text = tsquery_text(term, prefix=query.prefix and position == last)
        options = [
            f"to_tsquery('{config}'::regconfig, %s)" for config in QUERY_CONFIGURATIONS
        ]
        parts.append(f"({' || '.join(options)})")
        params.extend([text] * len(QUERY_CONFIGURATIONS))
    return f"({' && '.join(parts)})", params


# Documents whose title matches rank above every other match: 1 + a share
# that grows as the title shortens.
TITLE_SCORE = "1 + 1 / (1 + d.title_words::float8)"


class PostgreSQLBackend(SearchBackend):
    name = "postgresql"
    vendor = "postgresql"
    source = "core_searchentry"
    keys_aggregate = "string_agg(m.facet_keys, E'\\n')"
    walks_relevance = True

    def write(self, documents: Sequence[tuple[int, Document]]) -> None:
        rows = [
            {"a": doc.text_a, "b": doc.text_b, "c": doc.text_c, "id": pk}
            for pk, doc in documents
        ]
        with connection.cursor() as cursor:
            cursor.executemany(WRITE_SQL, rows)

    def delete(self, ids: Sequence[int]) -> None:
        return None  # entries go with their document (on_delete=CASCADE)

    def rewrite(self, documents: Sequence[tuple[int, Document]]) -> None:
        # The documents stay: their entries are deleted here, then written.
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM core_searchentry WHERE id = ANY(%s)",
                [[pk for pk, _ in documents]],
            )
        self.write(documents)

    def delete_type(self, type_name: str) -> None:
        return None

    def analyse(self) -> None:
        # Without statistics the planner takes a common facet key for a rare
        # one (the GIN default) and drives a word search by it, reading tens
        # of thousands of rows: seconds. Autovacuum gathers them only some
        # minutes after the load, and never where it is switched off.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE core_searchentry, core_searchdocument, core_searchfacet, "
                "core_searchfacettotal"
            )

    def match(self, query: Query) -> Match:
        # Normalise the query once: the planner then sees a constant tsquery
        # and estimates how many documents match from the index statistics.
        text = normalised_tsquery(query)
        if not text:  # only stop words: nothing to look for
            return Match("", (), "FALSE", (), "0", ())
        return Match(
            join="",
            join_params=(),
            where="d.vector @@ %s::tsquery",
            where_params=(text,),
            # Past the titles, the most recently updated first.
            score="0.0",
            score_params=(),
            title=Match(
                join="",
                join_params=(),
                where=f"{TITLE_VECTOR} @@ %s::tsquery",
                where_params=(text,),
                score=TITLE_SCORE,
                score_params=(),
                first=Match(
                    join="",
                    join_params=(),
                    where=(
                        f"{TITLE_VECTOR} @@ %s::tsquery "
                        f"AND d.title_words <= {SHORT_TITLE_WORDS}"
                    ),
                    where_params=(text,),
                    score=TITLE_SCORE,
                    score_params=(),
                ),
            ),
            # Tested on each row from its own vector, whose title words (text
            # a) weigh A: a set of every title match would be read whole.
            not_title="NOT (d.vector @@ %s::tsquery)",
            not_title_params=(in_titles(text),),
        )

    @contextlib.contextmanager
    def reading(self, match: Match | None) -> Iterator[None]:
        if match is None:
            yield
            return
        # A sequential scan would unpack every document's vector to test it;
        # the GIN index answers without reading them, even for broad queries.
        # Nor a full scan of an index, which reads every vector just the same.
        # Workers cost more to start than they save on these short scans, and
        # take the cores other requests are waiting for. Compiling a query
        # costs more than any of these ever runs. One round trip for all.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true), "
                "set_config('enable_indexscan', 'off', true), "
                "set_config('max_parallel_workers_per_gather', '0', true), "
                "set_config('jit', 'off', true)"
            )
            yield

    @contextlib.contextmanager
    def walking(self) -> Iterator[None]:
        # The b-tree of the order asked, each document tested as it comes:
        # the full-text index would read every match before sorting them.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_bitmapscan', 'off', true), "
                "set_config('enable_indexscan', 'on', true)"
            )
            try:
                yield
            finally:
                cursor.execute(
                    "SELECT set_config('enable_indexscan', 'off', true), "
                    "set_config('enable_bitmapscan', 'on', true)"
                )

    def keys_contain(
        self, column: str, keys: Sequence[str]
    ) -> tuple[str, list[object]]:
        return f"string_to_array({column}, E'\\n') && %s::text[]", [list(keys)]

    def facet_filter(
        self, name: str, values: Sequence[str], *, with_words: bool
    ) -> tuple[str, list[object]]:
        # The words' GIN index holds the facet keys too: with words, the
        # filter and the words are intersected in one index scan; without, the
        # same index finds the documents of the facet values.
        keys = [f"{name}:{value}" for value in values]
        return f"{FACETS} && %s::text[]", [keys]
