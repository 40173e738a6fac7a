from django.urls import path

from caseload.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.run_list, name="list"),
    path("new/", views.run_new, name="new"),
    path("<int:pk>/", views.run_detail, name="detail"),
    path("<int:pk>/apply/", views.run_apply, name="apply"),
    path("templates/<slug:entity>.<str:extension>", views.template_download, name="template"),
]
