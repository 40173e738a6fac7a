from django.urls import path

from caseload.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("search/", views.search, name="search"),
]
