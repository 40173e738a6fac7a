from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "caseload.cases"
    label = "cases"
    verbose_name = "Cases"
