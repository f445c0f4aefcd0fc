"""Facet values on the document row; on PostgreSQL, vectors out of line.

``facet_keys`` lets PostgreSQL count facets from the matching rows. The large
``vector`` moves out of the row (``toast_tuple_target``, external storage)
so documents stay a few hundred bytes and a search reads few pages; the
small ``vector_head`` used for ranking stays in the row. Run
``rebuild_search_index`` after migrating.
"""

from django.db import migrations, models

POSTGRESQL_FORWARD = [
    "ALTER TABLE core_searchdocument SET (toast_tuple_target = 256)",
    "ALTER TABLE core_searchdocument ALTER COLUMN vector SET STORAGE EXTERNAL",
    "ALTER TABLE core_searchdocument ALTER COLUMN vector_head SET STORAGE MAIN",
]
POSTGRESQL_BACKWARD = [
    "ALTER TABLE core_searchdocument RESET (toast_tuple_target)",
    "ALTER TABLE core_searchdocument ALTER COLUMN vector SET STORAGE EXTENDED",
    "ALTER TABLE core_searchdocument ALTER COLUMN vector_head SET STORAGE EXTENDED",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRESQL_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRESQL_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_search_text_in_backends")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="facet_keys",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
