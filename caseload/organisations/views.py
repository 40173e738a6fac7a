"""The practitioner's workload page ("My workload", and the same page for a manager), and the manager's
forms for contracted hours and reductions. Records are reached only through `request.scope`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from caseload.core.charts import long_date
from caseload.dashboards.downloads import table_response, wants_download
from caseload.organisations import services
from caseload.organisations.forms import DeleteReductionForm, HoursForm, ReductionForm
from caseload.organisations.models import Reduction, ReductionReason, TeamMembership
from caseload.organisations.presenters import history_rows, present_workload_page, reason_options
from caseload.organisations.workload_page import (
    membership_history,
    own_memberships,
    reductions_in,
    workload_page_data,
)
from caseload.organisations.workload_tables import shown_tables, workload_sources

HISTORY_PER_PAGE = 20


def _membership(request: HttpRequest, membership_id: int) -> TeamMembership:
    memberships = request.scope.memberships.select_related("practitioner__grade", "team")  # type: ignore[attr-defined]
    return get_object_or_404(memberships, pk=membership_id)


def _editable(request: HttpRequest, membership_id: int) -> TeamMembership:
    membership = _membership(request, membership_id)
    scope = request.scope  # type: ignore[attr-defined]
    scope.require(scope.can_edit_membership(membership), "Only managers of this team can change hours.")
    return membership


def _panels(request: HttpRequest, membership: TeamMembership) -> dict[str, Any]:
    """The well-being and supervision panels shown at the end of the page (each app renders its own)."""
    context: dict[str, Any] = {"wellbeing_panel": None, "supervision": None}
    try:
        from caseload.wellbeing.presenters import membership_panel

        context["wellbeing_panel"] = membership_panel(membership, request.scope)  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        pass
    from caseload.supervision.presenters import membership_section

    context["supervision"] = membership_section(membership, request.scope, timezone.localdate())  # type: ignore[attr-defined]
    return context


def _page(request: HttpRequest, membership: TeamMembership, title: str) -> HttpResponse:
    """The workload page; `?export=csv|xlsx&table=<name>` downloads one of its tables instead."""
    scope = request.scope  # type: ignore[attr-defined]
    data = workload_page_data(membership, scope.cases, scope.memberships, timezone.localdate())
    page = present_workload_page(data, can_edit=scope.can_edit_membership(membership))
    own = membership.practitioner_id == scope.practitioner_id
    params = request.GET.dict()
    sources = workload_sources(page, data.snapshots, params, own=own)
    if wants_download(params):
        stem = f"{membership.practitioner.staff_code}-{membership.team.code}"
        return table_response(sources, params, stem)
    context = {"page_title": title, "page": page, "own": own, "tables": shown_tables(sources, params)}
    return render(request, "organisations/workload.html", context | _panels(request, membership))


@login_required
def my_workload(request: HttpRequest) -> HttpResponse:
    """The signed-in practitioner's own workload (their first current team membership)."""
    scope = request.scope  # type: ignore[attr-defined]
    memberships = own_memberships(scope.memberships, timezone.localdate()) if scope.practitioner_id else []
    if not memberships:
        context = {"page_title": "My workload", "has_record": scope.practitioner_id is not None}
        return render(request, "organisations/no_workload.html", context, status=404)
    return _page(request, memberships[0], "My workload")


@login_required
def practitioner(request: HttpRequest, membership_id: int) -> HttpResponse:
    """One membership's workload page, for the practitioner or anyone who may see them individually."""
    membership = _membership(request, membership_id)
    return _page(request, membership, f"Workload of {membership.practitioner.full_name}")


def _history(request: HttpRequest, membership: TeamMembership) -> dict[str, Any]:
    page = Paginator(membership_history(membership), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    names = {str(r.pk): r.name for r in ReductionReason.objects.all()}
    return {"history_page": page, "history": history_rows(page.object_list, names)}


@login_required
def edit_hours(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Change a membership's contracted hours (managers of the team)."""
    membership = _editable(request, membership_id)
    form = HoursForm(request.POST or None, initial={"contracted_hours": membership.contracted_hours})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_contracted_hours(
                membership, form.cleaned_data["contracted_hours"], actor=request.user
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors[0])
        else:
            messages.success(
                request, f"Contracted hours changed to {form.cleaned_data['contracted_hours']} a week."
            )
            return redirect("organisations:practitioner", membership.pk)
    title = "Change contracted hours" + f" – {membership.practitioner.full_name}"
    context = {
        "page_title": ("Error: " if form.errors else "") + title,
        "form": form,
        "membership": membership,
    }
    return render(
        request,
        "organisations/hours_form.html",
        context | _history(request, membership),
        status=400 if form.errors else 200,
    )


def _reduction_form_page(
    request: HttpRequest, membership: TeamMembership, reduction: Reduction | None
) -> HttpResponse:
    initial = (
        {
            "reason": reduction.reason_id,
            "hours": reduction.hours,
            "notes": reduction.notes,
            "effective_from": reduction.effective_from,
            "effective_to": reduction.effective_to,
        }
        if reduction
        else {"effective_from": timezone.localdate()}
    )
    form = ReductionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_reduction(
                membership=membership, reduction=reduction, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            ends = f", ending {long_date(saved.effective_to)}" if saved.effective_to else ""
            messages.success(
                request, f"Reduction saved: {saved.reason.name}, {saved.hours} hours a week{ends}."
            )
            return redirect("organisations:practitioner", membership.pk)
    on = timezone.localdate()
    reasons = ReductionReason.objects.filter(enabled=True)
    options = reason_options(reasons, lambda r: services.reason_rules(r, membership.team, on))
    title = (
        "Change reduction" if reduction else "Add a reduction"
    ) + f" – {membership.practitioner.full_name}"
    context = {
        "page_title": ("Error: " if form.errors else "") + title,
        "heading": "Change a reduction" if reduction else "Add a reduction",
        "form": form,
        "errors": form.errors_by_field() if form.is_bound else {},
        "membership": membership,
        "reasons": options,
        "chosen_reason": str(form["reason"].value() or ""),
    }
    return render(
        request,
        "organisations/reduction_form.html",
        context | _history(request, membership),
        status=400 if form.errors else 200,
    )


@login_required
def add_reduction(request: HttpRequest, membership_id: int) -> HttpResponse:
    return _reduction_form_page(request, _editable(request, membership_id), None)


def _reduction(request: HttpRequest, reduction_id: int) -> Reduction:
    reductions = reductions_in(request.scope.memberships)  # type: ignore[attr-defined]
    reduction = get_object_or_404(reductions, pk=reduction_id)
    _editable(request, reduction.membership_id)
    return reduction


@login_required
def edit_reduction(request: HttpRequest, reduction_id: int) -> HttpResponse:
    reduction = _reduction(request, reduction_id)
    return _reduction_form_page(request, reduction.membership, reduction)


@login_required
def delete_reduction(request: HttpRequest, reduction_id: int) -> HttpResponse:
    """Confirm, then mark a reduction deleted (it stays in the history)."""
    reduction = _reduction(request, reduction_id)
    form = DeleteReductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_reduction(reduction, actor=request.user, note=form.cleaned_data["note"])
        messages.success(
            request, f"Reduction deleted: {reduction.reason.name}, {reduction.hours} hours a week."
        )
        return redirect("organisations:practitioner", reduction.membership_id)
    context = {
        "page_title": "Delete reduction",
        "reduction": reduction,
        "form": form,
        "back": reverse("organisations:practitioner", args=[reduction.membership_id]),
    }
    return render(request, "organisations/delete_reduction.html", context)
