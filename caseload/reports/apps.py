from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "caseload.reports"
    label = "reports"
    verbose_name = "Equity, performance and reports"
