from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "caseload.notifications"
    label = "notifications"
    verbose_name = "Notifications"
