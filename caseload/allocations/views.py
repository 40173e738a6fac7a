"""Allocation pages: the register, a case with its candidates, allocate / reallocate, the confirmation,
the history and area managers' approvals. For users who may allocate (`scope.can_edit`), within scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caseload.allocations import presenters, selectors, services
from caseload.allocations.forms import (
    AllocateForm,
    ApprovalDecisionForm,
    HistorySearchForm,
    ReallocateForm,
    RegisterFilterForm,
)
from caseload.allocations.models import DecisionKind
from caseload.core.models import Role

PER_PAGE = 50


def _editor(request: HttpRequest) -> Any:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require(scope.can_edit, "Only team managers, area managers and administrators allocate cases.")
    return scope


def _case(scope: Any, pk: int) -> Any:
    return get_object_or_404(scope.cases.select_related("team", "practitioner"), pk=pk)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Unallocated cases in scope, filtered, sorted and paged."""
    scope = _editor(request)
    units = list(scope.units.filter(kind__in=["team", "area"]).order_by("path").values_list("pk", "name"))
    form = RegisterFilterForm(request.GET or None, units=units)
    filters = selectors.RegisterFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.RegisterFilters(
            **{k: v or filters.__dict__[k] for k, v in form.cleaned_data.items()}
        )
    rows = selectors.register(scope.cases, timezone.localdate(), filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_title": "Error: Unallocated cases" if form.errors else "Unallocated cases",
        "form": form,
        "page": page,
        "lines": [presenters.present_register_row(r) for r in page.object_list],
        "total": len(rows),
        "query": query.urlencode(),
    }
    return render(request, "allocations/register.html", context)


def _choose(request: HttpRequest, case: Any, kind: str, status: int = 200, error: str = "") -> HttpResponse:
    """The case summary, the candidates and the choice form (bound on POST, with any errors)."""
    scope = request.scope  # type: ignore[attr-defined]
    today = timezone.localdate()
    wider = request.POST.get("wider") == "True" or request.GET.get("wider") == "1"
    wider = wider and scope.role in (Role.AREA_MANAGER, Role.ADMINISTRATOR)
    memberships = selectors.candidate_memberships(case, scope.memberships, today, wider=wider)
    shown = presenters.present_candidates(selectors.candidates_for(case, memberships, today))
    form_class = ReallocateForm if kind == DecisionKind.REALLOCATE else AllocateForm
    form = form_class(request.POST or None, choices=shown.choices, initial={"wider": wider})
    if request.method == "POST" and not error and form.is_valid():
        try:
            return _decide(request, case, kind, form)
        except services.AlreadyAllocated as problem:
            error, status = " ".join(problem.messages), 409
        except ValidationError as problem:
            _add_errors(form, problem)
            status = 400
    context = {
        "page_title": ("Error: " if form.errors or error else "") + f"Allocate {case.reference}",
        "case": case,
        "kind": kind,
        "summary": presenters.present_summary(selectors.case_summary(case, today)),
        "candidates": shown,
        "form": form,
        "error": error,
        "wider": wider,
        "may_widen": scope.role in (Role.AREA_MANAGER, Role.ADMINISTRATOR),
    }
    return render(
        request, "allocations/case.html", context, status=400 if form.errors and status == 200 else status
    )


def _add_errors(form: Any, problem: ValidationError) -> None:
    if hasattr(problem, "error_dict"):
        for name, errors in problem.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, problem.messages)


def _decide(request: HttpRequest, case: Any, kind: str, form: Any) -> HttpResponse:
    data = form.cleaned_data
    choice = services.Choice(
        membership_id=data["membership"],
        token=data["token"],
        justification=data["justification"],
        notes=data["notes"],
        sensitive=data["sensitive"],
        copy_to=tuple(data["copy_to"]),
        reason=data.get("reason", ""),
        notify_previous=data.get("notify_previous", False),
        wider=data["wider"],
    )
    outcome = services.allocate(case, choice, actor=request.user, kind=kind)  # type: ignore[arg-type]
    if outcome.decision is not None:
        return redirect("allocations:confirmation", outcome.decision.pk)
    assert outcome.approval is not None
    messages.success(request, "The request has been sent to the area manager for approval.")
    return redirect("allocations:approval", outcome.approval.pk)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A case's summary and its candidates, with the recommendation; allocated cases go to reallocation."""
    case = _case(_editor(request), pk)
    if case.practitioner_id is not None:
        return redirect("allocations:reallocate", case.pk)
    return _choose(request, case, DecisionKind.ALLOCATE)


@login_required
@require_POST
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the choice: a decision (then the confirmation page) or an approval request."""
    case = _case(_editor(request), pk)
    if case.practitioner_id is not None:
        error = services.allocated_message(case)
        return _choose(request, case, DecisionKind.ALLOCATE, status=409, error=error)
    return _choose(request, case, DecisionKind.ALLOCATE)


@login_required
def reallocate(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an allocated case to someone else, with a reason."""
    case = _case(_editor(request), pk)
    if case.practitioner_id is None:
        if request.method == "POST":
            return _choose(
                request, case, DecisionKind.REALLOCATE, 409, f"Case {case.reference} is not allocated."
            )
        return redirect("allocations:case", case.pk)
    return _choose(request, case, DecisionKind.REALLOCATE)


@login_required
def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    """What was decided, with the figures, the recommendation shown and the emails' delivery status."""
    scope = _editor(request)
    decision = selectors.decision_in(scope.cases, pk)
    if decision is None:
        raise Http404("No such allocation.")
    context = {
        "page_title": f"{decision.get_kind_display()} confirmed",
        "decision": presenters.present_decision(decision),
        "deliveries": selectors.deliveries(decision),
    }
    return render(request, "allocations/confirmation.html", context)


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """Every allocation decision in scope, newest first, searchable."""
    scope = _editor(request)
    form = HistorySearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_bound and form.is_valid() else ""
    page = Paginator(selectors.decisions_for(scope.cases, q), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_title": "Allocation history",
        "form": form,
        "page": page,
        "decisions": [presenters.present_decision(d) for d in page.object_list],
        "q": q,
    }
    return render(request, "allocations/history.html", context)


def _viewer_may(request: HttpRequest) -> tuple[Any, Any]:
    """What the signed-in user may do with a request: (decide, withdraw) predicates."""
    user: Any = request.user
    return (lambda r: services.may_decide(user, r)), (lambda r: services.may_withdraw(user, r))


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Requests waiting on cases in scope, those the viewer may decide first, then those waiting for
    others, then recently decided ones."""
    scope = _editor(request)
    pending = selectors.approvals_for(scope.cases)
    decided = selectors.approvals_for(scope.cases, status="").exclude(status="pending")[:20]
    context = {
        "page_title": "Approvals",
        "approvals": presenters.present_approvals(pending, decided, *_viewer_may(request)),
    }
    return render(request, "allocations/approvals.html", context)


@login_required
def approval(request: HttpRequest, pk: int) -> HttpResponse:
    """One request; area managers (not the requester) approve or decline it here. Once its case has been
    allocated or closed another way, it can only be withdrawn."""
    scope = _editor(request)
    found = selectors.approval_in(scope.cases, pk)
    if found is None:
        raise Http404("No such request.")
    shown = presenters.present_approval(found, *_viewer_may(request))
    form = ApprovalDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        scope.require(
            services.may_decide(request.user, found) and shown.pending,  # type: ignore[arg-type]
            "Only an area manager other than the requester can decide this.",
        )
        if form.is_valid():
            try:
                services.decide_approval(
                    found,
                    approve=form.cleaned_data["decision"] == "approve",
                    actor=request.user,  # type: ignore[arg-type]
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, "Your decision has been recorded and the requester told.")
                return redirect("allocations:approval", found.pk)
            except ValidationError as problem:
                _add_errors(form, problem)
        status = 400
    context = {
        "page_title": ("Error: " if form.errors else "") + f"Approval for {found.case.reference}",
        "request_": shown,
        "form": form,
    }
    return render(request, "allocations/approval.html", context, status=status)


@login_required
@require_POST
def withdraw_approval(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a request whose case has been allocated or closed another way (the requester or an area
    manager); the requester is told."""
    scope = _editor(request)
    found = selectors.approval_in(scope.cases, pk)
    if found is None:
        raise Http404("No such request.")
    scope.require(
        services.may_withdraw(request.user, found),  # type: ignore[arg-type]
        "Only the requester or an area manager can withdraw this request.",
    )
    try:
        services.withdraw_approval(found, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as problem:
        messages.info(request, " ".join(problem.messages))
    else:
        messages.success(request, "The request has been withdrawn and the requester told.")
    return redirect("allocations:approval", found.pk)
