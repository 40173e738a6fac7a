"""Agreed caseloads and supervision pages. Individual records (sessions, self-reported extra hours,
agreements) are for the practitioner and their line (team and area managers over the team) only; senior
leaders, analysts and administrators get counts per team. Records come through `request.scope`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from caseload.core.models import Role
from caseload.organisations.models import TeamMembership
from caseload.supervision import services
from caseload.supervision.forms import AgreementForm, SessionForm
from caseload.supervision.models import SupervisionKind
from caseload.supervision.presenters import (
    confirm_party,
    is_line,
    line_manages,
    membership_section,
    present_agreement,
    session_rows,
    team_rows,
    unit_rows,
    viewer_may_see,
)
from caseload.supervision.selectors import agreements_in, sessions_of, team_compliance, unit_compliance

PER_PAGE = 25
AGGREGATE_ROLES = frozenset(
    {Role.SENIOR_LEADER, Role.ANALYST, Role.ADMINISTRATOR, Role.AREA_MANAGER, Role.TEAM_MANAGER}
)


def _membership(request: HttpRequest, membership_id: int) -> TeamMembership:
    scope = request.scope  # type: ignore[attr-defined]
    memberships = scope.memberships.select_related("practitioner__grade", "team")
    membership = get_object_or_404(memberships, pk=membership_id)
    scope.require(
        viewer_may_see(membership, scope), "Supervision records are for the practitioner and their managers."
    )
    return membership


def _is_own(request: HttpRequest, membership: TeamMembership) -> bool:
    return membership.practitioner_id == request.scope.practitioner_id  # type: ignore[attr-defined]


@login_required
def membership(request: HttpRequest, membership_id: int) -> HttpResponse:
    """A membership's agreed caseload (with its history) and supervision sessions."""
    m = _membership(request, membership_id)
    page = Paginator(sessions_of(m), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_title": f"Agreed caseload and supervision – {m.practitioner.full_name}",
        "membership": m,
        "own": _is_own(request, m),
        "section": membership_section(m, request.scope, timezone.localdate()),  # type: ignore[attr-defined]
        "sessions_page": page,
        "sessions": session_rows(page.object_list),
    }
    return render(request, "supervision/membership.html", context)


@login_required
def record_agreement(request: HttpRequest, membership_id: int) -> HttpResponse:
    """A manager records the agreed caseload reached in supervision."""
    m = _membership(request, membership_id)
    scope = request.scope  # type: ignore[attr-defined]
    scope.require(line_manages(m, scope), "Only managers of this team can record an agreed caseload.")
    today = timezone.localdate()
    form = AgreementForm(
        request.POST or None,
        initial={
            "agreed_on": today,
            "expected_min_percent": 85,
            "expected_max_percent": 100,
            "review_date": today + dt.timedelta(days=91),
            "manager_confirms": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_agreement(membership=m, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, "Agreed caseload recorded. The practitioner has been asked to confirm it."
            )
            return redirect("supervision:membership", m.pk)
    title = f"Record an agreed caseload – {m.practitioner.full_name}"
    context = {
        "page_title": ("Error: " if form.errors else "") + title,
        "form": form,
        "membership": m,
        "errors": form.errors_by_field() if form.is_bound else {},
    }
    return render(request, "supervision/agreement_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def confirm_agreement(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The practitioner (or a manager of the team) confirms an agreed caseload."""
    scope = request.scope  # type: ignore[attr-defined]
    agreement = get_object_or_404(agreements_in(scope.memberships), pk=agreement_id)
    m = agreement.membership
    scope.require(viewer_may_see(m, scope), "Only the practitioner and their managers can confirm.")
    party = confirm_party(agreement, m, scope)
    if request.method == "POST" and party:
        try:
            services.confirm_agreement(agreement, party=party, actor=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Agreed caseload confirmed.")
        return redirect("supervision:membership", m.pk)
    context = {
        "page_title": "Confirm agreed caseload",
        "agreement": present_agreement(agreement, timezone.localdate()),
        "membership": m,
        "party": party,
        "own": _is_own(request, m),
    }
    return render(request, "supervision/confirm.html", context)


@login_required
def record_session(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Record a supervision session (the practitioner or a manager of the team)."""
    m = _membership(request, membership_id)
    form = SessionForm(
        request.POST or None, initial={"held_on": timezone.localdate(), "kind": SupervisionKind.FORMAL}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_supervision(membership=m, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Supervision recorded.")
            return redirect("supervision:membership", m.pk)
    title = f"Record a supervision – {m.practitioner.full_name}"
    context = {
        "page_title": ("Error: " if form.errors else "") + title,
        "form": form,
        "membership": m,
        "errors": form.errors_by_field() if form.is_bound else {},
        "kinds": SupervisionKind.choices,
    }
    return render(request, "supervision/session_form.html", context, status=400 if form.errors else 200)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """Line managers: supervision compliance and agreed caseloads of each person in their teams. Others who
    see unit figures (administrators, say) are sent to the counts per team."""
    scope = request.scope  # type: ignore[attr-defined]
    if not is_line(scope) and scope.sees_units and scope.role in AGGREGATE_ROLES:
        return redirect("supervision:overview")
    scope.require(is_line(scope), "This page is for managers of teams.")
    on = timezone.localdate()
    page = Paginator(team_compliance(scope.memberships, on), PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_title": "Supervision in my teams", "page": page, "rows": team_rows(page.object_list, on)}
    return render(request, "supervision/team.html", context)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Senior leaders, analysts and administrators (and line managers, for their units): supervision
    compliance per team, as counts (no names)."""
    scope = request.scope  # type: ignore[attr-defined]
    scope.require(scope.sees_units and scope.role in AGGREGATE_ROLES, "This page shows figures for teams.")
    page = Paginator(unit_compliance(scope.units, timezone.localdate()), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page_title": "Supervision by team", "page": page, "rows": unit_rows(page.object_list)}
    return render(request, "supervision/overview.html", context)
