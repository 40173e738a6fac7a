"""The case page and recording an event on it. Cases are reached only through `request.scope.cases`: one
outside the scope is 404. The holder and editors in scope record events; others in scope only read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from caseload.cases import presenters, selectors
from caseload.cases.forms import EventForm
from caseload.cases.models import Case, CaseStatus
from caseload.cases.services import CaseClosed, record_case_event
from caseload.workloads.selectors import stored_workloads

EVENTS_PER_PAGE = 25


def _case(request: HttpRequest, pk: int) -> Case:
    cases = request.scope.cases.select_related("team", "practitioner")  # type: ignore[attr-defined]
    return get_object_or_404(cases, pk=pk)


def _may_record(scope: Any, case: Case) -> bool:
    """Editors in scope, and the holder themself."""
    return scope.can_edit or (
        scope.practitioner_id is not None and case.practitioner_id == scope.practitioner_id
    )


def _form(request: HttpRequest, case: Case, scheme: Any, data: Any = None) -> EventForm:
    scope = request.scope  # type: ignore[attr-defined]
    doers = None
    if scope.can_edit:
        people = selectors.doers(case, scope.memberships, timezone.localdate())
        doers = presenters.doer_choices(people)
    return EventForm(
        data,
        kinds=presenters.kind_choices(case, scheme, may_name_doer=bool(doers)),
        report_types=presenters.report_type_choices(scheme),
        contact_types=presenters.contact_type_choices(scheme),
        doers=doers,
        initial={"occurred_on": timezone.localdate()},
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: its details, points now and why, allocation history, events and timeliness clocks."""
    scope = request.scope  # type: ignore[attr-defined]
    case = _case(request, pk)
    data = selectors.case_page_data(case, scope.memberships, timezone.localdate())
    events = Paginator(selectors.case_events(case), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    page = presenters.present_case_page(
        data, events, pseudonymised=scope.pseudonymised, can_edit=scope.can_edit
    )
    recordable = _may_record(scope, case) and case.status == CaseStatus.ACTIVE
    context = {
        "page_title": f"Case {case.reference}",
        "page": page,
        "form": _form(request, case, data.scheme) if recordable else None,
        "errors": {},
    }
    return render(request, "cases/case.html", context)


@login_required
def record_event(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contact, milestone, report or support contact; the workloads it changes are recalculated."""
    scope = request.scope  # type: ignore[attr-defined]
    case = _case(request, pk)
    scope.require(_may_record(scope, case), "Only the case holder and managers of its team record events.")
    if case.status != CaseStatus.ACTIVE:
        return _closed(request, case)
    scheme = selectors.scheme_for(case, timezone.localdate())
    form = _form(request, case, scheme, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = _record(request, case, form.cleaned_data)
        except CaseClosed:
            return _closed(request, case)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, presenters.recorded_message(event, stored_workloads(event.recalculated))
            )
            return redirect("cases:case", case.pk)
    context = {
        "page_title": ("Error: " if form.errors else "") + f"Record an event on {case.reference}",
        "case": case,
        "form": form,
        "errors": form.errors_by_field() if form.is_bound else {},
    }
    return render(request, "cases/event_form.html", context, status=400 if form.errors else 200)


def _record(request: HttpRequest, case: Case, data: dict[str, Any]) -> Any:
    doer = None
    if data.get("practitioner"):
        doer = request.scope.practitioners.filter(pk=data["practitioner"]).first()  # type: ignore[attr-defined]
    return record_case_event(
        case,
        data["kind"],
        actor=request.user,  # type: ignore[arg-type]
        occurred_on=data["occurred_on"],
        practitioner=doer,
        report_type=data.get("report_type") or "",
        contact_type=data.get("contact_type") or "",
        notes=data.get("notes") or "",
    )


def _closed(request: HttpRequest, case: Case) -> HttpResponse:
    context = {
        "page_title": f"Case {case.reference} is closed",
        "case": case,
        "closed_on": presenters.date_or(case.closed_date, "an unknown date"),
    }
    return render(request, "cases/closed.html", context, status=409)
