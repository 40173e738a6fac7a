from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from caseload.domain.scheme_parser import SchemeError
from caseload.schemes.services import import_scheme_version, publish_version


class Command(BaseCommand):
    help = "Import a scheme file (YAML or JSON) as a draft version; --publish puts it in force."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true", help="publish from the file's effective_from")

    def handle(self, *args, file: Path, publish: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            with transaction.atomic():  # a file that cannot be published leaves no draft behind either
                version = import_scheme_version(content, file.name, actor=None)
                if publish:
                    version = publish_version(version, actor=None)
        except SchemeError as error:
            lines = "\n".join(f"  {path or '(top level)'}: {message}" for path, message in error.problems)
            raise CommandError(f"{file.name} was not imported:\n{lines}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {version}"))
