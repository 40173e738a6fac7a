"""Administrators import, edit, publish and export schemes in the admin; the same through commands."""

import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from caseload.domain.presets import PRESETS_DIR
from caseload.schemes.models import SchemeVersion
from caseload.schemes.services import import_scheme_version

pytestmark = pytest.mark.django_db
LEGACY = PRESETS_DIR / "probation-wmt-legacy.yaml"


def test_import_page_stores_a_draft(admin_client):
    upload = SimpleUploadedFile("legacy.yaml", LEGACY.read_bytes())
    response = admin_client.post("/admin/schemes/schemeversion/import/", {"file": upload})

    version = SchemeVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/schemes/schemeversion/{version.pk}/change/"
    assert version.is_draft


def test_import_page_lists_each_problem_with_its_path(admin_client):
    data = yaml.safe_load(LEGACY.read_text())
    data["cms"]["window_days"] = "a week"
    upload = SimpleUploadedFile("legacy.yaml", yaml.safe_dump(data).encode())

    response = admin_client.post("/admin/schemes/schemeversion/import/", {"file": upload})

    assert response.status_code == 200
    assert "cms.window_days:" in response.content.decode()
    assert not SchemeVersion.objects.exists()


def test_editing_a_draft_validates_and_keeps_what_was_typed(admin_client, admin_user):
    draft = import_scheme_version(LEGACY.read_bytes(), "legacy.yaml", actor=admin_user)
    text = LEGACY.read_text().replace("rounding: integer_half_up", "rounding: sometimes")

    response = admin_client.post(
        f"/admin/schemes/schemeversion/{draft.pk}/change/", {"definition_yaml": text, "notes": "try"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "rounding: must be one of" in page
    assert "rounding: sometimes" in page  # the text area still holds the user's text
    draft.refresh_from_db()
    assert draft.definition["rounding"] == "integer_half_up"


def test_editing_a_draft_saves_a_valid_definition(admin_client, admin_user):
    draft = import_scheme_version(LEGACY.read_bytes(), "legacy.yaml", actor=admin_user)
    text = LEGACY.read_text().replace("window_days: 7", "window_days: 14")

    response = admin_client.post(
        f"/admin/schemes/schemeversion/{draft.pk}/change/",
        {"definition_yaml": text, "notes": "Longer CMS window"},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.definition["cms"]["window_days"] == 14
    assert draft.notes == "Longer CMS window"


def test_publish_action_and_export(admin_client, admin_user):
    draft = import_scheme_version(LEGACY.read_bytes(), "legacy.yaml", actor=admin_user)

    admin_client.post("/admin/schemes/schemeversion/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    exported = admin_client.get(f"/admin/schemes/schemeversion/{draft.pk}/export/")

    assert draft.status == SchemeVersion.Status.PUBLISHED
    assert exported["Content-Disposition"] == 'attachment; filename="probation-wmt-legacy-2024-04.yaml"'
    assert yaml.safe_load(exported.content) == draft.definition
    # a published version is shown read-only: no YAML editor
    assert (
        "definition_yaml"
        not in admin_client.get(f"/admin/schemes/schemeversion/{draft.pk}/change/").content.decode()
    )


def test_saving_a_published_version_changes_nothing_and_does_not_fail(admin_client, admin_user):
    call_command("import_scheme", str(LEGACY), "--publish", stdout=io.StringIO())
    version = SchemeVersion.objects.get()
    response = admin_client.post(f"/admin/schemes/schemeversion/{version.pk}/change/", {})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == SchemeVersion.Status.PUBLISHED


def test_a_draft_cannot_take_another_versions_label(admin_client, admin_user):
    call_command("import_scheme", str(LEGACY), stdout=io.StringIO())
    second = import_scheme_version(
        LEGACY.read_bytes().replace(b'version: "2024-04"', b'version: "2025-01"'), "b.yaml", actor=admin_user
    )
    response = admin_client.post(
        f"/admin/schemes/schemeversion/{second.pk}/change/",
        {"definition_yaml": LEGACY.read_text(), "notes": ""},
    )
    assert response.status_code == 200
    assert "already has a version 2024-04" in response.content.decode()


def test_import_command_with_publish_is_all_or_nothing(tmp_path):
    call_command("import_scheme", str(LEGACY), "--publish", stdout=io.StringIO())
    later = tmp_path / "later.yaml"
    later.write_text(
        LEGACY.read_text()
        .replace('version: "2024-04"', 'version: "2020-01"')
        .replace("2024-04-01", "2020-01-01")
    )
    with pytest.raises(CommandError, match="effective_from"):
        call_command("import_scheme", str(later), "--publish")
    assert SchemeVersion.objects.count() == 1


def test_team_managers_cannot_reach_the_scheme_admin(client, team_manager):
    client.force_login(team_manager)
    assert client.get("/admin/schemes/schemeversion/import/").status_code == 302  # to the admin sign-in


def test_commands_import_publish_and_export(tmp_path):
    out = io.StringIO()
    call_command("import_scheme", str(LEGACY), "--publish", stdout=out)
    assert "Imported probation-wmt-legacy 2024-04 (published)" in out.getvalue()

    target = tmp_path / "out.yaml"
    call_command("export_scheme", "probation-wmt-legacy", "--output", str(target), stdout=io.StringIO())
    assert yaml.safe_load(target.read_text())["name"] == "probation-wmt-legacy"


def test_import_command_lists_problems(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Not A Code\n")
    with pytest.raises(CommandError) as error:
        call_command("import_scheme", str(bad))
    assert "bad.yaml was not imported" in str(error.value)
    assert "  name:" in str(error.value)


def test_export_command_names_the_known_schemes():
    call_command("install_scheme_presets", stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"No scheme 'nope' \(schemes: .*children-services"):
        call_command("export_scheme", "nope")
