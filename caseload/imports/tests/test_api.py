"""The import API: administrators only; upload (dry run or apply), apply, one run, the history."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caseload.api.api import api
from caseload.cases.models import Case
from caseload.imports.models import ImportRun, ImportStatus
from caseload.imports.tests.helpers import checked, csv_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def upload(client, content: bytes, name: str = "all.xlsx", **data):
    return client.post("/api/imports", {"file": SimpleUploadedFile(name, content), **data})


def test_dry_run_upload_returns_the_plan_then_apply(client, admin_user, sheets):
    client.force_login(admin_user)
    response = upload(client, xlsx_bytes(sheets))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["dry_run"], body["can_apply"]) == ("validated", True, True)
    assert body["counts"]["cases"]["added"] == 3 and body["errors"] == []
    assert body["created_by"] == "admin" and body["changes"]
    assert not Case.objects.filter(reference="C0001").exists()  # a dry run changes nothing

    applied = client.post(f"/api/imports/{body['id']}/apply")
    assert applied.status_code == 200, applied.content
    assert (applied.json()["status"], applied.json()["applied_by"]) == ("applied", "admin")
    assert Case.objects.filter(reference="C0001").exists()

    again = client.post(f"/api/imports/{body['id']}/apply")
    assert again.status_code == 409
    assert again.json()["detail"] == f"Import {body['id']} is applied and cannot be applied."


def test_upload_without_dry_run_applies_a_clean_file(client, admin_user, sheets):
    client.force_login(admin_user)
    body = upload(client, xlsx_bytes(sheets), dry_run="false").json()
    assert body["status"] == "applied"
    assert Case.objects.filter(reference="C0001").exists()


def test_a_file_with_problems_is_rejected_with_each_problem(client, admin_user):
    client.force_login(admin_user)
    content = csv_bytes("cases", [{"organisation_code": "ORG", "reference": "X1"}])
    body = upload(client, content, name="cases.csv").json()
    assert body["status"] == "rejected" and body["can_apply"] is False
    problem = {
        "sheet": "cases",
        "row": 2,
        "column": "name",
        "message": "Enter a value: this column is required.",
    }
    assert problem in body["errors"]
    assert ImportRun.objects.get(pk=body["id"]).errors == body["errors"]
    assert client.post(f"/api/imports/{body['id']}/apply").status_code == 409


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", {}, "The selected file must be a CSV or XLSX file"),
        ("cases.csv", {"layout": "nonsense"}, "Select a valid choice."),
        ("cases.csv", {"organisation": "999999"}, "Select an organisation from the list"),
    ],
)
def test_bad_uploads_are_400_with_a_message(client, admin_user, name, data, message):
    client.force_login(admin_user)
    response = upload(client, b"a,b\n", name=name, **data)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not ImportRun.objects.exists()


def test_missing_file_is_a_4xx(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/api/imports", {"layout": "cases"})
    assert 400 <= response.status_code < 500
    assert "file" in response.content.decode()


def test_one_run_and_the_paginated_history(client, admin_user, sheets):
    runs = [checked(f"{i}.xlsx", xlsx_bytes(sheets)) for i in range(27)]
    client.force_login(admin_user)
    one = client.get(f"/api/imports/{runs[0].pk}").json()
    assert (one["id"], one["file_name"], one["status"]) == (runs[0].pk, "0.xlsx", "validated")
    first = client.get("/api/imports").json()
    assert (first["count"], first["page"], first["pages"], len(first["results"])) == (27, 1, 2, 25)
    assert first["results"][0]["id"] == runs[-1].pk  # newest first
    assert "errors" not in first["results"][0]  # the history is a summary
    second = client.get("/api/imports", {"page": 2}).json()
    assert [r["id"] for r in second["results"]] == [runs[1].pk, runs[0].pk]
    assert client.get("/api/imports", {"page": 3}).status_code == 404
    assert client.get("/api/imports/999999").status_code == 404


@pytest.mark.parametrize("who", ["team_manager", "practitioner_user", "senior_leader", "analyst"])
def test_other_roles_get_403_and_anonymous_401(client, request, who, sheets):
    run = checked("all.xlsx", xlsx_bytes(sheets))
    assert client.get("/api/imports").status_code == 401
    client.force_login(request.getfixturevalue(who))
    assert client.get("/api/imports").status_code == 403
    assert client.get(f"/api/imports/{run.pk}").status_code == 403
    assert upload(client, xlsx_bytes(sheets)).status_code == 403
    assert client.post(f"/api/imports/{run.pk}/apply").status_code == 403
    run.refresh_from_db()
    assert run.status == ImportStatus.VALIDATED and ImportRun.objects.count() == 1


def test_the_operations_are_in_the_openapi_schema():
    paths = api.get_openapi_schema()["paths"]
    assert set(paths["/api/imports"]) == {"get", "post"}
    assert "multipart/form-data" in paths["/api/imports"]["post"]["requestBody"]["content"]
    assert set(paths["/api/imports/{run_id}"]) == {"get"}
    assert set(paths["/api/imports/{run_id}/apply"]) == {"post"}
