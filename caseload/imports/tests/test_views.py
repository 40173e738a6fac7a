"""The import pages: administrators only; upload → status → apply; templates; the form keeps its values."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from caseload.cases.models import Case
from caseload.imports.models import ImportRun, ImportStatus
from caseload.imports.tests.helpers import xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def upload(client, content: bytes, name: str = "all.xlsx", **data):
    return client.post("/imports/new/", {"file": SimpleUploadedFile(name, content), **data})


@pytest.mark.parametrize("path", ["/imports/", "/imports/new/", "/imports/templates/cases.csv"])
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/sign-in/")


@pytest.mark.parametrize("who", ["team_manager", "practitioner_user", "area_manager", "analyst"])
@pytest.mark.parametrize("path", ["/imports/", "/imports/new/", "/imports/templates/cases.xlsx"])
def test_only_administrators(client, request, who, path):
    client.force_login(request.getfixturevalue(who))
    assert client.get(path).status_code == 403


def test_upload_dry_run_then_apply(client, admin_user, sheets):
    client.force_login(admin_user)
    response = upload(client, xlsx_bytes(sheets), layout="", dry_run="on")
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{run.pk}/"
    assert (run.status, run.created_by, run.dry_run) == (ImportStatus.VALIDATED, admin_user, True)

    page = client.get(response.url).content.decode()
    assert "What would change" in page and "Apply</button>" in page.replace("\n", "").replace("  ", "")
    assert "hx-get" not in page  # finished: no polling
    assert not Case.objects.exists()

    response = client.post(f"/imports/{run.pk}/apply/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.applied_by) == (ImportStatus.APPLIED, admin_user)
    assert Case.objects.count() == 3
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Changes made" in page and "Apply</button>" not in page

    assert client.get("/imports/").content.decode().count(f'href="/imports/{run.pk}/"') == 1


def test_uploading_the_same_file_again_says_so(client, admin_user, sheets):
    client.force_login(admin_user)
    content = xlsx_bytes(sheets)
    upload(client, content)  # not a dry run: applied straight away
    upload(client, content, dry_run="on")
    latest = ImportRun.objects.first()
    page = client.get(f"/imports/{latest.pk}/").content.decode()
    assert "This file was applied before" in page


def test_errors_are_shown_in_a_table(client, admin_user, sheets):
    client.force_login(admin_user)
    sheets["cases"][0]["team_code"] = "NOPE"
    upload(client, xlsx_bytes(sheets), dry_run="on")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REJECTED
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Errors (1)" in page and "There is no unit with code “NOPE” in the file or the database." in page
    assert "Apply</button>" not in page
    assert client.post(f"/imports/{run.pk}/apply/").status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.REJECTED


def test_a_running_import_polls_and_offers_a_refresh_link(client, admin_user):
    client.force_login(admin_user)
    run = ImportRun.objects.create(file_name="x.csv", sha256="0" * 64, size=1, content=b"x")
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert f'hx-get="/imports/{run.pk}/"' in page and 'hx-trigger="every 2s"' in page
    assert f'<a class="govuk-link" href="/imports/{run.pk}/">Refresh</a>' in page
    fragment = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="import-status"') and "<html" not in fragment


def test_form_errors_keep_the_chosen_layout_and_dry_run(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/imports/new/", {"layout": "cases"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and "Select a CSV or XLSX file" in page
    assert '<option value="cases" selected>' in page
    assert 'value="on" aria-describedby="id_dry_run-item-hint">' in page  # unticked, as submitted
    response = upload(client, b"a,b", name="notes.txt", layout="events", dry_run="on")
    page = response.content.decode()
    assert "The selected file must be a CSV or XLSX file" in page
    assert '<option value="events" selected>' in page and 'value="on" checked' in page


def test_templates_download_and_round_trip(client, admin_user, sheets):
    client.force_login(admin_user)
    response = client.get("/imports/templates/all.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="all.xlsx"'
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == [*sheets, "Guidance"]
    csv = client.get("/imports/templates/cases.csv")
    assert csv.content.decode("utf-8-sig").startswith("organisation_code,reference,name,service")
    assert client.get("/imports/templates/nope.csv").status_code == 404
    assert client.get("/imports/templates/all.csv").status_code == 404
    assert client.get("/imports/templates/cases.pdf").status_code == 404


def test_history_is_paginated_newest_first(client, admin_user):
    client.force_login(admin_user)
    for i in range(30):
        ImportRun.objects.create(file_name=f"file{i:02d}.csv", sha256="0" * 64, size=1, content=b"x")
    first = client.get("/imports/").content.decode()
    assert "file29.csv" in first and "file05.csv" in first and "file04.csv" not in first
    second = client.get("/imports/", {"page": 2}).content.decode()
    assert "file04.csv" in second and "file00.csv" in second and "file29.csv" not in second


def test_the_organisation_choice_appears_with_several_organisations_and_is_kept_on_the_run(
    client, admin_user, org
):
    from caseload.organisations.models import OrgUnit

    client.force_login(admin_user)
    assert (
        'name="organisation"' not in client.get("/imports/new/").content.decode()
    )  # one organisation: no question

    second = OrgUnit.objects.create(code="OTHER", name="Other Service", kind="organisation")
    page = client.get("/imports/new/").content.decode()
    assert 'name="organisation"' in page and "Other Service" in page

    upload(
        client,
        b"code,name,kind\nX1,Unit,team\n",
        name="org_units.csv",
        organisation=str(second.pk),
        dry_run="on",
    )
    assert ImportRun.objects.get().organisation == second

    response = upload(
        client, b"", name="org_units.csv", organisation=str(second.pk)
    )  # an error keeps the choice
    assert response.status_code == 400
    assert f'<option value="{second.pk}" selected>' in response.content.decode()
