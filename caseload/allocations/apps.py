from django.apps import AppConfig


class AllocationsConfig(AppConfig):
    name = "caseload.allocations"
    label = "allocations"
    verbose_name = "Allocation"
