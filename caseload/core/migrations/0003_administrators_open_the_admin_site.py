from django.db import migrations

import caseload.core.models


def staff_follows_role(apps, schema_editor):
    """Superusers become administrators; then the administration site is open to administrators only."""
    User = apps.get_model("core", "User")
    User.objects.filter(is_superuser=True).update(role="administrator")
    User.objects.filter(role="administrator").update(is_staff=True, is_superuser=True)
    User.objects.exclude(role="administrator").update(is_staff=False, is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_user_practitioner_and_org_units"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", caseload.core.models.CaseloadUserManager()),
            ],
        ),
        migrations.RunPython(staff_follows_role, migrations.RunPython.noop),
    ]
