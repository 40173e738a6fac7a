from django.apps import AppConfig


class NonprodConfig(AppConfig):
    """Demo data and personas for local development, tests and demonstrations; never installed in production."""

    name = "caseload.nonprod"
    label = "nonprod"
    verbose_name = "Demo data"
