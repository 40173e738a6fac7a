"""Import pages, for administrators: history, upload, status (polled while running), apply, templates."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caseload.core.models import Role
from caseload.imports import downloads, services
from caseload.imports.forms import LAYOUT_CHOICES, UploadForm
from caseload.imports.layouts import GENERIC_LAYOUTS
from caseload.imports.models import ImportStatus
from caseload.imports.presenters import present_rows, present_run
from caseload.imports.selectors import runs as _runs
from caseload.imports.tasks import process_import

RUNS_PER_PAGE = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def administrator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in administrators (or superusers) only; others get 403, anonymous people the sign-in page."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_superuser or getattr(user, "role", "") == Role.ADMINISTRATOR):
            raise PermissionDenied("Only administrators can import files.")
        return view(request, *args, **kwargs)

    return wrapped


@administrator_required
def run_list(request: HttpRequest) -> HttpResponse:
    """Import history, newest first (runs whose worker died are marked interrupted first)."""
    services.cleanup_interrupted()
    page = Paginator(_runs(), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_title": "Imports", "page": page, "rows": present_rows(list(page.object_list))}
    return render(request, "imports/list.html", context)


@administrator_required
def run_new(request: HttpRequest) -> HttpResponse:
    """Upload a file; a background task checks it (and applies it unless it is a dry run)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = services.create_run(
            file_name=upload.name,
            content=upload.read(),
            layout=form.cleaned_data["layout"],
            dry_run=form.cleaned_data["dry_run"],
            actor=request.user,
            organisation=form.cleaned_data["organisation"],
        )
        process_import.enqueue(run.pk)
        return redirect("imports:detail", run.pk)
    title = "Error: Import a file" if form.errors else "Import a file"
    organisations = list(form.fields["organisation"].queryset)
    context = {
        "page_title": title,
        "form": form,
        "layouts": LAYOUT_CHOICES,
        "entities": GENERIC_LAYOUTS,
        "organisations": organisations if len(organisations) > 1 else [],
    }
    return render(request, "imports/new.html", context, status=400 if form.errors else 200)


@administrator_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a run is up to; while it runs, htmx asks for the status fragment every 2 seconds."""
    services.cleanup_interrupted(runs=_runs().filter(pk=pk))
    run = get_object_or_404(_runs(), pk=pk)
    earlier = _runs().filter(sha256=run.sha256, status=ImportStatus.APPLIED).exclude(pk=run.pk).first()
    context = {"page_title": f"Import {run.pk}", "run": present_run(run, earlier)}
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, "imports/includes/status.html" if fragment else "imports/detail.html", context)


@require_POST
@administrator_required
def run_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a checked run, in the background."""
    run = get_object_or_404(_runs(), pk=pk)
    try:
        services.request_apply(run, request.user)
    except services.ImportNotReady as error:
        messages.error(request, str(error))
        return redirect("imports:detail", run.pk)
    process_import.enqueue(run.pk)
    return redirect("imports:detail", run.pk)


@administrator_required
def template_download(request: HttpRequest, entity: str, extension: str) -> HttpResponse:
    """A blank template: CSV for one layout, XLSX for one layout or for all of them."""
    known = entity in GENERIC_LAYOUTS or (entity == downloads.ALL and extension == "xlsx")
    if not known or extension not in ("csv", "xlsx"):
        raise Http404("No such layout.")
    if extension == "csv":
        response = HttpResponse(downloads.csv_template(entity), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(downloads.xlsx_template(entity), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{entity}.{extension}"'
    return response
