"""The case models on their own: database constraints, pseudonyms and the case queryset."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from caseload.cases.models import Case, CaseStatus, EventKind
from caseload.cases.tests.factories import CaseAllocationFactory, CaseEventFactory, CaseFactory, at_ten
from caseload.organisations.tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


# --- Constraints -------------------------------------------------------------------------------------------


def _duplicate_reference_in_one_organisation() -> None:
    case = CaseFactory(reference="N123456")
    CaseFactory(reference="N123456", team=case.team)


def _closed_case_without_a_closed_date() -> None:
    CaseFactory(status=CaseStatus.CLOSED, closed_date=None)


def _two_open_allocations() -> None:
    allocation = CaseAllocationFactory()
    CaseAllocationFactory(case=allocation.case)


def _allocation_ending_before_it_starts() -> None:
    CaseAllocationFactory(started_at=at_ten(dt.date(2026, 2, 1)), ended_at=at_ten(dt.date(2026, 1, 31)))


def _report_event_without_a_report_type() -> None:
    CaseEventFactory(kind=EventKind.REPORT_COMPLETED, report_type="")


def _cms_contact_without_a_contact_type() -> None:
    CaseEventFactory(cms=True, contact_type="")


VIOLATIONS: dict[str, tuple[str, Callable[[], None]]] = {
    "case_reference_unique_in_org": (
        "case_reference_unique_in_org|cases_case.organisation_id, cases_case.reference",
        _duplicate_reference_in_one_organisation,
    ),
    "closed_case_has_closed_date": ("closed_case_has_closed_date", _closed_case_without_a_closed_date),
    "one_open_allocation_per_case": (
        "one_open_allocation_per_case|cases_caseallocation.case_id",
        _two_open_allocations,
    ),
    "allocation_ends_after_start": ("allocation_ends_after_start", _allocation_ending_before_it_starts),
    "report_event_has_report_type": ("report_event_has_report_type", _report_event_without_a_report_type),
    "cms_contact_has_type_and_doer": ("cms_contact_has_type_and_doer", _cms_contact_without_a_contact_type),
}


def test_every_constraint_of_the_app_has_a_violation_test():
    declared = {c.name for m in apps.get_app_config("cases").get_models() for c in m._meta.constraints}
    assert set(VIOLATIONS) == declared


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_database_refuses_a_row_breaking(name, db_refuses):
    pattern, write = VIOLATIONS[name]
    with db_refuses(pattern):
        write()


def test_cms_contact_needs_someone_who_did_it(db_refuses):
    with db_refuses("cms_contact_has_type_and_doer"):
        CaseEventFactory(cms=True, practitioner=None)


def test_the_same_reference_may_be_used_by_another_organisation():
    first = CaseFactory(reference="N123456")
    second = CaseFactory(reference="N123456")
    assert first.organisation != second.organisation
    assert Case.objects.filter(reference="N123456").count() == 2


def test_history_may_hold_many_ended_allocations_and_one_open_one():
    case = CaseFactory()
    jan, feb, mar = (at_ten(dt.date(2026, month, 2)) for month in (1, 2, 3))
    CaseAllocationFactory(case=case, started_at=jan, ended_at=feb)
    CaseAllocationFactory(case=case, started_at=feb, ended_at=feb)
    CaseAllocationFactory(case=case, started_at=mar)
    assert case.allocations.filter(ended_at__isnull=True).count() == 1
    assert case.allocations.count() == 3


def test_events_with_their_required_fields_are_accepted():
    case = CaseFactory()
    CaseEventFactory(case=case, report=True)
    CaseEventFactory(case=case, cms=True, contact_type="CMS36")
    CaseEventFactory(case=case, kind=EventKind.CONTACT)
    assert sorted(case.events.values_list("kind", flat=True)) == [
        "cms_contact",
        "contact",
        "report_requested",
    ]


# --- Behaviour ---------------------------------------------------------------------------------------------


def test_pseudonym_is_stable_and_does_not_show_the_name():
    case = CaseFactory(name="Alexandra Smith", reference="N100001")
    reloaded = Case.objects.get(pk=case.pk)
    assert re.fullmatch(r"Person [0-9A-F]{10}", case.pseudonym)
    assert reloaded.pseudonym == case.pseudonym
    assert "Alexandra" not in case.pseudonym and "Smith" not in case.pseudonym
    renamed = Case.objects.get(pk=case.pk)
    renamed.name = "Someone Else"
    assert renamed.pseudonym == case.pseudonym


def test_pseudonym_differs_between_cases_and_organisations():
    case = CaseFactory(reference="N100001")
    neighbour = CaseFactory(reference="N100002", team=case.team)
    same_reference_elsewhere = CaseFactory(reference="N100001")
    assert len({case.pseudonym, neighbour.pseudonym, same_reference_elsewhere.pseudonym}) == 3


def test_pseudonym_depends_on_the_secret_key(settings):
    case = CaseFactory(reference="N100001")
    before = case.pseudonym
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert case.pseudonym != before


def test_clean_rejects_a_team_outside_the_organisation_and_unknown_flags(org):
    case = CaseFactory(team=org.team, flags=["warrant"])
    case.clean()  # a team inside its organisation, known flags: no error

    case.flags = ["warrant", "made_up"]
    case.organisation = CaseFactory().organisation  # the root of another organisation tree
    with pytest.raises(ValidationError) as error:
        case.clean()
    assert set(error.value.message_dict) == {"team", "flags"}
    assert error.value.message_dict["flags"] == ["Unknown flag(s): made_up."]


def test_open_and_unallocated_cases():
    holder = PractitionerFactory()
    waiting = CaseFactory()
    held = CaseFactory(practitioner=holder)
    closed = CaseFactory(closed=True)
    assert set(Case.objects.open()) == {waiting, held}
    assert list(Case.objects.unallocated()) == [waiting]
    assert (waiting.is_allocated, held.is_allocated, closed.is_allocated) == (False, True, False)


def test_has_flag():
    case = CaseFactory(flags=["warrant", "high_risk"])
    assert case.has_flag("warrant") and case.has_flag("high_risk")
    assert not case.has_flag("young_adult")
    assert not Case(flags=None).has_flag("warrant")


def test_the_database_keeps_the_kind_base_of_a_case_however_it_is_written():
    from caseload.core import audit

    case = CaseFactory(category="community", level="A3", flags=["court", "travel"])

    def stored() -> str:
        return Case.objects.values_list("kind_base", flat=True).get(pk=case.pk)

    assert stored() == 'community\x1fA3\x1f["court", "travel"]'
    case.level, case.flags = "", []
    case.save()
    assert stored() == "community\x1f\x1f[]"
    Case.objects.filter(pk=case.pk).update(category="licence", flags=["warrant"])
    assert stored() == 'licence\x1f\x1f["warrant"]'
    assert "kind_base" not in audit.snapshot(case)  # worked out by the database: not audited
