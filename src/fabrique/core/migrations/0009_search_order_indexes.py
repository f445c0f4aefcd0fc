"""Indexes of the two orders over every type, for a broad word's first pages.

A word found in more documents than search counts has its first pages
found by walking the index of the order asked, testing each document as it
comes (``fabrique.core.search.service._hits``). The indexes of migration
``0008`` (and ``0002``) begin with the type, so they serve a search of one
type only; these serve a search of several. They are made on the table the
backend searches: the entries on PostgreSQL, the documents elsewhere.
"""

from django.db import migrations

INDEXES = {
    "postgresql": (
        "core_searchentry",
        [
            ("searchentry_title_all", "(sort_title, id)"),
            ("searchentry_updated_all", "(updated DESC, id DESC)"),
        ],
    ),
    "sqlite": (
        "core_searchdocument",
        [
            ("searchdoc_title_all", "(sort_title, id)"),
            ("searchdoc_updated_all", "(updated DESC, id DESC)"),
        ],
    ),
}


def forward(apps, schema_editor):
    found = INDEXES.get(schema_editor.connection.vendor)
    if found:
        table, indexes = found
        for name, columns in indexes:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}"
            )


def backward(apps, schema_editor):
    found = INDEXES.get(schema_editor.connection.vendor)
    if found:
        for name, _ in found[1]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_search_entries"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
