from django.contrib import admin

from caseload.core.admin_audit import AuditedModelAdmin
from caseload.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(AuditedModelAdmin):
    """Import history: read-only; runs are made by uploading a file or the import_file command."""

    list_display = ["id", "file_name", "kind", "layout", "status", "dry_run", "created_by", "created_at"]
    list_filter = ["status", "kind", "layout", "dry_run", "created_at"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "created_at"
    exclude = ["content"]
    readonly_fields = [
        "kind", "layout", "file_name", "sha256", "size", "status", "dry_run", "created_by", "applied_by",
        "created_at", "started_at", "finished_at", "counts", "changes", "errors", "warnings", "error_message",
    ]  # fmt: skip

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
