"""Who may reach the import pages and API: administrators only (see caseload/tests/access.py)."""

from django.urls import reverse

from caseload.imports import services
from caseload.imports.tests.helpers import csv_bytes
from caseload.tests.access import Check, only

ADMIN_ONLY = only(200, ("admin",))
API_ADMIN_ONLY = only(200, ("admin",), anonymous=401)
CASE = {"organisation_code": "ORG", "reference": "ACC-NEW", "name": "New person", "service": "probation",
        "category": "community", "received_date": "2026-01-05", "team_code": "NORTH-A"}  # fmt: skip


def _checked_run(w):
    """A clean one-case file, checked (a dry run), ready to apply."""
    run = services.create_run(file_name="cases.csv", content=csv_bytes("cases", [CASE]), layout="cases")
    return services.check_run(run)


def _upload(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("cases.csv", csv_bytes("cases", [CASE])), "dry_run": "true"}


CHECKS = [
    Check("imports:list", lambda w: reverse("imports:list"), ADMIN_ONLY),
    Check("imports:new", lambda w: reverse("imports:new"), ADMIN_ONLY),
    Check("imports:detail", lambda w: reverse("imports:detail", args=[_checked_run(w).pk]), ADMIN_ONLY),
    Check(
        "imports:apply",
        lambda w: reverse("imports:apply", args=[_checked_run(w).pk]),
        only(302, ("admin",)),
        method="POST",
    ),
    Check("imports:template", lambda w: reverse("imports:template", args=["cases", "csv"]), ADMIN_ONLY),
    Check("GET /api/imports", lambda w: "/api/imports", API_ADMIN_ONLY),
    Check("GET /api/imports/{run_id}", lambda w: f"/api/imports/{_checked_run(w).pk}", API_ADMIN_ONLY),
    Check(
        "POST /api/imports",
        lambda w: "/api/imports",
        only(201, ("admin",), anonymous=401),
        method="POST",
        data=_upload,
    ),
    Check(
        "POST /api/imports/{run_id}/apply",
        lambda w: f"/api/imports/{_checked_run(w).pk}/apply",
        only(200, ("admin",), anonymous=401),
        method="POST",
    ),
]
