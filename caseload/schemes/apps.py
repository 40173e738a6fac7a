from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "caseload.schemes"
    label = "schemes"
    verbose_name = "Workload schemes"
