from django.apps import AppConfig


class WorkloadsConfig(AppConfig):
    name = "caseload.workloads"
    label = "workloads"
    verbose_name = "Workloads"
