"""Presenters for agreed caseloads and supervision: ready-to-show text for the templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from caseload.core.charts import long_date
from caseload.core.models import Role
from caseload.domain.rounding import one_dp
from caseload.domain.supervision import Compliance, compliance_rate
from caseload.supervision.models import Agreement, SupervisionRecord
from caseload.supervision.selectors import (
    PersonCompliance,
    UnitCompliance,
    agreements_of,
    membership_compliance,
    sessions_of,
)
from caseload.supervision.services import MANAGER, PRACTITIONER, REVIEW_WARNING_DAYS

RECENT_SESSIONS = 5


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _moment(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{long_date(local.date())} at {local:%H:%M}"


@dataclass(frozen=True)
class AgreementView:
    pk: int
    range: str
    agreed_on: str
    protected: tuple[str, ...]
    review_date: str
    review_due: bool
    review_text: str
    manager_confirmed: str  # "" when not yet
    practitioner_confirmed: str
    status: str
    status_colour: str
    in_force: bool


def present_agreement(agreement: Agreement, on: dt.date) -> AgreementView:
    protected = []
    if agreement.development_percent:
        protected.append(f"{_pct(agreement.development_percent)} protected development time")
    if agreement.no_sole_cp_or_court:
        protected.append("No sole child-protection or court cases")
    if agreement.protected_notes:
        protected.append(agreement.protected_notes)
    in_force = agreement.ended_on is None or agreement.ended_on > on
    days = (agreement.review_date - on).days
    review_due = in_force and days <= REVIEW_WARNING_DAYS
    if not in_force:
        status, colour = (
            f"Replaced {long_date(agreement.ended_on)}" if agreement.ended_on else "Replaced",
            "grey",
        )
    elif agreement.confirmed:
        status, colour = "Confirmed by both", "green"
    else:
        waiting = [
            p
            for p, at in (
                ("practitioner", agreement.practitioner_confirmed_at),
                ("manager", agreement.manager_confirmed_at),
            )
            if at is None
        ]
        status, colour = f"Waiting for the {' and the '.join(waiting)} to confirm", "yellow"
    if not review_due:
        review_text = ""
    elif days < 0:
        review_text = f"The review was due on {long_date(agreement.review_date)}."
    elif days == 0:
        review_text = "The review is due today."
    else:
        review_text = f"The review is due in {days} day{'s' if days != 1 else ''}."
    return AgreementView(
        pk=agreement.pk,
        range=f"{_pct(agreement.expected_min_percent)} to {_pct(agreement.expected_max_percent)}",
        agreed_on=long_date(agreement.agreed_on),
        protected=tuple(protected),
        review_date=long_date(agreement.review_date),
        review_due=review_due,
        review_text=review_text,
        manager_confirmed=_moment(agreement.manager_confirmed_at),
        practitioner_confirmed=_moment(agreement.practitioner_confirmed_at),
        status=status,
        status_colour=colour,
        in_force=in_force,
    )


def compared_with_range(percent: Decimal | None, agreement: Agreement | None) -> str:
    """The actual workload % set against the agreed range, in words."""
    if agreement is None or percent is None:
        return ""
    shown = f"{one_dp(percent)}%"
    if percent > agreement.expected_max_percent:
        return f"{shown}: above the agreed range"
    if percent < agreement.expected_min_percent:
        return f"{shown}: below the agreed range"
    return f"{shown}: within the agreed range"


@dataclass(frozen=True)
class ComplianceView:
    up_to_date: bool
    status: str
    colour: str
    expected: str
    last_session: str
    next_due: str


def present_compliance(result: Compliance) -> ComplianceView:
    if result.compliant:
        status, colour = "Up to date", "green"
    else:
        status = f"Overdue by {result.days_overdue} day{'s' if result.days_overdue != 1 else ''}"
        colour = "red"
    return ComplianceView(
        up_to_date=result.compliant,
        status=status,
        colour=colour,
        expected=f"{result.schedule.name}: {result.schedule.describe()}",
        last_session=long_date(result.last_session) if result.last_session else "None recorded",
        next_due=long_date(result.next_due),
    )


@dataclass(frozen=True)
class SessionRow:
    date: str
    kind: str
    duration: str
    extra_hours: str
    recorded_by: str
    notes: str


def session_rows(records: Iterable[SupervisionRecord]) -> list[SessionRow]:
    return [
        SessionRow(
            date=long_date(r.held_on),
            kind=r.get_kind_display(),
            duration=f"{r.duration_minutes} minutes",
            extra_hours=f"{r.extra_hours} hours" if r.extra_hours is not None else "Not given",
            recorded_by=str(r.recorded_by) if r.recorded_by else "",
            notes=r.notes,
        )
        for r in records
    ]


@dataclass(frozen=True)
class SupervisionSection:
    membership_id: int
    current: AgreementView | None
    actual: str
    compliance: ComplianceView
    sessions: tuple[SessionRow, ...]
    history: tuple[AgreementView, ...]
    page_href: str
    record_agreement_href: str | None
    record_session_href: str
    confirm_href: str | None
    confirm_as: str  # "practitioner" or "manager": who the viewer would confirm as


#: The practitioner's line: who sees and keeps individual supervision records besides the practitioner.
#: Senior leaders, analysts and administrators see counts per team only (as for well-being records).
LINE_ROLES = frozenset({Role.TEAM_MANAGER, Role.AREA_MANAGER})


def is_line(scope: Any) -> bool:
    """Whether the user is a line manager (team or area manager), who keeps supervision for their teams."""
    return bool(scope.signed_in and scope.role in LINE_ROLES)


def line_manages(membership: Any, scope: Any) -> bool:
    """Whether the user is in this membership's line: a team or area manager over its team."""
    return is_line(scope) and scope.contains_unit(membership.team)


def is_own(membership: Any, scope: Any) -> bool:
    return bool(scope.signed_in and scope.practitioner_id is not None) and (
        membership.practitioner_id == scope.practitioner_id
    )


def viewer_may_see(membership: Any, scope: Any) -> bool:
    """Supervision is individual: only the practitioner and their line managers see it."""
    return is_own(membership, scope) or line_manages(membership, scope)


def confirm_party(agreement: Agreement | None, membership: Any, scope: Any) -> str:
    """Who the viewer would confirm the agreement as, or "" when they have nothing to confirm."""
    if agreement is None or agreement.ended_on is not None:
        return ""
    if is_own(membership, scope):
        return PRACTITIONER if agreement.practitioner_confirmed_at is None else ""
    if line_manages(membership, scope):
        return MANAGER if agreement.manager_confirmed_at is None else ""
    return ""


def membership_section(membership: Any, scope: Any, on: dt.date) -> SupervisionSection | None:
    """The agreement and supervision summary for one membership, or None when the viewer may not see it."""
    if not viewer_may_see(membership, scope):
        return None
    agreements = agreements_of(membership)
    current = next(
        (a for a in agreements if a.agreed_on <= on and (a.ended_on is None or a.ended_on > on)), None
    )
    workload = getattr(membership, "workload", None)
    party = confirm_party(current, membership, scope)
    return SupervisionSection(
        membership_id=membership.pk,
        current=present_agreement(current, on) if current else None,
        actual=compared_with_range(workload.workload_percent if workload else None, current),
        compliance=present_compliance(membership_compliance(membership, on)),
        sessions=tuple(session_rows(sessions_of(membership)[:RECENT_SESSIONS])),
        history=tuple(present_agreement(a, on) for a in agreements),
        page_href=reverse("supervision:membership", args=[membership.pk]),
        record_agreement_href=reverse("supervision:record-agreement", args=[membership.pk])
        if line_manages(membership, scope)
        else None,
        record_session_href=reverse("supervision:record-session", args=[membership.pk]),
        confirm_href=reverse("supervision:confirm-agreement", args=[current.pk])
        if party and current
        else None,
        confirm_as=party,
    )


@dataclass(frozen=True)
class TeamRow:
    name: str
    team: str
    href: str
    compliance: ComplianceView
    agreement: str
    review: str


def team_rows(people: Iterable[PersonCompliance], on: dt.date) -> list[TeamRow]:
    rows = []
    for person in people:
        m, agreement = person.membership, person.agreement
        view = present_agreement(agreement, on) if agreement else None
        rows.append(
            TeamRow(
                name=m.practitioner.full_name,
                team=m.team.name,
                href=reverse("supervision:membership", args=[m.pk]),
                compliance=present_compliance(person.compliance),
                agreement=f"{view.range} ({view.status.lower()})" if view else "No agreement",
                review=(view.review_text or view.review_date) if view else "",
            )
        )
    return rows


@dataclass(frozen=True)
class UnitRow:
    name: str
    people: str
    compliant: str
    rate: str
    reviews_due: str
    extra_hours: str


def unit_rows(units: Iterable[UnitCompliance]) -> list[UnitRow]:
    rows = []
    for u in units:
        rate = compliance_rate(u.compliant, u.people)
        rows.append(
            UnitRow(
                name=u.unit.name,
                people=str(u.people),
                compliant=str(u.compliant),
                rate=f"{rate}%" if rate is not None else "No one to count",
                reviews_due=str(u.reviews_due),
                extra_hours=f"{u.extra_hours.normalize():f}" if u.extra_hours else "0",
            )
        )
    return rows
