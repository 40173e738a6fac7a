"""Presenters for the practitioner's workload page and the hours and reduction forms: plain dataclasses of
ready-to-show text, so templates do no arithmetic. Figures come as the engine stored them; the only
rounding is the engine's own display rounding (`one_dp`) of the workload %."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from caseload.core.charts import TrendChart, long_date, trend_chart
from caseload.core.models import AuditEntry
from caseload.domain.case_points import CaseExplanation
from caseload.domain.rounding import one_dp
from caseload.domain.scheme import RagBand
from caseload.organisations.models import Reduction, ReductionReason
from caseload.organisations.workload_page import WorkloadPageData

RAG_COLOURS = {"blue": "blue", "green": "green", "amber": "yellow", "red": "red"}
KIND_NAMES = {
    "case": "Case",
    "report": "Report",
    "cms": "Case management support",
    "non_case_time": "Non-case time",
    "extra_responsibility": "Extra responsibility",
}


def rag_colour(code: str) -> str:
    """The GOV.UK tag colour for a RAG band code (grey for a band this page does not know)."""
    return RAG_COLOURS.get(code, "grey")


def optional_reverse(name: str, query: dict[str, Any] | None = None) -> str | None:
    """A URL, or None while the page it names does not exist yet (another app still being built)."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def date_text(day: dt.date | None, empty: str = "No end date") -> str:
    return long_date(day) if day else empty


@dataclass(frozen=True)
class Row:
    """A label and its value (a summary-list row or a derivation step)."""

    label: str
    value: str


@dataclass(frozen=True)
class Figure:
    """A headline figure with the words that explain it."""

    label: str
    value: str
    help: str


@dataclass(frozen=True)
class CaseRow:
    reference: str
    category: str
    tier: str
    points: str
    rule: str
    flag_href: str | None
    activities: tuple[Row, ...] = ()
    steps: tuple[Row, ...] = ()
    warning: str = ""
    href: str | None = None  # the case page


@dataclass(frozen=True)
class ItemRow:
    kind: str
    reference: str
    points: str
    rule: str
    flag_href: str | None


@dataclass(frozen=True)
class ReductionRow:
    reason: str
    hours: str
    starts: str
    ends: str
    status: str
    flag_href: str | None
    edit_href: str | None = None
    delete_href: str | None = None
    # Raw values, for sorting and downloads.
    hours_value: Decimal | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


@dataclass(frozen=True)
class DueRow:
    reference: str
    what: str
    date: str
    in_days: str
    day: dt.date | None = None  # the date itself, for downloads


@dataclass(frozen=True)
class WorkloadPage:
    membership_id: int
    name: str
    team: str
    has_workload: bool
    headline: tuple[Figure, ...]
    rag_text: str
    rag_colour: str
    last_updated: str
    scheme: str
    warnings: tuple[str, ...]
    available_time: tuple[Row, ...]
    cases: tuple[CaseRow, ...]
    cms_in: tuple[ItemRow, ...]
    cms_out: tuple[ItemRow, ...]
    reports: tuple[ItemRow, ...]
    other_items: tuple[ItemRow, ...]
    reductions: tuple[ReductionRow, ...]
    due_soon: tuple[DueRow, ...]
    chart: TrendChart
    concern_href: str | None
    edit_hours_href: str | None
    add_reduction_href: str | None
    other_memberships: tuple[Row, ...] = field(default=())
    help: tuple[tuple[str, str], ...] = field(default=())  # (figure, what it means), in the order shown


def flag_link(membership_id: int, kind: str, reference: str) -> str | None:
    return optional_reverse(
        "wellbeing:flag-item", {"membership": membership_id, "item": f"{kind}:{reference}"}
    )


def present_workload_page(data: WorkloadPageData, *, can_edit: bool) -> WorkloadPage:
    """The whole page for one membership. `can_edit`: the viewer may change hours and reductions."""
    m, workload = data.membership, data.workload
    items: list[dict[str, str]] = workload.breakdown.get("items", []) if workload else []
    by_kind: dict[str, list[dict[str, str]]] = {}
    for item in items:
        by_kind.setdefault(item["kind"], []).append(item)
    cms = [_item(m.pk, i) for i in by_kind.get("cms", [])]
    others = [
        _item(m.pk, i) for kind in ("non_case_time", "extra_responsibility") for i in by_kind.get(kind, [])
    ]
    return WorkloadPage(
        membership_id=m.pk,
        name=m.practitioner.full_name,
        team=m.team.name,
        has_workload=workload is not None,
        headline=(headline := _headline(data)),
        help=tuple((figure.label, figure.help) for figure in headline),
        rag_text=workload.rag_name if workload else "",
        rag_colour=rag_colour(workload.rag) if workload else "grey",
        last_updated=_when(workload.calculated_at) if workload else "",
        scheme=f"{workload.scheme_version.scheme.name} {workload.scheme_version.version}" if workload else "",
        warnings=tuple(workload.breakdown.get("warnings", [])) if workload else (),
        available_time=tuple(
            Row(step["step"], step["value"])
            for step in (workload.breakdown.get("available_time", []) if workload else [])
        ),
        cases=tuple(_case_row(m.pk, item, data) for item in by_kind.get("case", [])),
        cms_in=tuple(row for row in cms if not row.points.startswith("-")),
        cms_out=tuple(row for row in cms if row.points.startswith("-")),
        reports=tuple(_item(m.pk, i) for i in by_kind.get("report", [])),
        other_items=tuple(others),
        reductions=tuple(_reduction_row(r, data.on, can_edit) for r in data.reductions),
        due_soon=tuple(_due_rows(data)),
        chart=trend_chart(
            [(s.on, s.workload_percent) for s in data.snapshots],
            title="Workload % over the last six months",
            bands=_chart_bands(data.rag_bands),
        ),
        concern_href=optional_reverse("wellbeing:raise-concern", {"membership": m.pk}),
        edit_hours_href=reverse("organisations:edit-hours", args=[m.pk]) if can_edit else None,
        add_reduction_href=reverse("organisations:add-reduction", args=[m.pk]) if can_edit else None,
        other_memberships=tuple(
            Row(o.team.name, reverse("organisations:practitioner", args=[o.pk]))
            for o in data.other_memberships
        ),
    )


def _when(moment: dt.datetime) -> str:
    from django.utils import timezone

    local = timezone.localtime(moment)
    return f"{long_date(local.date())} at {local:%H:%M}"


CONTRACTED_HOURS_HELP = (
    "The weekly hours in the contract for this team. A manager of the team can change them; the change is "
    "recorded in the history."
)


def _headline(data: WorkloadPageData) -> tuple[Figure, ...]:
    w = data.workload
    if w is None:
        return (
            Figure(
                "Contracted hours", f"{data.membership.contracted_hours} hours a week", CONTRACTED_HOURS_HELP
            ),
        )
    unit = f" ({data.points_unit})" if data.points_unit else ""
    return (
        Figure(
            "Workload",
            f"{one_dp(w.workload_percent)}%",
            "Total points ÷ available points × 100. Under 100% there is time left for more work; over 100% "
            f"there is more work than time. The band ({w.rag_name}) comes from the scheme's thresholds.",
        ),
        Figure(
            "Total points",
            str(w.total_points),
            f"The points{unit} of every open case, report, case-management support and other work listed "
            "below, from the scheme in force. Each row shows its points and the rule that gave them.",
        ),
        Figure(
            "Available points",
            str(w.available_points),
            "The points there is time for: the scheme's full-time figure for the grade, scaled by contracted "
            "hours less reductions. Every step is under Available time.",
        ),
        Figure(
            "Remaining points",
            str(w.breakdown.get("remaining_points", "")),
            "Available points less total points. Negative when there is more work than time.",
        ),
        Figure(
            "Open cases",
            str(w.case_count),
            "Open cases held in this team and counted in the workload (each is in the Cases table).",
        ),
        Figure("Contracted hours", f"{w.contracted_hours} hours a week", CONTRACTED_HOURS_HELP),
        Figure(
            "Reductions",
            f"{w.reduction_hours} hours a week",
            "Hours a week taken off available time today (training, union duties, protected time…). Each "
            "reduction, with its start and end dates, is under Reductions.",
        ),
    )


def _item(membership_id: int, item: dict[str, str]) -> ItemRow:
    return ItemRow(
        kind=KIND_NAMES.get(item["kind"], item["kind"]),
        reference=item["reference"],
        points=item["points"],
        rule=item["rule"],
        flag_href=flag_link(membership_id, item["kind"], item["reference"]),
    )


def _case_row(membership_id: int, item: dict[str, str], data: WorkloadPageData) -> CaseRow:
    case = data.cases.get(item["reference"])
    explanation: CaseExplanation | None = data.explanations.get(item["reference"])
    return CaseRow(
        reference=item["reference"],
        category=case.category if case else "",
        tier=(case.level or "Untiered") if case else "",
        points=item["points"],
        rule=item["rule"],
        flag_href=flag_link(membership_id, "case", item["reference"]),
        activities=tuple(Row(a.label, f"{a.weekly_minutes} min a week") for a in explanation.activities)
        if explanation
        else (),
        steps=tuple(Row(s.label, str(s.value)) for s in explanation.steps) if explanation else (),
        warning=(explanation.warning or "") if explanation else "",
        href=reverse("cases:case", args=[case.pk]) if case else None,
    )


def _reduction_row(reduction: Reduction, on: dt.date, can_edit: bool) -> ReductionRow:
    return ReductionRow(
        reason=reduction.reason.name,
        hours=f"{reduction.hours} hours a week",
        starts=long_date(reduction.effective_from),
        ends=date_text(reduction.effective_to),
        status=reduction.status_on(on).label,
        flag_href=flag_link(reduction.membership_id, "reduction", str(reduction.pk)),
        edit_href=reverse("organisations:edit-reduction", args=[reduction.pk]) if can_edit else None,
        delete_href=reverse("organisations:delete-reduction", args=[reduction.pk]) if can_edit else None,
        hours_value=reduction.hours,
        starts_on=reduction.effective_from,
        ends_on=reduction.effective_to,
    )


def _due_rows(data: WorkloadPageData) -> Iterable[DueRow]:
    soon = data.on + dt.timedelta(days=28)
    for case in data.due_soon:
        for what, day in (
            ("Expected end", case.expected_end_date),
            ("Expected release", case.expected_release_date),
        ):
            if day is not None and data.on <= day <= soon:
                days = (day - data.on).days
                in_days = "Today" if days == 0 else f"In {days} day{'s' if days != 1 else ''}"
                yield DueRow(case.reference, what, long_date(day), in_days, day)


def _chart_bands(bands: Sequence[RagBand]) -> list[tuple[Decimal, str]]:
    """A line where each RAG band ends (the last band has no end)."""
    lines = []
    for band in bands:
        limit = band.below if band.below is not None else band.up_to
        if limit is not None:
            lines.append((limit, f"{limit}%"))
    return lines


# -- hours and reductions forms -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonOption:
    value: str
    text: str
    hint: str


def reason_options(reasons: Iterable[ReductionReason], rules: Any) -> list[ReasonOption]:
    """Select options for reduction reasons, each saying its default and maximum % and how long it lasts.
    `rules(reason)` gives the reason's rules for the membership's scheme (see `services.reason_rules`)."""
    options = []
    for reason in reasons:
        r = rules(reason)
        parts = []
        if r.default_percent is not None:
            parts.append(f"fixed at {r.default_percent}% of hours")
        if r.max_percent is not None:
            parts.append(f"up to {r.max_percent}%")
        if r.months_to_expiry:
            parts.append(f"ends after {r.months_to_expiry} month{'s' if r.months_to_expiry != 1 else ''}")
        hint = "; ".join(parts)
        options.append(ReasonOption(str(reason.pk), f"{reason.name} ({hint})" if hint else reason.name, hint))
    return options


@dataclass(frozen=True)
class HistoryRow:
    when: str
    who: str
    what: str
    changes: str


FIELD_NAMES = {
    "contracted_hours": "Contracted hours",
    "hours": "Hours",
    "reason": "Reason",
    "effective_from": "Start date",
    "effective_to": "End date",
    "is_deleted": "Deleted",
    "notes": "Notes",
}
HIDDEN_FIELDS = {"id", "membership", "created_by"}


def history_rows(entries: Iterable[AuditEntry], reason_names: dict[str, str]) -> list[HistoryRow]:
    """Audit entries for a membership's hours and reductions, newest first, in words."""
    rows = []
    for entry in entries:
        changes = []
        for name, (before, after) in entry.changed_fields().items():
            if name in HIDDEN_FIELDS:
                continue
            if name == "reason":
                before, after = reason_names.get(str(before), before), reason_names.get(str(after), after)
            label = FIELD_NAMES.get(name, name.replace("_", " ").capitalize())
            before_text = "none" if before in (None, "") else before
            after_text = "none" if after in (None, "") else after
            if entry.action == AuditEntry.Action.CREATE:
                changes.append(f"{label}: {after_text}")
            else:
                changes.append(f"{label}: {before_text} → {after_text}")
        rows.append(
            HistoryRow(
                when=_when(entry.at),
                who=str(entry.actor) if entry.actor else "System",
                what=f"{entry.get_action_display()} {entry.object_repr}",
                changes="; ".join(changes) or (entry.note or "No change recorded"),
            )
        )
    return rows
