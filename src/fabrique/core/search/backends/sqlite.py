"""SQLite FTS5 backend: Python folds and stems, FTS5 stores stems and ranks.

FTS5 has no French stemmer, so each word is stored as its French and English
Snowball stems (:func:`fabrique.core.search.text.stemmed_text`) in the
virtual table ``core_searchindex`` (columns a, b, c by weight, ``rowid`` =
document id). A query term matches any of its stems; the last term, while
typed, also matches as a prefix.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from fabrique.core.search.backends.base import Match, SearchBackend
from fabrique.core.search.registry import Document
from fabrique.core.search.synonyms import alternatives
from fabrique.core.search.text import Query, fold, stemmed_text, stems

TABLE = "core_searchindex"
# bm25 weight of columns a, b, c.
WEIGHTS = (10.0, 4.0, 1.0)


def fts_expression(query: Query) -> str:
    """The FTS5 MATCH expression of a parsed query.

    Terms are folded letters and digits only (see ``parse_query``), quoted
    anyway, so no FTS5 operator can come from the user.
    """
    groups = []
    last = len(query.terms) - 1
    for position, term in enumerate(query.terms):
        options = [f'"{stem}"' for stem in stems(term)]
        if query.prefix and position == last:
            options = [f'"{stem}"*' for stem in stems(term)]
            options.append(f'"{fold(term)}"*')
        options += [f'"{stem}"' for word in alternatives(term) for stem in stems(word)]
        unique = list(dict.fromkeys(options))
        groups.append(f"({' OR '.join(unique)})")
    return " AND ".join(groups)


class SQLiteBackend(SearchBackend):
    name = "sqlite"
    vendor = "sqlite"
    keys_aggregate = "group_concat(m.facet_keys, char(10))"
    # FTS5 reads a match's rows in rowid (document id) order, either way:
    # the newest come first without a sort, and bm25 runs on rows selected.
    newest_first = f"{TABLE}.rowid DESC"

    def write(self, documents: Sequence[tuple[int, Document]]) -> None:
        rows = [
            (pk, stemmed_text(doc.text_a), stemmed_text(doc.text_b),
             stemmed_text(doc.text_c))
            for pk, doc in documents
        ]  # fmt: skip
        # Rows left by a flush of the tables (tests) would share a rowid.
        self.delete([pk for pk, _ in documents])
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO core_searchindex (rowid, a, b, c) VALUES (%s, %s, %s, %s)",
                rows,
            )

    def rewrite(self, documents: Sequence[tuple[int, Document]]) -> None:
        # write() already deletes the rows it replaces: once is enough.
        self.write(documents)

    def delete(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM core_searchindex WHERE rowid IN ({marks})",  # noqa: S608 - only placeholders
                    chunk,
                )

    def delete_type(self, type_name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM core_searchindex WHERE rowid IN "
                "(SELECT id FROM core_searchdocument WHERE type = %s)",
                [type_name],
            )

    def match(self, query: Query) -> Match:
        weights = ", ".join(str(w) for w in WEIGHTS)
        expression = fts_expression(query)
        # Column a holds the title: "{a} : (…)" matches titles only.
        in_titles = f"{{a}} : ({expression})"
        return Match(
            join=f"JOIN {TABLE} ON {TABLE}.rowid = d.id",
            join_params=(),
            where=f"{TABLE} MATCH %s",
            where_params=(expression,),
            score=f"-bm25({TABLE}, {weights})",
            score_params=(),
            title=Match(
                join=f"JOIN {TABLE} ON {TABLE}.rowid = d.id",
                join_params=(),
                where=f"{TABLE} MATCH %s",
                where_params=(in_titles,),
                score=f"-bm25({TABLE}, {weights})",
                score_params=(),
            ),
            not_title=(
                f"d.id NOT IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)"  # noqa: S608
            ),
            not_title_params=(in_titles,),
            # Walking an order's index, FTS5 would be asked for each document
            # whether it matches (a prefix query read anew each time: seconds
            # for 100,000 documents); the matches are read once instead.
            walked=Match(
                join="",
                join_params=(),
                where=f"d.id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)",  # noqa: S608
                where_params=(expression,),
                score="NULL",
                score_params=(),
            ),
        )
