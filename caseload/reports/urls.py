from django.urls import path

from caseload.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/equity/", views.equity, name="equity"),
    path("units/<int:unit_id>/performance/", views.performance, name="performance"),
    path("units/<int:unit_id>/monthly/<int:year>/<int:month>/", views.monthly, name="monthly"),
]
