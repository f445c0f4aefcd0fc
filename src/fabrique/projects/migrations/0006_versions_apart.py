"""The graph's and the dashboards' versions leave the counters' table.

They are versions of ``fabrique.core.versions`` now (writers do not queue on
them); each starts after the value its row had, so no number a cache saw
before comes back.
"""

from django.db import migrations

ROWS = {"graph_version": "graph", "dashboard_version": "dashboards"}


def forward(apps, schema_editor):
    count = apps.get_model("projects", "EcosystemCount")
    version = apps.get_model("core", "Version")
    for metric, name in ROWS.items():
        rows = count.objects.filter(metric=metric)
        old = int(rows.values_list("value", flat=True).first() or 0)
        value = old + 1
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                "SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM "
                f"fabrique_version_{name})), true)",
                [f"fabrique_version_{name}", value],
            )
        else:
            found = version.objects.filter(name=name).first()
            version.objects.update_or_create(
                name=name, defaults={"value": max(value, found.value if found else 0)}
            )
        rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_versions"),
        ("projects", "0005_contract_reviews_partner_kinds"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
