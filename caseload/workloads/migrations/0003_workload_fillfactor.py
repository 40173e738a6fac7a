"""PostgreSQL: leave room in each page of the current workloads' table for updated rows.

A full recalculation records the run on every unchanged workload (date, time, reason, revision: no indexed
column). With free space on the page PostgreSQL writes the new row version there without touching the
indexes (a "HOT" update) and reclaims the old one as soon as the page is next read, instead of leaving a
dead row for autovacuum in a table that every live event reads. Applies to pages written from now on; a
`VACUUM FULL workloads_workload` applies it to the existing rows (docs/deployment.md). Nothing to do on
SQLite.
"""

from django.db import migrations

FILLFACTOR = 50


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE workloads_workload SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE workloads_workload RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("workloads", "0002_workload_digest"),
    ]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
