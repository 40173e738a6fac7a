"""Well-being pages. Individual records come only from `selectors.record_memberships(request.scope)`: the
practitioner's own memberships or a line manager's scope (docs/wellbeing.md, "Who sees what")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from caseload.wellbeing import presenters, selectors, services
from caseload.wellbeing.forms import (
    CloseForm,
    ConcernForm,
    ConcernResponseForm,
    FlagItemForm,
    PlanForm,
    QueryResponseForm,
    parse_item,
)
from caseload.wellbeing.models import AlertStatus, ConcernStatus, QueryStatus

PER_PAGE = 20


def _title(title: str, form: Any) -> str:
    return f"Error: {title}" if form.is_bound and form.errors else title


def _page(request: HttpRequest, items: Any, name: str, row: Any, with_person: bool) -> dict[str, Any]:
    page = Paginator(items, PER_PAGE).get_page(request.GET.get(name))
    return {"page": page, "rows": [row(i, with_person=with_person) for i in page.object_list], "param": name}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A practitioner's own records; a line manager's records in scope; aggregated counts for others."""
    scope = request.scope  # type: ignore[attr-defined]
    if not selectors.sees_records(scope):
        scope.require(scope.sees_units, "You do not have access to well-being records.")
        page = Paginator(selectors.unit_counts(scope.units, timezone.localdate()), PER_PAGE)
        units = page.get_page(request.GET.get("page"))
        context = {"page_title": "Well-being", "units": units, "rows": presenters.aggregate_rows(list(units))}
        return render(request, "wellbeing/aggregate.html", context)
    memberships = selectors.record_memberships(scope)
    line = selectors.is_line(scope)
    context = {
        "page_title": "Well-being",
        "is_line": line,
        "alerts": _page(
            request, selectors.alerts_for(memberships).active(), "alerts", presenters.alert_row, line
        ),
        "concerns": _page(
            request, selectors.concerns_for(memberships), "concerns", presenters.concern_row, line
        ),
        "queries": _page(request, selectors.queries_for(memberships), "queries", presenters.query_row, line),
        "closed": _page(
            request,
            selectors.alerts_for(memberships).filter(status=AlertStatus.RESOLVED),
            "closed",
            presenters.alert_row,
            line,
        ),
        "own_memberships": [] if line else list(memberships.current().select_related("team")),
    }
    return render(request, "wellbeing/home.html", context)


def _own_membership(request: HttpRequest) -> Any:
    """The practitioner's own membership named by `?membership=` (403 for people without a caseload)."""
    scope = request.scope  # type: ignore[attr-defined]
    scope.require(
        scope.practitioner_id is not None, "Only practitioners raise concerns about their caseload."
    )
    pk = request.GET.get("membership", "")
    own = scope.memberships.filter(practitioner_id=scope.practitioner_id).select_related("team")
    return get_object_or_404(own, pk=int(pk) if pk.isdigit() else 0)


@login_required
def raise_concern(request: HttpRequest) -> HttpResponse:
    membership = _own_membership(request)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        concern = services.raise_concern(membership, text=form.cleaned_data["text"], actor=request.user)
        messages.success(request, "Your concern has been sent to your manager.")
        return redirect("wellbeing:concern", concern.pk)
    context = {"page_title": _title("Raise a caseload concern", form), "form": form, "membership": membership}
    return render(request, "wellbeing/raise_concern.html", context, status=400 if form.errors else 200)


@login_required
def flag_item(request: HttpRequest) -> HttpResponse:
    membership = _own_membership(request)
    item = parse_item(request.GET.get("item", ""))
    form = FlagItemForm(request.POST or None)
    if request.method == "POST" and item is not None and form.is_valid():
        query = services.flag_item(
            membership, kind=item[0], reference=item[1], note=form.cleaned_data["note"], actor=request.user
        )
        messages.success(request, "Your query has been sent to your manager.")
        return redirect("wellbeing:query", query.pk)
    context = {
        "page_title": _title("This looks wrong", form) if item else "Error: This looks wrong",
        "form": form,
        "membership": membership,
        "item_label": presenters.item_label(*item) if item else "",
    }
    return render(
        request, "wellbeing/flag_item.html", context, status=400 if form.errors or not item else 200
    )


def _alert(request: HttpRequest, pk: int, manage: bool = False) -> Any:
    scope = request.scope  # type: ignore[attr-defined]
    allowed = selectors.is_line(scope) if manage else selectors.sees_records(scope)
    scope.require(allowed, "You do not have access to individual well-being records.")
    alerts = selectors.alerts_for(selectors.record_memberships(scope))
    return get_object_or_404(alerts, pk=pk)


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert(request, pk)
    page = presenters.alert_page(alert, request.scope)  # type: ignore[attr-defined]
    return render(request, "wellbeing/alert.html", {"page_title": "Well-being alert", "p": page})


@login_required
def record_plan(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert(request, pk, manage=True)
    today = timezone.localdate()
    form = PlanForm(request.POST or None, owners=selectors.plan_owners(alert.membership), today=today)
    if request.method == "POST" and alert.is_active and form.is_valid():
        data = form.cleaned_data
        services.record_action_plan(
            alert,
            actions=data["actions"],
            owner=data["owner"],
            review_date=data["review_date"],
            actor=request.user,
        )
        messages.success(request, "Action plan recorded.")
        return redirect("wellbeing:alert", alert.pk)
    context = {"page_title": _title("Record an action plan", form), "form": form, "alert": alert}
    return render(request, "wellbeing/record_plan.html", context, status=400 if form.errors else 200)


@login_required
def close_alert(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert(request, pk, manage=True)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and alert.is_active and form.is_valid():
        services.close_alert(alert, note=form.cleaned_data["note"], actor=request.user)
        messages.success(request, "Alert closed.")
        return redirect("wellbeing:alert", alert.pk)
    context = {"page_title": _title("Close the alert", form), "form": form, "alert": alert}
    return render(request, "wellbeing/close_alert.html", context, status=400 if form.errors else 200)


def _record(request: HttpRequest, finder: Any, pk: int, manage: bool) -> Any:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require(selectors.is_line(scope) if manage else selectors.sees_records(scope))
    return get_object_or_404(finder(selectors.record_memberships(scope)), pk=pk)


@login_required
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _record(request, selectors.concerns_for, pk, manage=False)
    return _respond_page(request, concern, ConcernResponseForm, "concern", ConcernStatus.OPEN)


@login_required
def respond_concern(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _record(request, selectors.concerns_for, pk, manage=True)
    form = ConcernResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.respond_to_concern(concern, response=form.cleaned_data["response"], actor=request.user)
        messages.success(request, "Response sent.")
        return redirect("wellbeing:concern", concern.pk)
    return _respond_page(request, concern, lambda *_: form, "concern", ConcernStatus.OPEN)


@login_required
def query_detail(request: HttpRequest, pk: int) -> HttpResponse:
    query = _record(request, selectors.queries_for, pk, manage=False)
    return _respond_page(request, query, QueryResponseForm, "query", QueryStatus.OPEN)


@login_required
def respond_query(request: HttpRequest, pk: int) -> HttpResponse:
    query = _record(request, selectors.queries_for, pk, manage=True)
    form = QueryResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.respond_to_query(query, response=data["response"], status=data["status"], actor=request.user)
        messages.success(request, "Response sent.")
        return redirect("wellbeing:query", query.pk)
    return _respond_page(request, query, lambda *_: form, "query", QueryStatus.OPEN)


def _respond_page(
    request: HttpRequest, obj: Any, form_class: Any, kind: str, open_status: str
) -> HttpResponse:
    """A concern or query, with the response form for its line while it is open."""
    form = form_class(None)
    can_respond = selectors.is_line(request.scope) and obj.status == open_status  # type: ignore[attr-defined]
    title = "Caseload concern" if kind == "concern" else "This looks wrong"
    context = {
        "page_title": _title(title, form),
        "title": title,
        "record": presenters.record_page(obj, kind),
        "form": form if can_respond else None,
        "kind": kind,
    }
    return render(
        request, "wellbeing/record.html", context, status=400 if form.is_bound and form.errors else 200
    )
