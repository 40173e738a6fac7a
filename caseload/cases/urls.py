from django.urls import path

from caseload.cases import views

app_name = "cases"
urlpatterns = [
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/events/new/", views.record_event, name="record-event"),
]
