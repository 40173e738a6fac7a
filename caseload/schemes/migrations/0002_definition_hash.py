"""Store each scheme version's definition hash, the key of the points engine's parse cache."""

import hashlib
import json

from django.db import migrations, models


def fill_hashes(apps, schema_editor):
    SchemeVersion = apps.get_model("schemes", "SchemeVersion")
    for version in SchemeVersion.objects.all().only("pk", "definition"):
        digest = hashlib.sha256(json.dumps(version.definition, sort_keys=True).encode()).hexdigest()
        SchemeVersion.objects.filter(pk=version.pk).update(definition_sha256=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("schemes", "0001_versioned_schemes_and_assignments"),
    ]

    operations = [
        migrations.AddField(
            model_name="schemeversion",
            name="definition_sha256",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                help_text="Hash of the definition (set on every save); the points engine's parse cache is "
                "keyed by it.",
                max_length=64,
            ),
        ),
        migrations.RunPython(fill_hashes, migrations.RunPython.noop),
    ]
