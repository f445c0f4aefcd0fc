"""On PostgreSQL, a GIN index on the titles' vector.

Relevance ranks documents whose title matches first; this index finds them
without reading every match of a broad word. The expression is the one
``fabrique.core.search.backends.postgresql.TITLE_VECTOR`` queries.
"""

from django.db import migrations

FORWARD = (
    "CREATE INDEX IF NOT EXISTS searchdoc_title_vector ON core_searchdocument "
    "USING gin ((to_tsvector('fabrique_fr'::regconfig, title::text) || "
    "to_tsvector('fabrique_en'::regconfig, title::text)))"
)
BACKWARD = "DROP INDEX IF EXISTS searchdoc_title_vector"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_search_facet_totals")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
