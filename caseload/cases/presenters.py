"""Presenters for the case page and the event form: plain dataclasses of ready-to-show text, so templates do
no arithmetic. Points are shown as the engine stored them; clocks as the performance engine worked them out.
Names are pseudonymised for users who may see figures but not identities (`scope.pseudonymised`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from caseload.cases.models import (
    Case,
    CaseAllocation,
    CaseEvent,
    CaseFlag,
    CaseStatus,
    EventKind,
    ReallocationReason,
    ReportType,
)
from caseload.cases.selectors import CasePageData, IndicatorClocks
from caseload.core.charts import long_date
from caseload.dashboards.tables import pagination
from caseload.domain.performance import Clock, Outcome
from caseload.domain.rounding import one_dp
from caseload.domain.scheme import Scheme
from caseload.workloads.models import Workload

KIND_NAMES = {
    "case": "Case",
    "report": "Report",
    "cms": "Case management support",
    "non_case_time": "Non-case time",
    "extra_responsibility": "Extra responsibility",
}
#: The events the form offers, in this order (reports and support contacts only where they apply).
PLAIN_KINDS = (
    EventKind.CONTACT,
    EventKind.APPOINTMENT,
    EventKind.VISIT,
    EventKind.ASSESSMENT_COMPLETED,
    EventKind.REVIEW,
)
REPORT_KINDS = (EventKind.REPORT_REQUESTED, EventKind.REPORT_COMPLETED)
OUTCOMES = {
    Outcome.ON_TIME: ("On time", "green"),
    Outcome.LATE: ("Late", "orange"),
    Outcome.OVERDUE: ("Overdue", "red"),
    Outcome.PENDING: ("Not due yet", "grey"),
}
SOMEONE = "A practitioner"


@dataclass(frozen=True)
class Row:
    """A summary-list row; `href` makes the value a link."""

    label: str
    value: str
    href: str | None = None


@dataclass(frozen=True)
class PointsLine:
    kind: str
    points: str
    rule: str


@dataclass(frozen=True)
class Points:
    """The case's points now, from the holder's stored workload, and why."""

    lines: tuple[PointsLine, ...]
    empty: str  # why there are no lines (blank when there are some)
    holder: str
    scheme: str
    last_updated: str
    activities: tuple[Row, ...] = ()
    steps: tuple[Row, ...] = ()
    warning: str = ""


@dataclass(frozen=True)
class AllocationRow:
    practitioner: str
    team: str
    started: str
    ended: str
    reason: str
    by: str


@dataclass(frozen=True)
class EventRow:
    date: str
    what: str
    detail: str
    done_by: str
    recorded_by: str
    notes: str


@dataclass(frozen=True)
class ClockRow:
    started: str
    due: str
    completed: str
    outcome: str
    colour: str


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    rule: str
    clocks: tuple[ClockRow, ...]
    empty: str


@dataclass(frozen=True)
class CasePage:
    case_id: int
    reference: str
    name: str
    team: str
    status: str
    is_open: bool
    summary: tuple[Row, ...]
    points: Points
    allocations: tuple[AllocationRow, ...]
    events: tuple[EventRow, ...]
    events_count: int
    events_pagination: dict[str, Any] | None
    indicators: tuple[IndicatorRow, ...]
    indicators_empty: str
    allocate_href: str | None
    allocate_text: str
    closed_text: str


def label_of(name: str | None, code: str) -> str:
    """A scheme name with its code when they differ ("Level 1 (standard) – level-1"), else the name; the
    code alone when the scheme does not know it."""
    if not name:
        return code
    return name if name.casefold() == code.casefold() else f"{name} – {code}"


def date_or(day: dt.date | None, empty: str = "Not set") -> str:
    return long_date(day) if day else empty


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{long_date(local.date())} at {local:%H:%M}"


def present_case_page(
    data: CasePageData,
    events_page: Any,
    *,
    pseudonymised: bool,
    can_edit: bool,
) -> CasePage:
    """The whole case page. `events_page`: a Django page of `selectors.case_events`; `can_edit`: the viewer
    may allocate (the case is already known to be in their scope)."""
    case = data.case
    is_open = case.status == CaseStatus.ACTIVE
    allocate_href, allocate_text = None, ""
    if can_edit and is_open:
        if case.practitioner_id is None:
            allocate_href, allocate_text = reverse("allocations:case", args=[case.pk]), "Allocate this case"
        else:
            allocate_href = reverse("allocations:reallocate", args=[case.pk])
            allocate_text = "Reallocate this case"
    indicators = tuple(_indicator_row(i) for i in data.indicators)
    return CasePage(
        case_id=case.pk,
        reference=case.reference,
        name=case.pseudonym if pseudonymised else case.name,
        team=case.team.name,
        status=case.get_status_display(),
        is_open=is_open,
        summary=_summary(data, pseudonymised),
        points=_points(data, pseudonymised),
        allocations=tuple(_allocation_row(a, pseudonymised) for a in reversed(data.allocations)),
        events=tuple(event_row(e, data.scheme, pseudonymised) for e in events_page.object_list),
        events_count=events_page.paginator.count,
        events_pagination=pagination(events_page, {}),
        indicators=indicators,
        indicators_empty=_indicators_empty(data),
        allocate_href=allocate_href,
        allocate_text=allocate_text,
        closed_text=""
        if is_open
        else f"This case was closed on {date_or(case.closed_date)}: nothing more can be recorded on it.",
    )


def _holder(data: CasePageData, pseudonymised: bool) -> Row:
    case = data.case
    if case.practitioner is None:
        waiting = case.status == CaseStatus.ACTIVE
        return Row("Held by", "Nobody: the case is waiting for allocation" if waiting else "Nobody")
    if pseudonymised:
        return Row("Held by", "Allocated")
    href = None
    if data.holder_membership is not None and data.holder_visible:
        href = reverse("organisations:practitioner", args=[data.holder_membership.pk])
    return Row("Held by", case.practitioner.full_name, href)


def _summary(data: CasePageData, pseudonymised: bool) -> tuple[Row, ...]:
    case, scheme = data.case, data.scheme
    category = scheme.categories_by_code.get(case.category) if scheme else None
    level = category.levels_by_code.get(case.level) if category and case.level else None
    flags = [CaseFlag(f).label if f in CaseFlag.values else f for f in case.flags or ()]
    rows = [
        Row("Service", case.get_service_display()),
        Row("Category", label_of(category.name if category else None, case.category)),
        Row(
            "Tier or level", label_of(level.name if level else None, case.level) if case.level else "Untiered"
        ),
        Row("Flags", ", ".join(flags) if flags else "None"),
        Row("Status", case.get_status_display()),
        Row("Received", long_date(case.received_date)),
        Row("Start", date_or(case.start_date)),
        Row("Expected end", date_or(case.expected_end_date)),
        Row("Expected release", date_or(case.expected_release_date)),
    ]
    if case.closed_date:
        rows.append(Row("Closed", long_date(case.closed_date)))
    rows += [Row("Team", case.team.name), _holder(data, pseudonymised)]
    return tuple(rows)


def _points(data: CasePageData, pseudonymised: bool) -> Points:
    case, workload = data.case, data.workload
    holder = "" if case.practitioner is None else (SOMEONE if pseudonymised else case.practitioner.full_name)
    if case.status != CaseStatus.ACTIVE:
        empty = "The case is closed, so it counts in nobody's workload."
    elif case.practitioner is None:
        empty = "Nobody holds the case yet, so it counts in nobody's workload."
    elif workload is None:
        empty = (
            "No workload figures are stored for the holder yet: their team has no workload scheme in force, "
            "or the figures have not been calculated."
        )
    elif not data.points:
        empty = "The holder's stored figures have no line for this case yet."
    else:
        empty = ""
    explanation = data.explanation
    return Points(
        lines=tuple(
            PointsLine(KIND_NAMES.get(i["kind"], i["kind"]), i["points"], i["rule"]) for i in data.points
        ),
        empty=empty,
        holder=holder,
        scheme=_scheme_text(workload),
        last_updated=_when(workload.calculated_at) if workload else "",
        activities=tuple(Row(a.label, f"{a.weekly_minutes} min a week") for a in explanation.activities)
        if explanation and data.points
        else (),
        steps=tuple(Row(s.label, str(s.value)) for s in explanation.steps)
        if explanation and data.points
        else (),
        warning=(explanation.warning or "") if explanation and data.points else "",
    )


def _scheme_text(workload: Workload | None) -> str:
    if workload is None:
        return ""
    version = workload.scheme_version
    return f"{version.scheme.name} {version.version}"


def _allocation_row(allocation: CaseAllocation, pseudonymised: bool) -> AllocationRow:
    return AllocationRow(
        practitioner=SOMEONE if pseudonymised else allocation.practitioner.full_name,
        team=allocation.team.name,
        started=long_date(timezone.localtime(allocation.started_at).date()),
        ended=long_date(timezone.localtime(allocation.ended_at).date()) if allocation.ended_at else "Now",
        reason=ReallocationReason(allocation.reason).label
        if allocation.reason in ReallocationReason.values
        else "",
        by=_person(allocation.allocated_by, pseudonymised, "Imported or by the system"),
    )


def _person(user: Any, pseudonymised: bool, nobody: str) -> str:
    if user is None:
        return nobody
    return "A user" if pseudonymised else str(user)


def event_row(event: CaseEvent, scheme: Scheme | None, pseudonymised: bool) -> EventRow:
    practitioner = event.practitioner
    return EventRow(
        date=long_date(event.occurred_on),
        what=event.get_kind_display(),
        detail=_event_detail(event, scheme),
        done_by="" if practitioner is None else (SOMEONE if pseudonymised else practitioner.full_name),
        recorded_by=_person(event.recorded_by, pseudonymised, "Imported or by the system"),
        notes=str((event.details or {}).get("notes", "")),
    )


def _event_detail(event: CaseEvent, scheme: Scheme | None) -> str:
    details = event.details or {}
    if event.report_type:
        return (
            ReportType(event.report_type).label
            if event.report_type in ReportType.values
            else event.report_type
        )
    if event.contact_type:
        contact = scheme.contact_types_by_code.get(event.contact_type) if scheme else None
        return f"{event.contact_type}: {contact.name}" if contact else event.contact_type
    if event.kind == EventKind.LEVEL_CHANGED:
        return f"{details.get('from') or 'untiered'} → {details.get('to') or 'untiered'}"
    if event.kind == EventKind.CATEGORY_CHANGED and isinstance(details.get("to"), dict):
        before, after = details.get("from") or {}, details["to"]
        return f"{_category_text(before)} → {_category_text(after)}"
    if event.kind == EventKind.FLAGS_CHANGED and isinstance(details.get("to"), dict):
        flags = details["to"].get("flags") or []
        return "Now: " + (
            ", ".join(CaseFlag(f).label if f in CaseFlag.values else f for f in flags) or "no flags"
        )
    if event.kind in (EventKind.ALLOCATED, EventKind.REALLOCATED):
        reason = details.get("reason") or ""
        return ReallocationReason(reason).label if reason in ReallocationReason.values else ""
    return ""


def _category_text(values: dict[str, Any]) -> str:
    return " ".join(str(values[k]) for k in ("category", "level") if values.get(k)) or "none"


def _indicator_row(found: IndicatorClocks) -> IndicatorRow:
    indicator = found.indicator
    basis = "working days" if indicator.day_basis == "working" else "days"
    return IndicatorRow(
        name=indicator.name or indicator.code,
        rule=f"Due {indicator.days} {basis} after it starts",
        clocks=tuple(clock_row(c) for c in reversed(found.clocks)),
        empty="No clock has started on this case yet." if not found.clocks else "",
    )


def clock_row(clock: Clock) -> ClockRow:
    outcome, colour = OUTCOMES[clock.outcome]
    return ClockRow(
        started=long_date(clock.started),
        due=long_date(clock.due),
        completed=long_date(clock.completed) if clock.completed else "Not yet",
        outcome=outcome,
        colour=colour,
    )


def _indicators_empty(data: CasePageData) -> str:
    if data.indicators:
        return ""
    if data.scheme is None:
        return "No workload scheme is in force for the case's team, so no timeliness indicators apply."
    if not data.scheme.performance.indicators:
        return "The workload scheme in force has no timeliness indicators."
    return "None of the scheme's timeliness indicators covers this case's category."


# -- the event form ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str
    text: str


def kind_choices(case: Case, scheme: Scheme | None, *, may_name_doer: bool) -> list[Choice]:
    """What the form offers: plain contacts and timeliness milestones always; reports when the scheme in
    force counts reports; support contacts when it has contact types, the case is held and the viewer may
    name who did the work."""
    kinds: list[str] = list(PLAIN_KINDS)
    if report_type_choices(scheme):
        kinds += REPORT_KINDS
    if scheme is not None and scheme.cms.contact_types and case.practitioner_id and may_name_doer:
        kinds.append(EventKind.CMS_CONTACT)
    return [Choice(k, EventKind(k).label) for k in kinds]


def report_type_choices(scheme: Scheme | None) -> list[Choice]:
    """The report types of the scheme in force that Caseload records (none without a scheme)."""
    if scheme is None:
        return []
    known = scheme.report_types_by_code
    return [Choice(value, label) for value, label in ReportType.choices if value in known]


def contact_type_choices(scheme: Scheme | None) -> list[Choice]:
    if scheme is None:
        return []
    return [Choice(c.code, f"{c.code}: {c.name}") for c in scheme.cms.contact_types]


def doer_choices(practitioners: Iterable[Any]) -> list[Choice]:
    return [Choice(str(p.pk), f"{p.full_name} ({p.staff_code})") for p in practitioners]


def recorded_message(event: CaseEvent, workloads: Sequence[Workload]) -> str:
    """The success banner: what was recorded, and which workloads were recalculated."""
    what = (
        f"{event.get_kind_display()} recorded on {event.case.reference} for {long_date(event.occurred_on)}."
    )
    if not workloads:
        return (
            f"{what} Workloads are up to date: the scheme in force gives this kind of event no points, so no "
            "figures changed."
        )
    figures = ", ".join(
        f"{w.membership.practitioner.full_name} now {one_dp(w.workload_percent)}%" for w in workloads
    )
    return f"{what} Workload recalculated: {figures}."
