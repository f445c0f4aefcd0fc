"""Keep the searched text in the backend only; documents hold display fields.

PostgreSQL: the generated vector (which needed the text columns) becomes two
plain columns the backend writes: ``vector`` (texts a, b, c with weights A, B,
C; GIN index, for matching) and ``vector_head`` (a and b only, small enough to
rank thousands of matches fast). Documents are emptied: run
``rebuild_search_index`` after migrating. SQLite keeps its FTS5 table.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "DELETE FROM core_searchfacet",
    "DELETE FROM core_searchdocument",
    "DROP INDEX IF EXISTS searchdoc_vector",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS vector",
    "ALTER TABLE core_searchdocument ADD COLUMN vector tsvector",
    "ALTER TABLE core_searchdocument ADD COLUMN vector_head tsvector",
    "CREATE INDEX searchdoc_vector ON core_searchdocument USING gin (vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS searchdoc_vector",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS vector_head",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS vector",
]
SQLITE_FORWARD = ["DELETE FROM core_searchindex", "DELETE FROM core_searchfacet",
                  "DELETE FROM core_searchdocument"]  # fmt: skip


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}
    for sql in statements.get(vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRESQL_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_search_fulltext")]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveField(model_name="searchdocument", name="text_a"),
        migrations.RemoveField(model_name="searchdocument", name="text_b"),
        migrations.RemoveField(model_name="searchdocument", name="text_c"),
    ]
