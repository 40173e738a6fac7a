from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caseload.schemes.models import Scheme
from caseload.schemes.services import export_version


class Command(BaseCommand):
    help = "Write a scheme version as YAML (the version in force today unless --label is given)."

    def add_arguments(self, parser):
        parser.add_argument("scheme", help="scheme code, e.g. children-services")
        parser.add_argument("--label", dest="label", help="version label, e.g. 2024-04")
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")

    def handle(self, *args, scheme: str, label: str | None, output: Path | None, **options):
        from django.utils import timezone

        found = Scheme.objects.filter(code=scheme).first()
        if found is None:
            known = ", ".join(Scheme.objects.values_list("code", flat=True)) or "none installed"
            raise CommandError(f"No scheme {scheme!r} (schemes: {known}).")
        version = (
            found.versions.filter(version=label).first()
            if label
            else found.version_in_force(timezone.localdate())
        )
        if version is None:
            raise CommandError(
                f"{scheme} has no version {label!r}." if label else f"{scheme} has no version in force today."
            )
        text = export_version(version)
        if output:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {version} to {output}")
        else:
            self.stdout.write(text, ending="")
