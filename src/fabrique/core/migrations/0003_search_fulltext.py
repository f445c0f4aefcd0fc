"""Full-text side of the search index, by database vendor.

SQLite: an FTS5 table of stems (rowid = document id). PostgreSQL: the
unaccent extension, French and English configurations that unaccent before
stemming, and a generated weighted tsvector column under a GIN index. Other
vendors: nothing (set FABRIQUE_SEARCH_BACKEND to a backend of your own).
The SQL is frozen here on purpose: later changes go in new migrations.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS core_searchindex USING fts5("
    "a, b, c, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS core_searchindex"]


def _vector(column, weight):
    return " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, {column}), '{weight}')"
        for config in ("fabrique_fr", "fabrique_en")
    )


POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS fabrique_fr",
    "CREATE TEXT SEARCH CONFIGURATION fabrique_fr (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION fabrique_fr "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS fabrique_en",
    "CREATE TEXT SEARCH CONFIGURATION fabrique_en (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION fabrique_en "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    "ALTER TABLE core_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    + " || ".join(
        _vector(column, weight)
        for column, weight in (("text_a", "A"), ("text_b", "B"), ("text_c", "C"))
    )
    + ") STORED",
    "CREATE INDEX searchdoc_vector ON core_searchdocument USING gin (vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS searchdoc_vector",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS fabrique_fr",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS fabrique_en",
]

BY_VENDOR = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    forward_sql, _ = BY_VENDOR.get(schema_editor.connection.vendor, ([], []))
    _run(schema_editor, forward_sql)


def backward(apps, schema_editor):
    _, backward_sql = BY_VENDOR.get(schema_editor.connection.vendor, ([], []))
    _run(schema_editor, backward_sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_search_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
