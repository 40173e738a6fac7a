from django.contrib import admin
from django.urls import include, path

from caseload.api.api import api

admin.site.site_header = "Caseload administration"
admin.site.site_title = "Caseload administration"

urlpatterns = [
    path("", include("caseload.dashboards.urls")),
    path("", include("caseload.core.urls")),
    path("admin/", admin.site.urls),
    path("imports/", include("caseload.imports.urls")),
    path("allocations/", include("caseload.allocations.urls")),
    path("cases/", include("caseload.cases.urls")),
    path("wellbeing/", include("caseload.wellbeing.urls")),
    path("supervision/", include("caseload.supervision.urls")),
    path("", include("caseload.organisations.urls")),
    path("notifications/", include("caseload.notifications.urls")),
    path("reports/", include("caseload.reports.urls")),
    path("api/", api.urls),
]
