from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "caseload.core"
    label = "core"
    verbose_name = "Users and audit"
