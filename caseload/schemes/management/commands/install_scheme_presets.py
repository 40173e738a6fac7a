from django.core.management.base import BaseCommand

from caseload.schemes.services import install_presets


class Command(BaseCommand):
    help = "Import and publish the shipped scheme presets that are not installed yet (safe to run again)."

    def handle(self, *args, **options):
        installed = install_presets()
        for version in installed:
            self.stdout.write(
                f"Installed {version.scheme.code} {version.version} (in force from {version.effective_from})"
            )
        if not installed:
            self.stdout.write("All presets are already installed.")
