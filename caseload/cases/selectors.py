"""Reads behind the case page: the holder's stored points for the case with the engine's explanation, the
allocation history, the events newest first, the timeliness clocks, and the choices of the event form.

Every function takes a case the caller found through `request.scope.cases`, or one of the scope's querysets,
so nothing here widens what the user may reach. No points arithmetic happens here: the stored breakdown and
`explain_case` say it all, and the clocks are `caseload.domain.performance.clocks` on the same facts and
bank holidays the performance report uses (`caseload.reports.selectors.facts_of`, `reports.bank_holidays`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from caseload.cases.models import Case, CaseAllocation, CaseEvent
from caseload.domain.case_points import CaseExplanation, explain_case
from caseload.domain.performance import MAX_DAYS, Clock, clocks
from caseload.domain.scheme import Indicator, Scheme
from caseload.organisations.models import TeamMembership
from caseload.reports.bank_holidays import bank_holidays
from caseload.reports.selectors import facts_of
from caseload.schemes.selectors import version_for_unit
from caseload.schemes.services import domain_scheme
from caseload.workloads.affected import memberships_of
from caseload.workloads.inputs import case_input
from caseload.workloads.models import Workload
from caseload.workloads.services import shown_workload


@dataclass(frozen=True)
class IndicatorClocks:
    indicator: Indicator
    clocks: tuple[Clock, ...]


@dataclass(frozen=True)
class CasePageData:
    case: Case
    on: dt.date
    scheme: Scheme | None  # in force for the case's team today
    holder_membership: TeamMembership | None  # the membership the case's points count in
    holder_visible: bool  # the viewer may open that membership's workload page
    workload: Workload | None  # the holder membership's stored figures
    points: tuple[dict[str, str], ...]  # the holder's breakdown lines for this case (`with_case_lines`)
    explanation: CaseExplanation | None
    allocations: tuple[CaseAllocation, ...]  # oldest first
    indicators: tuple[IndicatorClocks, ...]  # the scheme's indicators that cover the case's category


def scheme_for(case: Case, on: dt.date) -> Scheme | None:
    """The points engine's scheme in force for the case's team, if any."""
    version = version_for_unit(case.team, on)
    return domain_scheme(version) if version is not None else None


def holder_membership(case: Case, on: dt.date) -> TeamMembership | None:
    """The holder's membership the case counts in: the one in the case's team, else their first current one
    (the mapping the scoring edge uses, caseload.workloads.affected.memberships_of)."""
    if case.practitioner_id is None:
        return None
    found = memberships_of([(case.practitioner_id, case.team_id)], on)
    if not found:
        return None
    return TeamMembership.objects.select_related("practitioner", "team").filter(pk=found[0]).first()


def case_page_data(case: Case, memberships: Any, on: dt.date) -> CasePageData:
    """Everything the case page shows but the events. `memberships`: the request scope's memberships (to
    know whether the viewer may open the holder's workload page)."""
    scheme = scheme_for(case, on)
    membership = holder_membership(case, on)
    workload = shown_workload(membership.pk) if membership is not None else None  # with its case lines
    points: tuple[dict[str, str], ...] = ()
    explanation = None
    if workload is not None:
        items = workload.breakdown.get("items", [])
        points = tuple(item for item in items if item.get("reference") == case.reference)
        explanation = explain_case(domain_scheme(workload.scheme_version), case_input(case), on)
    return CasePageData(
        case=case,
        on=on,
        scheme=scheme,
        holder_membership=membership,
        holder_visible=membership is not None and memberships.filter(pk=membership.pk).exists(),
        workload=workload,
        points=points,
        explanation=explanation,
        allocations=tuple(
            CaseAllocation.objects.filter(case=case)
            .select_related("practitioner", "team", "allocated_by")
            .order_by("started_at", "pk")
        ),
        indicators=case_clocks(case, scheme, on),
    )


def case_clocks(case: Case, scheme: Scheme | None, on: dt.date) -> tuple[IndicatorClocks, ...]:
    """The clocks of every indicator of the scheme that covers the case's category, as of `on`."""
    if scheme is None:
        return ()
    indicators = [
        i for i in scheme.performance.indicators if not i.categories or case.category in i.categories
    ]
    if not indicators:
        return ()
    kinds = {kind for i in indicators for kind in (i.starts, *i.completed_by)}
    events = case.events.filter(kind__in=kinds).only("case_id", "kind", "occurred_on", "contact_type")
    facts = facts_of(case, events)
    # Working days skip the bank holidays of CASELOAD_BANK_HOLIDAYS, as in the performance report. Clocks
    # start no earlier than the case's dates or events and are due at most MAX_DAYS after the last start.
    earliest = min(
        [case.received_date, *([case.start_date] if case.start_date else []), *(e.on for e in facts.events)]
    )
    holidays = bank_holidays(earliest, on + dt.timedelta(days=2 * MAX_DAYS))
    listed = sorted(indicators, key=lambda i: (i.name, i.code))  # jsonb keeps no key order
    return tuple(IndicatorClocks(i, tuple(clocks(i, facts, on, holidays))) for i in listed)


def case_events(case: Case) -> Any:
    """The case's events, newest first, with who recorded them and who did the work."""
    return (
        CaseEvent.objects.filter(case=case)
        .select_related("recorded_by", "practitioner")
        .order_by("-occurred_on", "-recorded_at", "-pk")
    )


def doers(case: Case, memberships: Any, on: dt.date) -> Any:
    """Practitioners the viewer may name as having done work on the case: current members of its team
    among the scope's memberships."""
    from caseload.organisations.models import Practitioner

    ids = memberships.current(on).filter(team_id=case.team_id).values("practitioner_id")
    return Practitioner.objects.filter(pk__in=ids).order_by("last_name", "first_name", "staff_code")
