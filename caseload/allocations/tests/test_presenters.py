"""Presenters hand templates ready values (no HTTP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from caseload.allocations.presenters import percent, present_candidates, present_register_row
from caseload.allocations.selectors import candidates_for, register
from caseload.allocations.tests.helpers import loaded_officer, waiting_case
from caseload.cases.models import Case
from caseload.organisations.tests.factories import ReductionFactory

ON = dt.date(2026, 3, 16)


@pytest.fixture
def team(legacy, frozen_now):
    return legacy.team


def test_a_register_line(team):
    waiting_case(
        team, reference="R-1", flags=["high_risk", "interpreter"], received_date=dt.date(2026, 3, 15)
    )
    [row] = register(Case.objects.all(), ON)
    line = present_register_row(row)
    assert (line.reference, line.days_waiting, line.received) == ("R-1", "1 day", "15 Mar 2026")
    assert line.flags == "High risk of serious harm, Interpreter needed"
    assert (line.priority, line.priority_class) == ("High", "govuk-tag--red")
    assert line.first_due == "20 Mar 2026" and line.release == "–" and not line.overdue


def test_candidate_lines(team):
    officer = loaded_officer(team, 2, first_name="Lee", last_name="Low")
    ReductionFactory(membership=officer, hours=Decimal("3.70"), effective_to=dt.date(2026, 4, 30))
    pso = loaded_officer(team, grade="PSO")
    shown = present_candidates(candidates_for(waiting_case(team, level="A3"), [officer, pso], ON))
    [line] = shown.eligible
    assert line.recommended and shown.recommended == line and line.position == 1
    assert line.tier_mix == "A3 × 2" and line.recent == "0"
    assert line.reductions.endswith("(3.70 h, until 30 Apr 2026)") and line.next_change == "1 May 2026"
    assert line.label.startswith("Lee Low (PO, North Team A) – ") and line.label.endswith("% after")
    assert line.guardrail == "" and line.ending == "0 ending, 0 releases"
    assert shown.choices == [(officer.pk, line.label)]
    [ineligible] = shown.ineligible
    assert not ineligible.eligible and ineligible.position is None and ineligible.reasons


def test_percent_is_to_one_place():
    assert percent(Decimal("18.9338")) == "18.9%" and percent(Decimal("110.05")) == "110.1%"


def test_the_escalation_command_reports_what_it_did(team, area_manager, capsys):
    waiting_case(team, reference="LATE", received_date=dt.date(2026, 3, 1))
    call_command("escalate_waiting_cases")
    out = capsys.readouterr().out
    assert "LATE: waiting 15 days, told area-manager" in out and "1 case(s) escalated." in out


def _request(pk, *, holder=None, status="pending", requested_by_id=1):
    """An unsaved request to allocate an unallocated case (or one `holder` now holds) to Bo Busy."""
    from caseload.allocations.models import ApprovalRequest
    from caseload.core.models import User
    from caseload.organisations.models import OrgUnit, Practitioner, TeamMembership

    bo = Practitioner(first_name="Bo", last_name="Busy")
    case = Case(reference=f"A-{pk}", status="active", practitioner=holder)
    request = ApprovalRequest(
        pk=pk,
        case=case,
        kind="allocate",
        membership=TeamMembership(practitioner=bo, team=OrgUnit(name="North Team A")),
        status=status,
        requested_at=dt.datetime(2026, 3, 16, 10, tzinfo=dt.UTC),
        workload_before=Decimal("113.6"),
        workload_after=Decimal("123.1"),
        requested_by=User(pk=requested_by_id, first_name="Tom", last_name=f"Manager{requested_by_id}"),
    )
    return request


def test_the_approvals_page_puts_what_the_viewer_may_act_on_first():
    from caseload.allocations.presenters import present_approvals
    from caseload.organisations.models import Practitioner

    ann = Practitioner(pk=5, first_name="Ann", last_name="Ant")
    mine, theirs, overtaken = _request(1, requested_by_id=7), _request(2), _request(3, holder=ann)
    page = present_approvals(
        [mine, theirs, overtaken],
        [],
        may_decide=lambda r: r.requested_by_id != 7,  # the viewer is user 7, an area manager
        may_withdraw=lambda r: True,
    )
    assert [line.reference for line in page.for_you] == ["A-2", "A-3"]
    assert [line.reference for line in page.for_others] == ["A-1"]
    decide, withdraw = page.for_you
    assert (decide.may_decide, decide.may_withdraw, decide.moved_on) == (True, False, "")
    assert (withdraw.may_decide, withdraw.may_withdraw) == (False, True)  # overtaken: withdraw only
    assert withdraw.moved_on == "Case A-3 has since been allocated to Ann Ant."
    assert (decide.after, decide.requested_by, decide.approver) == ("123.1%", "Tom Manager1", "–")
