"""The practitioner's workload page and the manager's hours and reduction forms, through the web."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.core.models import AuditEntry
from caseload.organisations.models import Reduction, ReductionReason
from caseload.workloads.models import Workload, WorkloadSnapshot
from caseload.workloads.services import recalculate
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("frozen_now")


def visible_text(html: str) -> str:
    """The page's text with tags dropped and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def pat(legacy, practitioner_user):  # noqa: F811
    """Pat with two cases (A3 = 206 points; C2 = 63, ending in 10 days) and a stored workload."""
    membership = practitioner_user.practitioner.memberships.get()
    a3 = CaseFactory(team=legacy.team, category="community", level="A3", reference="PAT-A3")
    c2 = CaseFactory(
        team=legacy.team,
        category="community",
        level="C2",
        reference="PAT-C2",
        expected_end_date=dt.date(2026, 3, 26),
    )
    for case in (a3, c2):
        allocate_case(case, practitioner_user.practitioner, actor=None)
    recalculate([membership])
    return membership


def test_my_workload_shows_figures_cases_and_why(client, practitioner_user, pat):
    client.force_login(practitioner_user)
    response = client.get(reverse("organisations:my-workload"))
    assert response.status_code == 200
    html = response.content.decode()
    workload = Workload.objects.get(membership=pat)
    assert workload.total_points == Decimal(269)  # 206 + 63, worked out by hand in the fixture module
    assert "My workload" in html
    text = visible_text(html)
    assert "Total points 269.00" in text
    assert "Available points 2176.00" in text
    assert "PAT-A3" in html and "PAT-C2" in html
    assert "Why PAT-A3 has 206.00 points" in text
    # due soon: C2 ends on 26 March, 10 days after the frozen Monday 16 March
    assert "PAT-C2 Expected end 26 March 2026 In 10 days" in text
    # a practitioner may not change their own hours
    assert reverse("organisations:edit-hours", args=[pat.pk]) not in html


def test_my_workload_for_a_user_without_a_practitioner_record(client, team_manager):
    client.force_login(team_manager)
    response = client.get(reverse("organisations:my-workload"))
    assert response.status_code == 404
    assert "not linked to a practitioner record" in response.content.decode()


def test_manager_sees_edit_links_and_trend_table(client, team_manager, pat):
    WorkloadSnapshot.objects.create(
        **{
            f: getattr(Workload.objects.get(membership=pat), f)
            for f in (
                "scheme_version",
                "total_points",
                "available_points",
                "workload_percent",
                "rag",
                "rag_name",
                "case_count",
                "contracted_hours",
                "reduction_hours",
            )
        },
        membership=pat,
        on=dt.date(2026, 3, 15),
        taken_at=dt.datetime(2026, 3, 15, 2, tzinfo=dt.UTC),
    )
    client.force_login(team_manager)
    html = client.get(reverse("organisations:practitioner", args=[pat.pk])).content.decode()
    assert reverse("organisations:edit-hours", args=[pat.pk]) in html
    assert reverse("organisations:add-reduction", args=[pat.pk]) in html
    assert "15 March 2026" in html  # the snapshot in the chart's table


def test_out_of_scope_membership_is_404(client, outsider, pat):
    client.force_login(outsider)
    assert client.get(reverse("organisations:practitioner", args=[pat.pk])).status_code == 404


def test_edit_hours_error_keeps_value_then_success_recalculates(client, team_manager, pat):
    client.force_login(team_manager)
    url = reverse("organisations:edit-hours", args=[pat.pk])
    bad = client.post(url, {"contracted_hours": "60"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "There is a problem" in html and "Contracted hours must be 48 or fewer" in html
    assert 'value="60"' in html
    assert "<title>Error: " in html
    good = client.post(url, {"contracted_hours": "18.5"}, follow=True)
    assert good.redirect_chain[-1][0] == reverse("organisations:practitioner", args=[pat.pk])
    assert "Contracted hours changed to 18.5" in good.content.decode()
    pat.refresh_from_db()
    assert pat.contracted_hours == Decimal("18.50")
    assert Workload.objects.get(membership=pat).contracted_hours == Decimal("18.50")
    history = client.get(url).content.decode()
    assert "Contracted hours: 37.00 → 18.50" in history


def _reduction_data(reason: str, hours: str = "", **dates: str) -> dict[str, str]:
    data = {"reason": str(ReductionReason.objects.get(code=reason).pk), "hours": hours}
    data.update({"effective_from-day": "16", "effective_from-month": "3", "effective_from-year": "2026"})
    data.update(dates)
    return data


def test_add_reduction_over_maximum_then_within(client, team_manager, pat):
    client.force_login(team_manager)
    url = reverse("organisations:add-reduction", args=[pat.pk])
    bad = client.post(url, _reduction_data("trade-union", "20"))
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Hours must be 18.50 or fewer" in html  # 50% of 37 hours
    assert 'value="20"' in html and 'value="16"' in html  # typed values kept
    good = client.post(url, _reduction_data("trade-union", "10"), follow=True)
    assert "Reduction saved: Trade union facility time, 10.00 hours a week" in good.content.decode()
    reduction = Reduction.objects.get(membership=pat)
    assert (reduction.hours, reduction.effective_to) == (Decimal("10.00"), None)
    assert Workload.objects.get(membership=pat).reduction_hours == Decimal("10.00")


def test_reduction_with_months_to_expiry_gets_its_end_date(client, team_manager, pat):
    client.force_login(team_manager)
    url = reverse("organisations:add-reduction", args=[pat.pk])
    response = client.post(url, _reduction_data("maternity-leave"), follow=True)
    assert "ending 15 September 2026" in response.content.decode()  # 16 March + 6 months, less a day
    reduction = Reduction.objects.get(membership=pat)
    assert reduction.hours == Decimal("37.00")


def test_invalid_dates_are_reported(client, team_manager, pat):
    client.force_login(team_manager)
    url = reverse("organisations:add-reduction", args=[pat.pk])
    data = _reduction_data("other", "2", **{"effective_from-day": "31", "effective_from-month": "2"})
    data.update({"effective_to-day": "1", "effective_to-month": "", "effective_to-year": "2026"})
    html = client.post(url, data).content.decode()
    assert "The start date must be a real date" in html
    assert "The end date must include a month" in html
    assert not Reduction.objects.exists()


def test_edit_and_delete_reduction(client, team_manager, pat):
    reason = ReductionReason.objects.get(code="other")
    reduction = Reduction.objects.create(
        membership=pat, reason=reason, hours=Decimal(2), effective_from=dt.date(2026, 3, 1)
    )
    client.force_login(team_manager)
    edit = reverse("organisations:edit-reduction", args=[reduction.pk])
    page = client.get(edit).content.decode()
    assert 'value="2.00"' in page and 'value="2026"' in page
    client.post(edit, _reduction_data("other", "4"))
    reduction.refresh_from_db()
    assert reduction.hours == Decimal("4.00")
    delete = reverse("organisations:delete-reduction", args=[reduction.pk])
    assert "Delete this reduction?" in client.get(delete).content.decode()
    client.post(delete, {"note": "entered twice"})
    reduction.refresh_from_db()
    assert reduction.is_deleted
    assert AuditEntry.objects.filter(object_type="organisations.reduction", action="delete").count() == 1
    assert client.get(edit).status_code == 404  # a deleted reduction cannot be edited


def test_practitioner_may_not_edit_their_own_hours(client, practitioner_user, pat):
    client.force_login(practitioner_user)
    assert client.get(reverse("organisations:edit-hours", args=[pat.pk])).status_code == 403


def test_items_link_to_this_looks_wrong_and_the_page_to_raise_a_concern(client, practitioner_user, pat):
    client.force_login(practitioner_user)
    html = client.get(reverse("organisations:my-workload")).content.decode()
    flag = reverse("wellbeing:flag-item")
    assert f'href="{flag}?membership={pat.pk}&amp;item=case%3APAT-A3"' in html
    assert f'href="{reverse("wellbeing:raise-concern")}?membership={pat.pk}"' in html
    # following the case's link opens the well-being form for that item
    response = client.get(f"{flag}?membership={pat.pk}&item=case:PAT-A3")
    assert response.status_code == 200


def test_page_without_a_scheme_in_force_says_there_are_no_figures(client, practitioner_user):
    client.force_login(practitioner_user)
    response = client.get(reverse("organisations:my-workload"))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "No workload figures yet" in text
    assert "Contracted hours 37.00 hours a week" in text
    assert "No open cases." in text
