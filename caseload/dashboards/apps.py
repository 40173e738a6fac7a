from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "caseload.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
