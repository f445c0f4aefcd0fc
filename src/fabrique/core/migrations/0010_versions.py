"""Versions of cached things that writers do not queue on (``core.versions``).

On PostgreSQL each version is a sequence; on SQLite a row of ``Version``.
The search index's generation was a row of the facet totals: it goes, and
the new version starts after it, so no number a cache saw before comes back.
"""

from django.db import migrations, models

NAMES = ("search", "graph", "dashboards")


def start(schema_editor, apps, name, after):
    """Make the version ``name``, its current value ``after`` + 1."""
    value = int(after or 0) + 1
    if schema_editor.connection.vendor == "postgresql":
        sequence = f"fabrique_version_{name}"
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence}")
        # Called: the next nextval() gives value + 1, so the first bump moves it.
        schema_editor.execute("SELECT setval(%s, %s, true)", [sequence, value])
    else:
        version = apps.get_model("core", "Version")
        version.objects.update_or_create(name=name, defaults={"value": value})


def forward(apps, schema_editor):
    total = apps.get_model("core", "SearchFacetTotal")
    generation = total.objects.filter(type="", name="", value="generation")
    old = generation.values_list("count", flat=True).first()
    for name in NAMES:
        start(schema_editor, apps, name, old if name == "search" else 0)
    generation.delete()


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in NAMES:
            schema_editor.execute(f"DROP SEQUENCE IF EXISTS fabrique_version_{name}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_search_order_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="Version",
            fields=[
                (
                    "name",
                    models.CharField(max_length=30, primary_key=True, serialize=False),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
