"""The facet keys in the SQLite full-text table, as tokens of a column ``f``.

A search with words and facet filters then asks FTS5 for both in one
expression (``fabrique.core.search.backends.sqlite``). The table is made
again with the column and filled from the old one and the documents' facet
keys; the text columns and the scores of their words stay as they were.
PostgreSQL: nothing (its GIN index already holds the facet keys).
"""

from django.db import migrations

from fabrique.core.search.backends.sqlite import even_out, facet_column, token_count

CREATE = "CREATE VIRTUAL TABLE core_searchindex_new USING fts5({columns}, tokenize = {tokenize})"
# The tokenizer of migration 0003, and the new one, which keeps "_" in tokens
# (those of column f begin with it).
OLD_TOKENIZE = "'unicode61 remove_diacritics 2'"
NEW_TOKENIZE = "\"unicode61 remove_diacritics 2 tokenchars '_'\""
BATCH = 2_000


def _copy(schema_editor, *, with_facets):
    """Make the table again, with column f or without, and copy the rows."""
    columns = "a, b, c, f" if with_facets else "a, b, c"
    cursor = schema_editor.connection.cursor()
    tokenize = NEW_TOKENIZE if with_facets else OLD_TOKENIZE
    cursor.execute(CREATE.format(columns=columns, tokenize=tokenize))
    cursor.execute(
        "SELECT i.rowid, i.a, i.b, i.c, coalesce(d.facet_keys, '') "
        "FROM core_searchindex i LEFT JOIN core_searchdocument d ON d.id = i.rowid"
    )
    writer = schema_editor.connection.cursor()
    marks = ", ".join(["%s"] * (len(columns.split(", ")) + 1))
    sql = f"INSERT INTO core_searchindex_new (rowid, {columns}) VALUES ({marks})"  # noqa: S608
    while rows := cursor.fetchmany(BATCH):
        if with_facets:
            values = [
                (pk, a, b, c, facet_column(keys, sum(map(token_count, (a, b, c)))))
                for pk, a, b, c, keys in rows
            ]
        else:
            values = [(pk, a, b, c) for pk, a, b, c, _ in rows]
        writer.executemany(sql, values)
    cursor.execute("DROP TABLE core_searchindex")
    cursor.execute("ALTER TABLE core_searchindex_new RENAME TO core_searchindex")
    if with_facets:
        even_out()


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _copy(schema_editor, with_facets=True)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _copy(schema_editor, with_facets=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0010_versions")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
