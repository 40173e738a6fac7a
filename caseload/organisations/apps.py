from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "caseload.organisations"
    label = "organisations"
    verbose_name = "Organisations and people"
