"""The monthly report's figures for the chosen month, value by value, on the page and in the workbook: a past
month (February 2026) reads as it stood then, the current one (March, to the 16th) as it stands today.

The measured North Area (conftest.py) is snapshotted on 27 February; after that one officer takes two more
cases and new cases arrive, so today's workload differs from February's. Well-being and supervision
records are dated across January, February and March so that each count differs between the two months."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from caseload.cases.models import EventKind
from caseload.cases.tests.factories import CaseEventFactory, CaseFactory
from caseload.core.tests.factories import UserFactory
from caseload.organisations.models import OrgUnit
from caseload.reports.monthly import monthly_report
from caseload.reports.tests.conftest import give_cases
from caseload.supervision.models import Agreement, SupervisionRecord
from caseload.wellbeing.models import (
    ActionPlan,
    AlertSource,
    AlertStatus,
    CaseloadConcern,
    ConcernStatus,
    EscalationStep,
    WellbeingAlert,
)
from caseload.workloads.services import recalculate, take_snapshots
from caseload.workloads.tests.fixtures import officer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)
LONDON = ZoneInfo("Europe/London")


def _alert(membership, opened: dt.date, *, closed: dt.date | None = None, plan_due: dt.date, **fields):  # type: ignore[no-untyped-def]
    return WellbeingAlert.objects.create(
        membership=membership,
        source=fields.pop("source", AlertSource.OVERLOAD),
        rule_description="Over 110% for 4 consecutive weeks",
        opened_on=opened,
        action_plan_due=plan_due,
        status=AlertStatus.RESOLVED if closed else fields.pop("status", AlertStatus.OPEN),
        closed_on=closed,
    )


def _step(alert: WellbeingAlert, level: int, on: dt.date) -> None:
    EscalationStep.objects.create(
        alert=alert,
        level=level,
        step_name="Team" if level == 0 else "Area",
        unit=alert.membership.team if level == 0 else alert.membership.team.parent,
        on=on,
        at=dt.datetime.combine(on, dt.time(9), tzinfo=LONDON),
        reason="Alert opened" if level == 0 else "No action plan",
    )


def _concern(membership, raised: dt.datetime, responded: dt.datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    CaseloadConcern.objects.create(
        membership=membership,
        raised_by=UserFactory(practitioner=membership.practitioner),
        text="Too many new cases",
        raised_at=raised,
        status=ConcernStatus.RESPONDED if responded else ConcernStatus.OPEN,
        responded_at=responded,
    )


def _session(membership, held: dt.date, extra: str | None = None) -> None:  # type: ignore[no-untyped-def]
    SupervisionRecord.objects.create(
        membership=membership,
        held_on=held,
        duration_minutes=60,
        extra_hours=Decimal(extra) if extra else None,
    )


def _agreement(membership, agreed: dt.date, review: dt.date, ended: dt.date | None = None) -> None:  # type: ignore[no-untyped-def]
    Agreement.objects.create(
        membership=membership,
        agreed_on=agreed,
        expected_min_percent=Decimal(85),
        expected_max_percent=Decimal(100),
        review_date=review,
        ended_on=ended,
    )


def _timed_case(membership, start: dt.date, *appointments: dt.date) -> None:  # type: ignore[no-untyped-def]
    """A community A3 case sentenced (and received) on `start`: first appointment due within 5 days."""
    case = CaseFactory(
        team=membership.team,
        practitioner=membership.practitioner,
        category="community",
        level="A3",
        start_date=start,
        received_date=start,
    )
    for day in appointments:
        CaseEventFactory(case=case, kind=EventKind.APPOINTMENT, occurred_on=day)


@pytest.fixture
def history(measured, area_manager):  # type: ignore[no-untyped-def]
    m = measured
    take_snapshots(dt.date(2026, 2, 27))  # 47.3%, 94.7%, 113.6% in team A; 113.6% in team B
    # since then: Lee (a_light) took two more cases on 3 March, and three timed cases came in
    give_cases(m.a_light, 2, received_date=dt.date(2026, 3, 3))
    _timed_case(m.a_full, dt.date(2026, 2, 2), dt.date(2026, 2, 4))  # due 7 Feb: on time
    _timed_case(m.a_over, dt.date(2026, 2, 9))  # due 14 Feb, never seen: overdue
    _timed_case(m.a_full, dt.date(2026, 3, 2), dt.date(2026, 3, 5))  # due 7 March: on time
    recalculate([m.a_light, m.a_full, m.a_over, m.b_over])

    # well-being alerts
    _alert(m.a_light, dt.date(2026, 1, 10), closed=dt.date(2026, 1, 20), plan_due=dt.date(2026, 1, 20))
    resolved_in_feb = _alert(
        m.b_over, dt.date(2026, 1, 20), closed=dt.date(2026, 2, 10), plan_due=dt.date(2026, 1, 30)
    )
    ActionPlan.objects.create(
        alert=resolved_in_feb,
        actions="Two cases moved",
        owner=area_manager,
        review_date=dt.date(2026, 2, 20),
        recorded_on=dt.date(2026, 1, 25),
        recorded_at=dt.datetime(2026, 1, 25, 12, tzinfo=LONDON),
    )
    escalated = _alert(
        m.a_over, dt.date(2026, 2, 2), closed=dt.date(2026, 3, 3), plan_due=dt.date(2026, 2, 12)
    )
    _step(escalated, 0, dt.date(2026, 2, 2))
    _step(escalated, 1, dt.date(2026, 2, 13))  # no plan by the due date: up to the area
    concern = _alert(m.a_full, dt.date(2026, 3, 5), plan_due=dt.date(2026, 3, 20), source=AlertSource.CONCERN)
    _step(concern, 0, dt.date(2026, 3, 5))
    _alert(m.b_over, dt.date(2026, 3, 9), plan_due=dt.date(2026, 3, 19), source=AlertSource.CONCERN)
    south = officer(m.org.other_team)  # outside North Area: never counted
    _alert(south, dt.date(2026, 2, 3), plan_due=dt.date(2026, 2, 5))

    # caseload concerns
    _concern(m.a_light, dt.datetime(2026, 2, 3, 10, tzinfo=LONDON), dt.datetime(2026, 2, 4, 9, tzinfo=LONDON))
    _concern(
        m.b_over, dt.datetime(2026, 2, 20, 15, tzinfo=LONDON), dt.datetime(2026, 3, 2, 10, tzinfo=LONDON)
    )
    _concern(m.a_over, dt.datetime(2026, 2, 28, 23, 30, tzinfo=LONDON))  # late on the last day of February
    _concern(m.a_full, dt.datetime(2026, 3, 5, 9, tzinfo=LONDON))
    _concern(south, dt.datetime(2026, 2, 10, 9, tzinfo=LONDON))

    # supervision (everyone is on the standard monthly schedule: next due 31 days after the last session)
    _session(m.a_over, dt.date(2026, 1, 10))
    _session(m.a_full, dt.date(2026, 2, 10), "1.25")
    _session(m.a_light, dt.date(2026, 2, 20), "2.5")
    _session(m.b_over, dt.date(2026, 3, 2))
    _session(m.a_full, dt.date(2026, 3, 10), "3")
    _session(m.a_light, dt.date(2026, 3, 12), "0.5")
    _session(south, dt.date(2026, 2, 11), "9")
    _agreement(m.a_light, dt.date(2026, 1, 1), dt.date(2026, 2, 1), ended=dt.date(2026, 2, 15))
    _agreement(m.a_light, dt.date(2026, 2, 15), dt.date(2026, 5, 15))
    _agreement(m.a_full, dt.date(2026, 2, 1), dt.date(2026, 3, 10))
    _agreement(m.b_over, dt.date(2026, 3, 1), dt.date(2026, 3, 25))
    return m


FEBRUARY_WELLBEING = {
    "Alerts open at any time in the month": 2,  # the one escalated, the one resolved on 10 February
    "Alerts opened in the month": 1,
    "Alerts escalated in the month": 1,
    "Alerts resolved in the month": 1,
    "Alerts still open on 28 February 2026": 1,
    "Alerts with an action plan overdue on 28 February 2026": 1,
    "Caseload concerns raised in the month": 3,  # 3, 20 and 28 February (23:30)
    "Caseload concerns unanswered on 28 February 2026": 2,  # 20 February (answered 2 March), 28 February
}
FEBRUARY_SUPERVISION = {
    "People with supervision expected on 28 February 2026": 4,
    "People whose supervision was up to date on 28 February 2026": 2,  # supervised 10 and 20 February
    "Agreed caseloads due for review within 14 days of 28 February 2026": 1,  # review 10 March
    "Supervision sessions held in the month": 2,
    "Extra hours reported in those sessions": Decimal("3.75"),
}
MARCH_WELLBEING = {
    "Alerts open at any time in the month": 3,  # escalated one until 3 March, two concern alerts
    "Alerts opened in the month": 2,
    "Alerts escalated in the month": 0,
    "Alerts resolved in the month": 1,
    "Alerts still open on 16 March 2026": 2,
    "Alerts with an action plan overdue on 16 March 2026": 0,  # due 19 and 20 March
    "Caseload concerns raised in the month": 1,
    "Caseload concerns unanswered on 16 March 2026": 2,  # 28 February and 5 March
}
MARCH_SUPERVISION = {
    "People with supervision expected on 16 March 2026": 4,
    "People whose supervision was up to date on 16 March 2026": 3,  # all but the one last seen 10 January
    "Agreed caseloads due for review within 14 days of 16 March 2026": 2,  # 10 and 25 March
    "Supervision sessions held in the month": 3,
    "Extra hours reported in those sessions": Decimal("3.50"),
}


def _tables(html: str) -> dict[str, list[list[str]]]:
    """Each table on the page by caption: its rows as lists of cell texts (the header row first)."""
    found = {}
    for caption, body in re.findall(r"<caption[^>]*>(.*?)</caption>(.*?)</table>", html, re.S):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
        found[caption.strip()] = rows
    return found


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _shown(values: dict[str, Any]) -> dict[str, str]:
    return {k: f"{v:,}" for k, v in values.items()}


def _sheet(book: Any, name: str) -> dict[str, list[Any]]:
    """A workbook sheet's rows keyed by their first cell."""
    return {row[0]: list(row[1:]) for row in book[name].iter_rows(values_only=True) if row[0]}


def _get(client, area, year: int, month: int, **params: str):  # type: ignore[no-untyped-def]
    return client.get(reverse("reports:monthly", args=[area.pk, year, month]), params)


@pytest.fixture
def signed_in(client, area_manager):  # type: ignore[no-untyped-def]
    client.force_login(area_manager)
    return client


def test_a_past_month_shows_its_own_wellbeing_and_supervision(signed_in, history) -> None:
    html = _get(signed_in, history.org.area, 2026, 2).content.decode()
    tables = _tables(html)
    wellbeing = tables["Well-being alerts and concerns in North Area"]
    assert wellbeing[0] == ["Measure", "Count"]
    assert dict(wellbeing[1:]) == _shown(FEBRUARY_WELLBEING)
    assert dict(tables["Supervision in North Area"][1:]) == _shown(FEBRUARY_SUPERVISION)
    assert "The month as it stood on its last day, 28 February 2026." in _text(html)


def test_the_current_month_shows_the_month_so_far(signed_in, history) -> None:
    html = _get(signed_in, history.org.area, 2026, 3).content.decode()
    tables = _tables(html)
    assert dict(tables["Well-being alerts and concerns in North Area"][1:]) == _shown(MARCH_WELLBEING)
    assert dict(tables["Supervision in North Area"][1:]) == _shown(MARCH_SUPERVISION)
    assert "The month so far, to 16 March 2026." in _text(html)


def test_a_team_report_counts_only_that_team(history) -> None:
    team_b = history.org.team_b
    report = monthly_report(team_b, OrgUnit.objects.within(team_b), 2026, 2, TODAY)
    w = report.wellbeing
    assert w is not None
    # team B in February: the alert resolved on the 10th, the concern of the 20th, one person, not supervised
    assert (w.alerts_open_in_month, w.alerts_resolved, w.alerts_opened, w.alerts_escalated) == (1, 1, 0, 0)
    assert (w.concerns_raised, w.concerns_unanswered_at_end) == (1, 1)
    assert (w.people, w.supervision_compliant, w.sessions_held, w.extra_hours) == (1, 0, 0, Decimal(0))


def test_performance_sits_beside_the_months_own_workload(signed_in, history) -> None:
    february = _get(signed_in, history.org.area, 2026, 2).content.decode()
    rows = _tables(february)["Timeliness of work due in the month in North Area"]
    assert rows[0][:2] == ["Unit", "Workload %"]
    by_unit = {row[0]: row for row in rows[1:]}
    first_appointment = rows[0].index("First appointment within 5 days of sentence")
    # February's snapshot: area 8034 ÷ 8704 = 92.3%, team A 5562 ÷ 6528 = 85.2%, team B 2472 ÷ 2176 = 113.6%
    assert [by_unit[u][1] for u in ("North Area", "North Team A", "North Team B")] == [
        "92.3",
        "85.2",
        "113.6",
    ]
    assert by_unit["North Area"][first_appointment] == "50.0% on time (1 of 2 due; 1 overdue)"
    assert by_unit["North Team B"][first_appointment] == "Nothing due"
    note = "Workload % beside it is from the daily snapshot of 27 February 2026."
    assert (
        "Work falling due from 1 February 2026 to 28 February 2026, as it stood on 28 February 2026."
        in _text(february)
    )
    assert note in _text(february)

    march = _get(signed_in, history.org.area, 2026, 3).content.decode()
    by_unit = {row[0]: row for row in _tables(march)["Timeliness of work due in the month in North Area"][1:]}
    # today: team A 7, 12 and 13 cases = 6592 ÷ 6528 = 101.0%; the area (6592 + 2472) ÷ 8704 = 104.1%
    assert [by_unit[u][1] for u in ("North Area", "North Team A", "North Team B")] == [
        "104.1",
        "101.0",
        "113.6",
    ]
    assert by_unit["North Area"][first_appointment] == "100.0% on time (1 of 1 due)"
    assert "Workload % beside it is the current figure: no snapshot yet this month." in _text(march)


def test_the_workbook_carries_the_same_values(signed_in, history) -> None:
    response = _get(signed_in, history.org.area, 2026, 2, format="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    wellbeing = _sheet(book, "Well-being")
    for label, value in {**FEBRUARY_WELLBEING, **FEBRUARY_SUPERVISION}.items():
        assert wellbeing[label][0] == value, label
    performance = _sheet(book, "Performance")
    headers = performance["Unit"]
    first_appointment = headers.index("First appointment within 5 days of sentence")
    assert performance["North Area"][0] == pytest.approx(92.3)
    assert performance["North Team A"][0] == pytest.approx(85.2)
    assert performance["North Area"][first_appointment] == "50.0% on time (1 of 2 due; 1 overdue)"
    volume = _sheet(book, "Volume")
    assert (volume["New in the month"][0], volume["Open at the end of the month"][0]) == (2, 41)

    march = openpyxl.load_workbook(
        io.BytesIO(_get(signed_in, history.org.area, 2026, 3, format="xlsx").content)
    )
    wellbeing = _sheet(march, "Well-being")
    for label, value in {**MARCH_WELLBEING, **MARCH_SUPERVISION}.items():
        assert wellbeing[label][0] == value, label
    assert _sheet(march, "Performance")["North Area"][0] == pytest.approx(104.1)
