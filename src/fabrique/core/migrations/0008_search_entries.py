"""Search entries: what PostgreSQL matches, filters, counts and orders.

On PostgreSQL the weighted ``vector`` moves from the documents to narrow
entries, under a GIN index that holds the facet keys too, so that words and
facet filters are intersected inside one index scan (were the keys in another
index too, the planner could filter a broad word's matches by reading their
vectors), and GIN indexes on the titles' vector (the expression
``fabrique.core.search.backends.postgresql.TITLE_VECTOR`` queries), one of
them for short titles only. Existing vectors are copied over: no rebuild is
needed. The small text columns stay in the row, uncompressed where lz4 is
available (they are read for thousands of matches; decompressing them would
cost more than reading them), while the vector goes out of line.
"""

import django.db.models.deletion
from django.db import migrations, models


TITLE_VECTOR = (
    "(to_tsvector('fabrique_fr'::regconfig, title::text) || "
    "to_tsvector('fabrique_en'::regconfig, title::text))"
)
FACETS = "(string_to_array(facet_keys, E'\\n'))"
SMALL_COLUMNS = ("title", "sort_title", "facet_keys")
# As ``fabrique.core.search.backends.postgresql.SHORT_TITLE_WORDS``.
SHORT_TITLE_WORDS = 6

FORWARD = [
    "ALTER TABLE core_searchentry SET (toast_tuple_target = 128)",
    "ALTER TABLE core_searchentry ADD COLUMN vector tsvector NOT NULL",
    "ALTER TABLE core_searchentry ALTER COLUMN vector SET STORAGE EXTERNAL",
    *(
        f"ALTER TABLE core_searchentry ALTER COLUMN {column} SET STORAGE MAIN"
        for column in SMALL_COLUMNS
    ),
    "INSERT INTO core_searchentry "
    "(id, type, updated, title, sort_title, title_words, facet_keys, vector) "
    "SELECT id, type, updated, title, sort_title, "
    f"least(length({TITLE_VECTOR}), 32767), facet_keys, vector "
    "FROM core_searchdocument WHERE vector IS NOT NULL",
    "CREATE INDEX searchentry_vector ON core_searchentry "
    f"USING gin (vector, {FACETS})",
    "CREATE INDEX searchentry_title_vector ON core_searchentry "
    f"USING gin ({TITLE_VECTOR})",
    # Short titles come first: a broad word fills its first pages from them.
    "CREATE INDEX searchentry_short_title ON core_searchentry "
    f"USING gin ({TITLE_VECTOR}) WHERE title_words <= {SHORT_TITLE_WORDS}",
    "DROP INDEX IF EXISTS searchdoc_title_vector",
    "DROP INDEX IF EXISTS searchdoc_vector",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS vector_head",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS vector",
    "ALTER TABLE core_searchdocument RESET (toast_tuple_target)",
]
LZ4 = (
    "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
    "WHERE name = 'default_toast_compression'"
)
# Back to vectors on the documents; ``vector_head`` (for ranking) needs
# ``fabrique manage rebuild_search_index``.
BACKWARD = [
    "ALTER TABLE core_searchdocument ADD COLUMN IF NOT EXISTS vector tsvector",
    "ALTER TABLE core_searchdocument ADD COLUMN IF NOT EXISTS vector_head tsvector",
    # As migration 0005 left them.
    "ALTER TABLE core_searchdocument SET (toast_tuple_target = 256)",
    "ALTER TABLE core_searchdocument ALTER COLUMN vector SET STORAGE EXTERNAL",
    "ALTER TABLE core_searchdocument ALTER COLUMN vector_head SET STORAGE MAIN",
    "UPDATE core_searchdocument d SET vector = e.vector "
    "FROM core_searchentry e WHERE e.id = d.id",
    "CREATE INDEX IF NOT EXISTS searchdoc_vector ON core_searchdocument "
    "USING gin (vector)",
    f"CREATE INDEX IF NOT EXISTS searchdoc_title_vector ON core_searchdocument "
    f"USING gin ({TITLE_VECTOR})",
    "ALTER TABLE core_searchentry DROP COLUMN vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(LZ4)
        row = cursor.fetchone()
    statements = list(FORWARD)
    if row and row[0]:
        statements[3:3] = [
            f"ALTER TABLE core_searchentry ALTER COLUMN {column} SET COMPRESSION lz4"
            for column in SMALL_COLUMNS
        ]
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_search_title_vector'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('document', models.OneToOneField(db_column='id', on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='entry', serialize=False, to='core.searchdocument')),
                ('type', models.CharField(max_length=30)),
                ('updated', models.DateTimeField()),
                ('title', models.CharField(max_length=300)),
                ('sort_title', models.CharField(max_length=300)),
                ('title_words', models.PositiveSmallIntegerField(default=0)),
                ('facet_keys', models.TextField(blank=True, default='')),
            ],
            options={
                'indexes': [models.Index(models.F('type'), models.OrderBy(models.F('updated'), descending=True), models.OrderBy(models.F('document'), descending=True), name='searchentry_type_updated'), models.Index(fields=['type', 'sort_title', 'document'], name='searchentry_type_title')],
            },
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
