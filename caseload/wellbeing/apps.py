from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "caseload.wellbeing"
    label = "wellbeing"
    verbose_name = "Well-being and agreed caseloads"
