from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "caseload.imports"
    label = "imports"
    verbose_name = "Imports"
