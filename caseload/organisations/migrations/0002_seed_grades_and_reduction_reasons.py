from django.db import migrations


def seed(apps, schema_editor):
    from caseload.organisations.reference_data import GRADES, REDUCTION_REASONS

    Grade = apps.get_model("organisations", "Grade")
    ReductionReason = apps.get_model("organisations", "ReductionReason")
    for code, name, service, hours, holds_cases, newly_qualified in GRADES:
        Grade.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "service": service,
                "default_weekly_hours": hours,
                "holds_cases": holds_cases,
                "newly_qualified": newly_qualified,
            },
        )
    for code, name, category, default_pct, max_pct, months in REDUCTION_REASONS:
        ReductionReason.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "default_percent": default_pct,
                "max_percent": max_pct,
                "months_to_expiry": months,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_org_tree_people_and_reductions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
