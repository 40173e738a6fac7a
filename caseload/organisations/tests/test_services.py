"""The organisation write services: moves keep history, hours and reductions follow their rules, every
change is audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from caseload.core.audit import history
from caseload.core.models import AuditEntry
from caseload.organisations import services
from caseload.organisations.models import OrgUnit, OrgUnitParentHistory, ReductionReason
from caseload.organisations.tests.factories import ReductionFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db


def test_moving_a_team_keeps_where_it_was_and_moves_its_subtree(org, admin_user):
    sub_team = OrgUnit.objects.create(
        code="SUB", name="Sub unit", kind="team", parent=org.team, effective_from=dt.date(2020, 1, 1)
    )

    services.move_org_unit(org.team, org.other_division, on=dt.date(2026, 4, 1), actor=admin_user)

    org.team.refresh_from_db()
    sub_team.refresh_from_db()
    assert org.team.parent == org.other_division
    assert org.team.path == f"{org.other_division.path}{org.team.pk}/"
    assert org.team.depth == 2
    assert sub_team.path == f"{org.team.path}{sub_team.pk}/"
    assert sub_team.depth == 3
    links = list(OrgUnitParentHistory.objects.filter(unit=org.team).order_by("valid_from"))
    assert [(link.parent, link.valid_from, link.valid_to) for link in links] == [
        (org.area, org.team.effective_from, dt.date(2026, 3, 31)),
        (org.other_division, dt.date(2026, 4, 1), None),
    ]
    entry = history(org.team).get()
    assert entry.action == AuditEntry.Action.MOVE
    assert entry.actor == admin_user
    assert entry.before["parent"] == org.area.pk and entry.after["parent"] == org.other_division.pk
    assert set(OrgUnit.objects.within(org.other_division).values_list("code", flat=True)) == {
        "SOUTH",
        "NORTH-A",
        "SUB",
        "SOUTH-T",
    }


def test_a_move_cannot_be_future_dated_or_overlap_the_current_place(org, admin_user, frozen_now):
    with pytest.raises(ValidationError, match="not in the future"):
        services.move_org_unit(org.team, org.other_division, on=dt.date(2026, 3, 17), actor=admin_user)
    services.move_org_unit(org.team, org.other_division, on=dt.date(2026, 3, 1), actor=admin_user)
    with pytest.raises(ValidationError, match="must be after 1 March 2026"):
        services.move_org_unit(org.team, org.area, on=dt.date(2026, 3, 1), actor=admin_user)
    org.team.refresh_from_db()
    assert org.team.parent == org.other_division


def test_a_unit_cannot_move_under_its_own_descendant(org, admin_user):
    with pytest.raises(ValidationError, match="cannot move under itself"):
        services.move_org_unit(org.division, org.team, on=dt.date(2026, 4, 1), actor=admin_user)
    org.division.refresh_from_db()
    assert org.division.parent == org.organisation


def test_moving_to_the_same_parent_changes_nothing(org, admin_user):
    services.move_org_unit(org.team, org.area, on=dt.date(2026, 4, 1), actor=admin_user)
    assert not OrgUnitParentHistory.objects.filter(unit=org.team).exists()
    assert not history(org.team).exists()


def test_create_org_unit_records_its_first_parent_link(org, admin_user):
    unit = services.create_org_unit(
        actor=admin_user,
        code="NEW",
        name="New Team",
        kind="team",
        parent=org.area,
        effective_from=dt.date(2026, 1, 1),
    )
    assert unit.parent_history.get().parent == org.area
    assert history(unit).get().action == AuditEntry.Action.CREATE


def test_contracted_hours_are_validated_and_audited(org, team_manager):
    membership = TeamMembershipFactory(team=org.team, contracted_hours=Decimal(37))
    with pytest.raises(ValidationError, match="between 0 and 48"):
        services.set_contracted_hours(membership, Decimal("48.5"), actor=team_manager)

    services.set_contracted_hours(membership, Decimal("22.5"), actor=team_manager)

    membership.refresh_from_db()
    assert membership.contracted_hours == Decimal("22.50")
    assert history(membership).get().changed_fields() == {"contracted_hours": ("37.00", "22.50")}


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 8, 31), 6, dt.date(2025, 2, 28)),
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, end):
    assert services.add_months(start, months) == end


def test_a_reason_with_a_default_percent_fixes_hours_and_end_date(org, team_manager):
    membership = TeamMembershipFactory(team=org.team, contracted_hours=Decimal(37))
    pqip = ReductionReason.objects.get(code="pqip-0-6")  # 80 %, 6 months

    reduction = services.save_reduction(
        membership=membership,
        reason=pqip,
        effective_from=dt.date(2026, 3, 1),
        hours=Decimal(1),
        actor=team_manager,
    )

    assert reduction.hours == Decimal("29.60")  # 80 % of 37, whatever was typed
    assert reduction.effective_to == dt.date(2026, 8, 31)  # six months, last day inclusive
    assert history(reduction).get().action == AuditEntry.Action.CREATE


def test_a_reason_with_a_maximum_percent_caps_hours(org, team_manager):
    membership = TeamMembershipFactory(team=org.team, contracted_hours=Decimal(37))
    spoc = ReductionReason.objects.get(code="spoc-lead")  # up to 5 % = 1.85 h

    with pytest.raises(ValidationError) as error:
        services.save_reduction(
            membership=membership,
            reason=spoc,
            effective_from=dt.date(2026, 3, 1),
            hours=Decimal(2),
            actor=team_manager,
        )
    assert error.value.message_dict["hours"] == [
        "Hours must be 1.85 or fewer (5.00% of 37.00 contracted hours)."
    ]

    reduction = services.save_reduction(
        membership=membership,
        reason=spoc,
        effective_from=dt.date(2026, 3, 1),
        hours=Decimal("1.85"),
        actor=team_manager,
    )
    assert reduction.hours == Decimal("1.85")


def test_reduction_errors_are_reported_together_and_nothing_is_saved(org, team_manager):
    membership = TeamMembershipFactory(team=org.team, contracted_hours=Decimal(20))
    other = ReductionReason.objects.get(code="other")
    other.enabled = False
    other.save()

    with pytest.raises(ValidationError) as error:
        services.save_reduction(
            membership=membership,
            reason=other,
            effective_from=dt.date(2026, 3, 1),
            effective_to=dt.date(2026, 2, 1),
            hours=Decimal(21),
            actor=team_manager,
        )
    assert set(error.value.message_dict) == {"reason", "hours", "effective_to"}
    assert not membership.reductions.exists()
    assert not AuditEntry.objects.exists()


def test_editing_a_reduction_records_before_and_after(org, team_manager):
    reduction = ReductionFactory(membership__team=org.team, hours=Decimal("3.70"))

    services.save_reduction(
        reduction=reduction,
        membership=reduction.membership,
        reason=reduction.reason,
        effective_from=reduction.effective_from,
        hours=Decimal(5),
        notes="More time for court duty",
        actor=team_manager,
    )

    entry = history(reduction).get()
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changed_fields() == {"hours": ("3.70", "5.00"), "notes": ("", "More time for court duty")}


def test_deleting_a_reduction_keeps_it_and_stops_it_counting(org, team_manager):
    reduction = ReductionFactory(membership__team=org.team, effective_from=dt.date(2026, 1, 1))

    services.delete_reduction(reduction, actor=team_manager, note="Entered in error")

    reduction.refresh_from_db()
    assert reduction.is_deleted
    assert reduction.status_on(dt.date(2026, 2, 1)) == "deleted"
    assert not reduction.membership.reductions.active_on(dt.date(2026, 2, 1)).exists()
    assert history(reduction).get().note == "Entered in error"


def test_the_teams_scheme_sets_a_reasons_limits_over_the_reference_data(org, team_manager, frozen_now):
    import yaml

    from caseload.domain.presets import PRESETS_DIR
    from caseload.schemes.models import SchemeAssignment
    from caseload.schemes.services import import_scheme_version, publish_version

    data = yaml.safe_load((PRESETS_DIR / "probation-wmt-legacy.yaml").read_text())
    data["reduction_reasons"]["spoc-lead"]["max_percent"] = 10  # the reference data says 5 %
    version = publish_version(
        import_scheme_version(yaml.safe_dump(data).encode(), "s.yaml", actor=None), actor=None
    )
    SchemeAssignment.objects.create(
        org_unit=org.division, scheme=version.scheme, effective_from=dt.date(2024, 4, 1)
    )
    membership = TeamMembershipFactory(team=org.team, contracted_hours=Decimal(37))
    spoc = ReductionReason.objects.get(code="spoc-lead")

    reduction = services.save_reduction(
        membership=membership,
        reason=spoc,
        effective_from=dt.date(2026, 3, 16),
        hours=Decimal("3.7"),
        actor=team_manager,
    )
    assert reduction.hours == Decimal("3.70")  # 10 % of 37 is allowed under the team's scheme

    elsewhere = TeamMembershipFactory(team=org.other_team, contracted_hours=Decimal(37))  # no scheme: 5 %
    with pytest.raises(ValidationError, match=r"1\.85 or fewer"):
        services.save_reduction(
            membership=elsewhere,
            reason=spoc,
            effective_from=dt.date(2026, 3, 16),
            hours=Decimal("3.7"),
            actor=team_manager,
        )
