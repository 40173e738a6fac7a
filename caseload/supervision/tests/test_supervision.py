"""Agreed caseloads and supervision records: services, the allocation contract, pages and reminders."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from caseload.core.models import AuditEntry
from caseload.notifications.models import Notification
from caseload.organisations.models import Grade
from caseload.supervision import services
from caseload.supervision.models import Agreement, SupervisionRecord
from caseload.supervision.selectors import AgreementRange, agreement_ranges, unit_compliance
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 - a fixture, used by name

pytestmark = pytest.mark.usefixtures("frozen_now")  # Monday 16 March 2026
TODAY = dt.date(2026, 3, 16)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


@pytest.fixture
def pat(practitioner_user):
    practitioner_user.email = "pat@example.org"
    practitioner_user.save()
    return practitioner_user.practitioner.memberships.get()


def agree(membership, actor, **changes):
    values = {
        "membership": membership,
        "agreed_on": dt.date(2026, 3, 2),
        "expected_min_percent": Decimal(85),
        "expected_max_percent": Decimal(100),
        "review_date": dt.date(2026, 6, 1),
        "actor": actor,
    }
    return services.record_agreement(**(values | changes))


def test_record_agreement_confirms_for_manager_audits_and_asks_practitioner(pat, team_manager):
    agreement = agree(pat, team_manager, development_percent=Decimal(10), no_sole_cp_or_court=True)
    assert agreement.manager_confirmed_at is not None and agreement.practitioner_confirmed_at is None
    assert not agreement.confirmed
    assert AuditEntry.objects.filter(object_type="supervision.agreement", action="create").count() == 1
    email = Notification.objects.get(kind="agreement_recorded")
    assert email.email == "pat@example.org"
    assert "85% to 100%" in email.body_text


def test_new_agreement_replaces_the_old_and_keeps_history(pat, team_manager):
    first = agree(pat, team_manager)
    second = agree(pat, team_manager, agreed_on=dt.date(2026, 3, 9), expected_max_percent=Decimal(95))
    first.refresh_from_db()
    assert (first.ended_on, first.superseded_by) == (dt.date(2026, 3, 9), second)
    assert Agreement.objects.filter(membership=pat).count() == 2
    ranges = agreement_ranges([pat.pk], dt.date(2026, 3, 8))
    assert ranges[pat.pk].max_percent == Decimal(100)  # the first was in force on 8 March
    assert agreement_ranges([pat.pk], TODAY)[pat.pk].max_percent == Decimal(95)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"expected_min_percent": Decimal(110)}, "expected_max_percent", "same as or more than the lowest"),
        ({"expected_max_percent": Decimal(250)}, "expected_max_percent", "between 0% and 200%"),
        ({"review_date": dt.date(2026, 3, 1)}, "review_date", "on or after the date agreed"),
        (
            {"agreed_on": dt.date(2026, 3, 17), "review_date": dt.date(2026, 6, 1)},
            "agreed_on",
            "today or in the past",
        ),
        ({"development_percent": Decimal(60)}, "development_percent", "between 0% and 50%"),
    ],
)
def test_record_agreement_validation(pat, team_manager, changes, field, message):
    with pytest.raises(ValidationError) as raised:
        agree(pat, team_manager, **changes)
    assert message in raised.value.message_dict[field][0]
    assert not Agreement.objects.exists()


def test_agreement_ranges_contract(pat, team_manager, practitioner_user, outsider):
    agreement = agree(pat, team_manager, no_sole_cp_or_court=True)
    other = outsider.practitioner.memberships.get()
    assert agreement_ranges([pat.pk, other.pk], TODAY) == {
        pat.pk: AgreementRange(
            membership_id=pat.pk,
            min_percent=Decimal("85.00"),
            max_percent=Decimal("100.00"),
            no_sole_cp_or_court=True,
            review_date=dt.date(2026, 6, 1),
            confirmed=False,
        )
    }
    services.confirm_agreement(agreement, party=services.PRACTITIONER, actor=practitioner_user)
    found = agreement_ranges([pat.pk], TODAY)[pat.pk]
    assert found.confirmed
    assert found.breached_by(Decimal("100.01")) and not found.breached_by(Decimal(100))
    assert agreement_ranges([pat.pk], dt.date(2026, 3, 1)) == {}  # before it was agreed
    assert agreement_ranges([], TODAY) == {}


def test_confirm_twice_changes_nothing_and_replaced_cannot_be_confirmed(pat, team_manager, practitioner_user):
    first = agree(pat, team_manager)
    services.confirm_agreement(first, party=services.PRACTITIONER, actor=practitioner_user)
    confirmed_at = Agreement.objects.get(pk=first.pk).practitioner_confirmed_at
    services.confirm_agreement(first, party=services.PRACTITIONER, actor=practitioner_user)
    assert Agreement.objects.get(pk=first.pk).practitioner_confirmed_at == confirmed_at
    agree(pat, team_manager, agreed_on=TODAY)
    with pytest.raises(ValidationError, match="replaced"):
        services.confirm_agreement(first, party=services.MANAGER, actor=team_manager)


def test_record_supervision_validation_and_audit(pat, team_manager):
    with pytest.raises(ValidationError) as raised:
        services.record_supervision(
            membership=pat, held_on=dt.date(2026, 3, 20), duration_minutes=2, kind="chat", actor=team_manager
        )
    assert set(raised.value.message_dict) == {"held_on", "duration_minutes", "kind"}
    record = services.record_supervision(
        membership=pat,
        held_on=TODAY,
        duration_minutes=60,
        kind="formal",
        extra_hours=Decimal("3.5"),
        actor=team_manager,
    )
    assert AuditEntry.objects.filter(
        object_type="supervision.supervisionrecord", object_id=str(record.pk)
    ).exists()


def test_reviews_due_notifies_practitioner_and_team_manager_once(pat, team_manager, area_manager):
    team_manager.email = "tom@example.org"
    team_manager.save()
    agree(pat, team_manager, review_date=dt.date(2026, 3, 30))  # 14 days ahead: due
    call_command("agreement_reviews_due")
    call_command("agreement_reviews_due")  # a second run the same day sends nothing new
    sent = Notification.objects.filter(kind="agreement_review_due")
    assert sorted(sent.values_list("email", flat=True)) == ["pat@example.org", "tom@example.org"]
    assert "due for review by 30 March 2026" in sent.first().body_text


def test_reviews_not_yet_due_are_not_flagged(pat, team_manager):
    agree(pat, team_manager, review_date=dt.date(2026, 3, 31))  # 15 days ahead
    assert services.agreement_reviews_due(TODAY) == 0
    assert services.agreement_reviews_due(dt.date(2026, 3, 17)) == 1


def test_unit_compliance_counts(org, pat, team_manager, senior_leader):
    from caseload.organisations.tests.factories import PractitionerFactory, TeamMembershipFactory

    newcomer = PractitionerFactory(grade=Grade.objects.get(code="NQO"), start_date=dt.date(2026, 3, 2))
    TeamMembershipFactory(practitioner=newcomer, team=org.team, contracted_hours=Decimal(37))
    # Pat: monthly, supervised 1 March → due 1 April: up to date. Newcomer: weekly, none since 2 March → overdue.
    services.record_supervision(
        membership=pat,
        held_on=dt.date(2026, 3, 1),
        duration_minutes=60,
        kind="formal",
        extra_hours=Decimal(2),
        actor=team_manager,
    )
    from caseload.core.scope import scope_for

    rows = {row.unit.code: row for row in unit_compliance(scope_for(senior_leader).units, TODAY)}
    assert (rows["NORTH-A"].people, rows["NORTH-A"].compliant, rows["NORTH-A"].extra_hours) == (
        2,
        1,
        Decimal(2),
    )
    assert rows["NORTH-B"].people == 0
    assert "SOUTH-T" not in rows


def test_pages_agreement_flow(client, pat, team_manager, practitioner_user):
    client.force_login(team_manager)
    url = reverse("supervision:record-agreement", args=[pat.pk])
    dates = {
        "agreed_on-day": "16",
        "agreed_on-month": "3",
        "agreed_on-year": "2026",
        "review_date-day": "1",
        "review_date-month": "3",
        "review_date-year": "2026",
    }
    bad = client.post(url, dates | {"expected_min_percent": "90", "expected_max_percent": "80"})
    assert bad.status_code == 400
    page = text(bad)
    assert "There is a problem" in page
    assert "The highest expected workload must be the same as or more than the lowest" in page
    assert "The review date must be on or after the date agreed" in page
    good = client.post(
        url,
        dates
        | {
            "review_date-month": "6",
            "expected_min_percent": "85",
            "expected_max_percent": "100",
            "manager_confirms": "on",
        },
    )
    assert good.status_code == 302
    agreement = Agreement.objects.get()
    client.force_login(practitioner_user)
    mine = text(client.get(reverse("organisations:my-workload")))
    assert "Agreed caseload: 85% to 100%" in mine
    assert "Waiting for the practitioner to confirm" in mine
    assert "Confirm this agreement as the practitioner" in mine
    client.post(reverse("supervision:confirm-agreement", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.confirmed
    assert "Confirmed by both" in text(client.get(reverse("supervision:membership", args=[pat.pk])))


def test_pages_session_and_views(client, pat, team_manager, senior_leader, practitioner_user):
    client.force_login(practitioner_user)
    url = reverse("supervision:record-session", args=[pat.pk])
    bad = client.post(
        url,
        {
            "held_on-day": "16",
            "held_on-month": "3",
            "held_on-year": "2026",
            "duration_minutes": "",
            "kind": "formal",
            "extra_hours": "2",
        },
    )
    assert "Enter how long the supervision lasted, in minutes" in text(bad)
    assert 'value="2"' in bad.content.decode()
    client.post(
        url,
        {
            "held_on-day": "16",
            "held_on-month": "3",
            "held_on-year": "2026",
            "duration_minutes": "45",
            "kind": "reflective",
            "extra_hours": "2",
        },
    )
    assert SupervisionRecord.objects.get().kind == "reflective"
    client.force_login(team_manager)
    team = text(client.get(reverse("supervision:team")))
    assert "Pat Practitioner" in team and "Up to date" in team
    client.force_login(senior_leader)
    overview = text(client.get(reverse("supervision:overview")))
    assert "North Team A 1 1 100.0%" in overview
    assert "Pat" not in overview  # counts only
    # a senior leader sees the workload page but not individual supervision
    assert "Agreed caseload and supervision" not in text(
        client.get(reverse("organisations:practitioner", args=[pat.pk]))
    )


def test_administrators_see_supervision_counts_but_no_individual_records(
    client, pat, team_manager, admin_user, analyst
):
    agreement = agree(pat, team_manager)
    services.record_supervision(
        membership=pat,
        held_on=dt.date(2026, 3, 9),
        duration_minutes=60,
        kind="formal",
        extra_hours=Decimal("6.5"),
        notes="Talked about the court backlog",
        actor=team_manager,
    )
    client.force_login(team_manager)  # the line sees the session, with its extra hours and notes
    line_view = text(client.get(reverse("supervision:membership", args=[pat.pk])))
    assert "6.50 hours" in line_view and "Talked about the court backlog" in line_view
    client.force_login(admin_user)
    for url in (
        reverse("supervision:membership", args=[pat.pk]),
        reverse("supervision:record-session", args=[pat.pk]),
        reverse("supervision:record-agreement", args=[pat.pk]),
        reverse("supervision:confirm-agreement", args=[agreement.pk]),
    ):
        assert client.get(url).status_code == 403, url
    refused = client.post(reverse("supervision:confirm-agreement", args=[agreement.pk]))
    assert refused.status_code == 403
    agreement.refresh_from_db()
    assert agreement.manager_confirmed_at is not None and agreement.practitioner_confirmed_at is None
    assert client.get(reverse("supervision:team")).url == reverse("supervision:overview")
    overview = text(client.get(reverse("supervision:overview")))
    assert "North Team A 1 1 100.0% 0 6.5" in overview  # people, up to date, rate, reviews due, extra hours
    assert "Pat" not in overview and "court backlog" not in overview
    workload_page = text(client.get(reverse("organisations:practitioner", args=[pat.pk])))
    assert "Pat Practitioner" in workload_page  # administrators still see the workload itself
    assert "Agreed caseload" not in workload_page and "Record a supervision" not in workload_page
    client.force_login(analyst)
    assert client.get(reverse("supervision:team")).url == reverse("supervision:overview")
    assert "North Team A 1 1 100.0% 0 6.5" in text(client.get(reverse("supervision:overview")))


@pytest.fixture
def measured_officers(legacy):  # noqa: F811 - the fixture imported above
    """Three officers in North Team A with 5, 10 and 12 community A3 cases: 47.3%, 94.7% and 113.6%."""
    from caseload.cases.tests.factories import CaseFactory
    from caseload.workloads.services import recalculate
    from caseload.workloads.tests.fixtures import officer

    memberships = []
    for count in (5, 10, 12):
        membership = officer(legacy.team)
        for _ in range(count):
            CaseFactory(
                team=legacy.team,
                practitioner=membership.practitioner,
                category="community",
                level="A3",
            )
        memberships.append(membership)
    recalculate(memberships)
    return memberships


def test_practitioner_page_sets_the_workload_against_the_agreed_range(
    client, team_manager, measured_officers
):
    light, full, over = measured_officers
    for membership in measured_officers:
        agree(membership, team_manager)  # 85% to 100%
    client.force_login(team_manager)
    expected = {
        light: "47.3%: below the agreed range",
        full: "94.7%: within the agreed range",
        over: "113.6%: above the agreed range",
    }
    for membership, comparison in expected.items():
        page = text(client.get(reverse("organisations:practitioner", args=[membership.pk])))
        assert f"Agreed caseload: 85% to 100%. Now {comparison}." in page  # next to the workload figures
        assert f"Workload now: {comparison}." in page  # and in the agreement section
        others = [c for c in expected.values() if c != comparison]
        assert not any(other in page for other in others)


def test_no_comparison_without_an_agreement(client, team_manager, measured_officers):
    client.force_login(team_manager)
    page = text(client.get(reverse("organisations:practitioner", args=[measured_officers[0].pk])))
    assert "No agreed caseload has been recorded." in page
    assert "agreed range" not in page
