"""The project's URLs plus an administration site with an editable inline, for the test that rows changed in
an inline are audited (Caseload's own inlines are all read-only)."""

from django.contrib import admin
from django.urls import path

from caseload.config.urls import urlpatterns as project_urlpatterns
from caseload.core.admin_audit import AuditedModelAdmin
from caseload.organisations.models import Grade, Practitioner

site = admin.AdminSite(name="inline_test")


class PractitionerInline(admin.TabularInline):
    model = Practitioner
    fields = ["staff_code", "first_name", "last_name"]
    extra = 1


@admin.register(Grade, site=site)
class GradeWithPractitionersAdmin(AuditedModelAdmin):
    inlines = [PractitionerInline]


urlpatterns = [path("inline-admin/", site.urls), *project_urlpatterns]
