from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse

from caseload.core.admin_audit import AuditedModelAdmin
from caseload.domain.scheme_parser import SchemeError
from caseload.schemes import services
from caseload.schemes.forms import SchemeImportForm, SchemeVersionForm, problems_as_messages
from caseload.schemes.models import Scheme, SchemeAssignment, SchemeVersion


class VersionInline(admin.TabularInline):
    model = SchemeVersion
    fields = ["version", "status", "effective_from", "published_at", "published_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Scheme)
class SchemeAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "service", "version_today"]
    list_filter = ["service"]
    search_fields = ["name", "code"]
    inlines = [VersionInline]

    @admin.display(description="Version in force today")
    def version_today(self, obj: Scheme) -> str:
        from django.utils import timezone

        version = obj.version_in_force(timezone.localdate())
        return version.version if version else "none published"


@admin.register(SchemeVersion)
class SchemeVersionAdmin(AuditedModelAdmin):
    """Drafts are edited as YAML and published with an action; published versions are read-only. Saving a
    draft and publishing go through the scheme services, which write their own audit entries."""

    form = SchemeVersionForm
    list_display = ["scheme", "version", "status", "effective_from", "published_at", "published_by"]
    list_filter = ["status", "scheme"]
    search_fields = ["scheme__code", "version", "notes"]
    readonly_fields = [
        "scheme",
        "version",
        "status",
        "effective_from",
        "published_at",
        "published_by",
        "source_sha256",
    ]
    actions = ["publish", "copy_to_new_draft"]
    change_list_template = "admin/schemes/schemeversion/change_list.html"

    def has_add_permission(self, request):  # new versions come from an import or a copy
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.is_draft

    def get_fields(self, request, obj=None):
        fields = ["scheme", "version", "status", "effective_from", "published_at", "published_by", "notes"]
        return [*fields, "definition_yaml"] if obj is None or obj.is_draft else fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return [*self.readonly_fields, "notes"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not obj.is_draft:  # nothing on a published version is editable
            return
        services.update_draft(obj, form.cleaned_data["definition_yaml"], actor=request.user, notes=obj.notes)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        export_url = reverse("admin:schemes_export", args=[object_id]) if object_id else None
        return super().changeform_view(
            request, object_id, form_url, {**(extra_context or {}), "export_url": export_url}
        )

    @admin.action(description="Publish the selected drafts (from the date in each)")
    def publish(self, request: HttpRequest, queryset) -> None:
        for version in queryset:
            try:
                services.publish_version(version, actor=request.user)
                self.message_user(request, f"Published {version}.", messages.SUCCESS)
            except SchemeError as error:
                self.message_user(
                    request, f"{version}: " + "; ".join(problems_as_messages(error)), messages.ERROR
                )

    @admin.action(description="Copy to a new draft")
    def copy_to_new_draft(self, request: HttpRequest, queryset) -> None:
        for version in queryset:
            label = _next_label(version)
            services.create_draft(version, version=label, actor=request.user)
            self.message_user(request, f"Created draft {label} of {version.scheme.code}.", messages.SUCCESS)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="schemes_import"),
            path("<int:pk>/export/", self.admin_site.admin_view(self.export_view), name="schemes_export"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = SchemeImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version = services.import_scheme_version(upload.read(), upload.name, actor=request.user)
            except SchemeError as error:
                for message in problems_as_messages(error):
                    form.add_error("file", message)
            else:
                self.message_user(
                    request, f"Imported {version} as a draft. Check it, then publish it.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:schemes_schemeversion_change", args=[version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a scheme file",
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/schemes/import.html", context)

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(SchemeVersion, pk=pk)
        response = HttpResponse(
            services.export_version(version), content_type="application/yaml; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{version.scheme.code}-{version.version}.yaml"'
        )
        return response


def _next_label(version: SchemeVersion) -> str:
    existing = set(version.scheme.versions.values_list("version", flat=True))
    n = 2
    while f"{version.version}-draft{n}" in existing:
        n += 1
    return (
        f"{version.version}-draft{n}"
        if f"{version.version}-draft" in existing
        else f"{version.version}-draft"
    )


@admin.register(SchemeAssignment)
class SchemeAssignmentAdmin(AuditedModelAdmin):
    """Which scheme a unit uses. The unit, scheme and start are fixed once added: end an assignment with its
    end date (then add the next one) rather than deleting it. Each save recalculates every current workload
    below the unit."""

    list_display = ["org_unit", "scheme", "effective_from", "effective_to"]
    list_filter = ["scheme"]
    search_fields = ["org_unit__name", "org_unit__code"]
    autocomplete_fields = ["org_unit"]
    workload_fields = ["org_unit", "scheme", "effective_from"]

    def has_delete_permission(self, request, obj=None):
        return False

    def after_admin_write(self, request, obj, before):
        from django.utils import timezone

        from caseload.workloads.affected import affected_by_unit
        from caseload.workloads.services import recalculate

        recalculate(
            affected_by_unit(obj.org_unit, timezone.localdate()),
            reason=f"{obj.org_unit.name}: scheme assignment changed",
        )
