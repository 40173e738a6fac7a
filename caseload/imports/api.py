"""Import API (mounted at /api/imports), for administrators: upload a file to check (and apply), apply a
checked run, read a run and the history. The same services as the web pages and the `import_file` command.

Files are checked (and applied) within the request, so the response carries the outcome: the counts, a
sample of the changes, and every problem with its sheet, row and column."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import django_auth

from caseload.core.models import Role, User
from caseload.imports import services
from caseload.imports.forms import UploadForm
from caseload.imports.models import ImportRun
from caseload.imports.selectors import runs as _runs
from caseload.workloads.api import Error

router = Router(tags=["imports"], auth=django_auth)
PER_PAGE = 25
ERRORS: dict[int, type[Schema]] = {400: Error, 401: Error, 403: Error, 404: Error}


class ProblemOut(Schema):
    sheet: str
    row: int | None = Field(None, description="Row number in the sheet (1 is the first data row)")
    column: str
    message: str


class RunSummaryOut(Schema):
    id: int
    file_name: str
    kind: str = Field(description="generic or wmt_extract")
    layout: str = Field(description="The layout of a CSV file; blank when read from sheet names")
    status: str = Field(
        description="pending, validating, validated, applying, applied, failed, rejected or interrupted"
    )
    status_label: str
    dry_run: bool
    can_apply: bool = Field(description="Whether POST /api/imports/{id}/apply would apply it now")
    size: int = Field(description="File size in bytes")
    sha256: str
    file_deleted_at: dt.datetime | None = Field(None, description="When the stored file was deleted")
    created_by: str | None = Field(None, description="Username of the uploader (none: the command line)")
    applied_by: str | None = None
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    counts: dict[str, Any] = Field(description="Added/changed/unchanged/closed per layout, and totals")
    error_message: str


class RunOut(RunSummaryOut):
    changes: list[dict[str, Any]] = Field(description="A sample of the records added or changed")
    errors: list[ProblemOut]
    warnings: list[ProblemOut]


class RunPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[RunSummaryOut]


def _require_admin(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if not (user.is_superuser or user.role == Role.ADMINISTRATOR):
        raise HttpError(403, "Only administrators can import files.")
    return user


OUT_FIELDS = (
    "id", "file_name", "kind", "layout", "status", "dry_run", "can_apply", "size", "sha256", "file_deleted_at",
    "created_at", "started_at", "finished_at", "counts", "error_message", "changes", "errors", "warnings",
)  # fmt: skip


def _out(run: ImportRun) -> dict[str, Any]:
    return {
        **{f: getattr(run, f) for f in OUT_FIELDS},
        "status_label": run.get_status_display(),
        "created_by": run.created_by.username if run.created_by else None,
        "applied_by": run.applied_by.username if run.applied_by else None,
    }


@router.post(
    "",
    response={201: RunOut, **ERRORS},
    summary="Upload a file to import",
    description="Checks the file (multipart field `file`, CSV or XLSX) and returns the run: its status "
    "(`validated` when it can be applied, `rejected` with its problems otherwise), what would change and "
    "every problem. With `dry_run=false` a clean file is applied straight away (status `applied`). "
    "`layout` is needed only for a CSV file not named after its layout; `organisation` (the id of a "
    "top-level org unit) only for a WMT extract when there are several organisations.",
)
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    layout: Form[str] = "",
    dry_run: Form[bool] = True,
    organisation: Form[int | None] = None,
) -> Any:
    user = _require_admin(request)
    data = {"layout": layout, "dry_run": dry_run, "organisation": organisation or ""}
    form = UploadForm(data, {"file": file})
    if not form.is_valid():
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise HttpError(400, " ".join(m for messages in errors.values() for m in messages))
    run = services.create_run(
        file_name=file.name or "upload",
        content=file.read(),
        layout=form.cleaned_data["layout"],
        dry_run=form.cleaned_data["dry_run"],
        actor=user,
        organisation=form.cleaned_data["organisation"],
    )
    run = services.check_run(run)
    return Status(201, _out(get_object_or_404(_runs(), pk=run.pk)))


@router.post(
    "/{run_id}/apply",
    response={200: RunOut, 409: Error, **ERRORS},
    summary="Apply a checked import",
    description="Checks the run's file again against the database as it is now and applies it, all or "
    "nothing. 409 when the run cannot be applied (not checked, has errors, already applied, or its file "
    "was deleted).",
)
def apply(request: HttpRequest, run_id: int) -> Any:
    user = _require_admin(request)
    run = get_object_or_404(_runs(), pk=run_id)
    try:
        services.request_apply(run, user)
    except services.ImportNotReady as error:
        raise HttpError(409, str(error)) from error
    services.check_run(run)
    return Status(200, _out(get_object_or_404(_runs(), pk=run.pk)))


@router.get("/{run_id}", response={200: RunOut, **ERRORS}, summary="One import run")
def detail(request: HttpRequest, run_id: int) -> Any:
    _require_admin(request)
    services.cleanup_interrupted(runs=_runs().filter(pk=run_id))
    return Status(200, _out(get_object_or_404(_runs(), pk=run_id)))


@router.get(
    "",
    response={200: RunPageOut, **ERRORS},
    summary="Import history",
    description=f"Newest first, {PER_PAGE} to a page (`page`, from 1).",
)
def history(request: HttpRequest, page: int = 1) -> Any:
    _require_admin(request)
    services.cleanup_interrupted()
    paginator = Paginator(_runs(), PER_PAGE)
    if page < 1 or (page > paginator.num_pages):
        raise HttpError(404, f"There is no page {page}; there are {paginator.num_pages}.")
    current = paginator.page(page)
    return Status(
        200,
        {
            "count": paginator.count,
            "page": page,
            "pages": paginator.num_pages,
            "results": [_out(run) for run in current.object_list],
        },
    )
