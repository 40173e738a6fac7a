from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "caseload.supervision"
    label = "supervision"
    verbose_name = "Supervision and agreed caseloads"
