from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from caseload.imports.layouts import GENERIC_LAYOUTS
from caseload.imports.readers import MAX_FILE_BYTES
from caseload.imports.wmt import LAYOUT as WMT_LAYOUT
from caseload.organisations.models import OrgUnit

LAYOUT_CHOICES = [
    ("", "Work it out from the sheet names or the file name"),
    *((entity, layout.title) for entity, layout in GENERIC_LAYOUTS.items()),
    (WMT_LAYOUT, "Probation case-management extract (WMT workbook)"),
]


class UploadForm(forms.Form):
    """Upload a file to import. The layout is needed only for a CSV file not named after its layout."""

    file = forms.FileField(
        label="File to import",
        error_messages={"required": "Select a CSV or XLSX file", "empty": "The selected file is empty"},
    )
    layout = forms.ChoiceField(choices=LAYOUT_CHOICES, required=False, label="Layout")
    dry_run = forms.BooleanField(required=False, initial=True, label="Check only (dry run)")
    organisation = forms.ModelChoiceField(
        queryset=OrgUnit.objects.filter(parent__isnull=True).order_by("name"),
        required=False,
        label="Organisation",
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The selected file must be a CSV or XLSX file")
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {MAX_FILE_BYTES // 1024 // 1024} MB"
            )
        return upload
