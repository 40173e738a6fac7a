from django.urls import path

from caseload.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("all/", views.notification_all, name="all"),
    path("<int:pk>/retry/", views.notification_retry, name="retry"),
]
