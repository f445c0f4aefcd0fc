"""SQLite FTS5 backend: Python folds and stems, FTS5 stores stems and ranks.

FTS5 has no French stemmer, so each word is stored as its French and English
Snowball stems (:func:`fabrique.core.search.text.stemmed_text`) in the
virtual table ``core_searchindex`` (columns a, b, c by weight, ``rowid`` =
document id). A query term matches any of its stems; the last term, while
typed, also matches as a prefix.

Column ``f`` holds the document's facet keys as tokens (:func:`facet_token`),
so that a search with words and facet filters asks FTS5 for both at once:
FTS5 intersects the words' matches with the filters' lists, instead of every
match of the words being read and its document tested. ``f`` weighs nothing
in ``bm25()``, and it holds exactly as many tokens as columns a, b and c
together, padded with :data:`FILLER`: ``bm25()`` compares a document's length
with the average length, both are then doubled exactly, and the scores of
the words stay those of a table without ``f`` to the last bit (while the
documents have one token or more on average: ``bm25()`` takes an average
under one as one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from django.db import connection

from fabrique.core.plainsql import chunks
from fabrique.core.search.backends.base import Match, SearchBackend
from fabrique.core.search.registry import Document
from fabrique.core.search.synonyms import alternatives
from fabrique.core.search.text import Query, fold, stemmed_text, stems

TABLE = "core_searchindex"
# bm25 weight of columns a, b, c, f.
WEIGHTS = (10.0, 4.0, 1.0, 0.0)
# Tokens of column f besides the facet keys: padding, and the mark of a
# document with more facet keys than words (its keys are then left out: it
# passes every filter in FTS5, and the filters' SQL tests decide).
FILLER = "_"
TOO_MANY = "_o"
# The tokenizer keeps "_" in tokens (migration ``core.0011``): the tokens of
# column f all begin with it, and no word's does (stems are letters and
# digits), so a word or a typed prefix never meets them, in any column.


def facet_token(key: str) -> str:
    """The token of a "name:value" facet key in column f: "_k" and its UTF-8
    in hexadecimal, characters that the tokenizer keeps whole and that no
    two keys share, and that no word's token begins with."""
    return "_k" + key.encode().hex()


def facet_column(keys: str, length: int) -> str:
    """Column f of a document: the tokens of its facet keys ("name:value"
    lines), padded to ``length`` tokens (those of columns a, b and c)."""
    tokens = [facet_token(key) for key in keys.split("\n") if key]
    if len(tokens) > length:
        tokens = [TOO_MANY] if length else []
    return " ".join(tokens + [FILLER] * (length - len(tokens)))


def facet_expression(filters: Mapping[str, Sequence[str]], *, but_one: bool) -> str:
    """The FTS5 expression of facet filters on column f (empty without any).

    Values of a facet are alternatives, facets combine; ``but_one`` accepts
    the documents meeting every filter but at most one. Documents marked
    :data:`TOO_MANY` meet every filter here: the SQL tests decide for them.
    """
    tests = {
        name: "("
        + " OR ".join(
            [f'"{facet_token(f"{name}:{value}")}"' for value in values]
            + [f'"{TOO_MANY}"']
        )
        + ")"
        for name, values in filters.items()
    }
    if not but_one:
        return " AND ".join(tests.values())
    if len(tests) < 2:
        return ""
    return (
        "("
        + " OR ".join(
            "(" + " AND ".join(t for n, t in tests.items() if n != left_out) + ")"
            for left_out in tests
        )
        + ")"
    )


def token_count(text: str) -> int:
    """Tokens of a stemmed text, as the unicode61 tokenizer counts them
    (stems are letters and digits between single spaces)."""
    return len(text.split())


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
        texts = {
            pk: (stemmed_text(doc.text_a), stemmed_text(doc.text_b),
                 stemmed_text(doc.text_c))
            for pk, doc in documents
        }  # fmt: skip
        # The facet keys as the index writes them beside (same documents).
        from fabrique.core.search.index import facet_keys

        keys = {pk: facet_keys(doc) for pk, doc in documents}
        # Rows left by a flush of the tables (tests) would share a rowid.
        self.delete(list(texts))
        rows = [
            (
                pk,
                a,
                b,
                c,
                facet_column(keys.get(pk, ""), sum(map(token_count, (a, b, c)))),
            )
            for pk, (a, b, c) in texts.items()
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO core_searchindex (rowid, a, b, c, f) "
                "VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
        # FTS5 counts tokens of ASCII letters and digits as token_count does:
        # only texts with other characters are checked against its count.
        even_out([pk for pk, abc in texts.items() if not _plain(abc)])

    def rewrite(self, documents: Sequence[tuple[int, Document]]) -> None:
        # write() already deletes the rows it replaces: once is enough.
        self.write(documents)

    def delete(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        with connection.cursor() as cursor:
            for chunk, marks in chunks(ids):
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

    def narrowed(
        self, match: Match, filters: Mapping[str, Sequence[str]], *, but_one: bool
    ) -> Match:
        # The expression is the first parameter of each MATCH this backend
        # makes (``match``); the service keeps it first when it adds more.
        expression = facet_expression(filters, but_one=but_one)
        if not expression:
            return match

        def narrow(found: Match) -> Match:
            first, *rest = found.where_params
            return replace(found, where_params=(f"({first}) AND {expression}", *rest))

        return replace(
            narrow(match),
            title=None if match.title is None else narrow(match.title),
            walked=None if match.walked is None else narrow(match.walked),
        )

    def facet_filter(
        self, name: str, values: Sequence[str], *, with_words: bool
    ) -> tuple[str, list[object]]:
        if not with_words:
            return super().facet_filter(name, values, with_words=with_words)
        # FTS5 has kept the documents meeting the filter already (``narrowed``),
        # but for those marked TOO_MANY, or a walk visits a few thousand at
        # most: each row is tested, rather than the facet value's whole list
        # of documents read first (25,000 for one value at 100,000 commons).
        return self.keys_contain(
            "d.facet_keys", [f"{name}:{value}" for value in values]
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


def _plain(texts: Sequence[str]) -> bool:
    """Whether every token of the texts is ASCII letters and digits."""
    return all(word.isascii() and word.isalnum() for t in texts for word in t.split())


def _facet_keys(ids: Sequence[int]) -> dict[int, str]:
    """The documents' "name:value" lines, by id (the indexer wrote them)."""
    found: dict[int, str] = {}
    with connection.cursor() as cursor:
        for chunk, marks in chunks(ids):
            cursor.execute(
                f"SELECT id, facet_keys FROM core_searchdocument WHERE id IN ({marks})",  # noqa: S608 - only placeholders
                chunk,
            )
            found.update((pk, keys or "") for pk, keys in cursor.fetchall())
    return found


def even_out(ids: Sequence[int] | None = None) -> int:
    """Pad column f again where FTS5 counted the words of a, b and c otherwise
    than :func:`token_count` (a letter its tokenizer does not know): the
    documents ``ids``, or every one. Returns how many were rewritten."""
    if ids is not None and not ids:
        return 0
    uneven: dict[int, int] = {}
    select = f"SELECT id, sz FROM {TABLE}_docsize"  # noqa: S608
    statements: list[tuple[str, list[int]]] = [(select, [])]
    if ids is not None:
        statements = [(f"{select} WHERE id IN ({m})", c) for c, m in chunks(ids)]
    with connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)
            for pk, size in cursor.fetchall():
                a, b, c, f = _varints(bytes(size))
                if a + b + c != f:
                    uneven[pk] = a + b + c
        keys = _facet_keys(list(uneven))
        for pk, length in uneven.items():
            cursor.execute(f"SELECT a, b, c FROM {TABLE} WHERE rowid = %s", [pk])  # noqa: S608
            a, b, c = cursor.fetchone()
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [pk])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {TABLE} (rowid, a, b, c, f) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                [pk, a, b, c, facet_column(keys.get(pk, ""), length)],
            )
    return len(uneven)


def _varints(data: bytes) -> list[int]:
    """The integers of an SQLite varint sequence (FTS5's column sizes)."""
    values = []
    position = 0
    while position < len(data):
        value = 0
        for index in range(9):
            byte = data[position]
            position += 1
            if index == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values
