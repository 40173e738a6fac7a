from django.urls import path

from caseload.wellbeing import views

app_name = "wellbeing"
urlpatterns = [
    path("", views.home, name="home"),
    path("concerns/new/", views.raise_concern, name="raise-concern"),
    path("queries/new/", views.flag_item, name="flag-item"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/plan/", views.record_plan, name="record-plan"),
    path("alerts/<int:pk>/close/", views.close_alert, name="close-alert"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern"),
    path("concerns/<int:pk>/respond/", views.respond_concern, name="respond-concern"),
    path("queries/<int:pk>/", views.query_detail, name="query"),
    path("queries/<int:pk>/respond/", views.respond_query, name="respond-query"),
]
