"""Rows stored by a full recalculation keep every line of their breakdown but the case lines, which are scored
when the breakdown is shown (`with_case_lines`, ADR 9): the page, the case page and the API show exactly what
a row scored case by case shows, and a row found out of date is recalculated before it is shown."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.urls import reverse

from caseload.cases.models import Case, EventKind
from caseload.cases.services import allocate_case, record_case_event
from caseload.cases.tests.factories import CaseFactory
from caseload.schemes.models import SchemeAssignment
from caseload.workloads import services
from caseload.workloads.models import Workload
from caseload.workloads.services import CASE_LINES_ON_DEMAND, recalculate, with_case_lines
from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def pat(legacy, practitioner_user):  # noqa: F811
    """Pat with three cases: community A3 (206 points), C2 (63) and one of a level the scheme does not know
    (no points, and a warning)."""
    membership = practitioner_user.practitioner.memberships.get()
    for reference, level in (("PAT-A3", "A3"), ("PAT-C2", "C2"), ("PAT-Z9", "Z9")):
        case = CaseFactory(team=legacy.team, category="community", level=level, reference=reference)
        allocate_case(case, practitioner_user.practitioner, actor=None)
    return membership


def _as_a_full_recalculation_stores_it(monkeypatch, membership) -> Workload:
    """Store the membership's row as a full recalculation does when it is new or changed."""
    Workload.objects.filter(membership=membership).delete()
    monkeypatch.setattr(services, "BULK_SCORING", 1)
    recalculate([membership])
    monkeypatch.undo()
    row = Workload.objects.get(membership=membership)
    assert row.breakdown[CASE_LINES_ON_DEMAND]
    assert not [item for item in row.breakdown["items"] if item["kind"] in ("case", "case_total")]
    return row


def _as_scored_case_by_case(membership) -> Workload:
    Workload.objects.filter(membership=membership).delete()
    recalculate([membership])
    row = Workload.objects.get(membership=membership)
    assert CASE_LINES_ON_DEMAND not in row.breakdown
    return row


def test_a_row_with_its_case_lines_is_shown_as_stored_without_a_query(pat, django_assert_num_queries):
    row = _as_scored_case_by_case(pat)
    with django_assert_num_queries(0):
        assert with_case_lines(row) is row


def test_the_case_lines_scored_when_shown_are_those_a_row_scored_case_by_case_stores(pat, monkeypatch):
    full = _as_scored_case_by_case(pat)
    row = _as_a_full_recalculation_stores_it(monkeypatch, pat)
    stored_breakdown = dict(row.breakdown)

    shown = with_case_lines(row)

    assert shown is not None and shown is not row
    assert shown.breakdown == full.breakdown
    assert [i["reference"] for i in shown.breakdown["items"] if i["kind"] == "case"] == [
        "PAT-A3",
        "PAT-C2",
        "PAT-Z9",
    ]
    assert any("PAT-Z9" in warning for warning in shown.breakdown["warnings"])  # the case's own warning
    assert not any("PAT-Z9" in warning for warning in stored_breakdown["warnings"])
    assert (shown.total_points, shown.digest, shown.revision) == (
        full.total_points,
        full.digest,
        row.revision,
    )
    assert row.breakdown == stored_breakdown  # the instance passed in is left as it was
    assert Workload.objects.get(pk=row.pk).breakdown == stored_breakdown  # nothing written


def test_a_row_out_of_date_when_shown_is_recalculated_first(pat, monkeypatch, caplog):
    row = _as_a_full_recalculation_stores_it(monkeypatch, pat)
    Case.objects.filter(reference="PAT-C2").update(level="A3")  # behind the services' back

    with caplog.at_level(logging.WARNING, logger="caseload.workloads.services"):
        shown = with_case_lines(row)

    assert shown is not None
    assert "out of date when shown" in caplog.text
    stored = Workload.objects.get(membership=pat)
    assert (shown.pk, shown.revision, shown.total_points) == (
        stored.pk,
        row.revision + 1,
        stored.total_points,
    )
    assert stored.total_points == row.total_points + 206 - 63
    assert stored.reason == "Recalculated when shown: out of date"
    points = {i["reference"]: i["points"] for i in shown.breakdown["items"] if i["kind"] == "case"}
    assert points["PAT-C2"] == "206.00"
    assert CASE_LINES_ON_DEMAND not in stored.breakdown  # stored in full, as one membership is


def test_a_row_whose_team_has_no_scheme_any_more_is_dropped_when_shown(pat, monkeypatch):
    row = _as_a_full_recalculation_stores_it(monkeypatch, pat)
    SchemeAssignment.objects.all().delete()  # behind the services' back

    assert with_case_lines(row) is None
    assert not Workload.objects.filter(membership=pat).exists()


def test_the_workload_page_case_page_and_api_show_the_same_breakdown_either_way(
    client, practitioner_user, team_manager, pat, monkeypatch
):
    def shown() -> tuple[str, str, dict]:
        client.force_login(practitioner_user)
        page = visible_text(client.get(reverse("organisations:my-workload")).content.decode())
        case = Case.objects.get(reference="PAT-A3")
        client.force_login(team_manager)
        case_page = visible_text(client.get(reverse("cases:case", args=[case.pk])).content.decode())
        api = client.get(f"/api/memberships/{pat.pk}/workload").json()
        return page, case_page, api

    _as_scored_case_by_case(pat)
    full_page, full_case_page, full_api = shown()
    _as_a_full_recalculation_stores_it(monkeypatch, pat)
    page, case_page, api = shown()

    assert "PAT-Z9" in full_page and "206.00" in full_case_page
    assert [i["reference"] for i in full_api["items"] if i["kind"] == "case"] == [
        "PAT-A3",
        "PAT-C2",
        "PAT-Z9",
    ]
    assert (page, case_page) == (full_page, full_case_page)
    assert api == full_api


def test_the_api_does_not_show_a_row_dropped_when_shown(client, team_manager, pat, monkeypatch):
    _as_a_full_recalculation_stores_it(monkeypatch, pat)
    SchemeAssignment.objects.all().delete()  # behind the services' back
    client.force_login(team_manager)

    response = client.get(f"/api/memberships/{pat.pk}/workload")

    assert response.status_code == 404
    assert not Workload.objects.filter(membership=pat).exists()


def test_a_row_rewritten_since_it_was_read_is_shown_as_rewritten_without_a_recalculation(
    pat, monkeypatch, caplog, frozen_now
):
    read_before = _as_a_full_recalculation_stores_it(monkeypatch, pat)
    case = Case.objects.get(reference="PAT-C2")
    # An event committed after the row was read: it rewrites the row.
    record_case_event(case, EventKind.LEVEL_CHANGED, actor=None, occurred_on=frozen_now.date(), level="A3")
    rewritten = Workload.objects.get(membership=pat)
    assert rewritten.revision == read_before.revision + 1

    with caplog.at_level(logging.WARNING, logger="caseload.workloads.services"):
        shown = with_case_lines(read_before)

    assert shown is not None and "out of date" not in caplog.text
    assert (shown.revision, shown.reason) == (rewritten.revision, rewritten.reason)
    assert Workload.objects.get(membership=pat).revision == rewritten.revision  # no recalculation
    points = {i["reference"]: i["points"] for i in shown.breakdown["items"] if i["kind"] == "case"}
    assert points["PAT-C2"] == "206.00"


def test_a_row_calculated_for_an_earlier_day_is_scored_on_that_day(pat, monkeypatch, frozen_now):
    earlier = frozen_now.date() - dt.timedelta(days=3)
    Workload.objects.filter(membership=pat).delete()
    monkeypatch.setattr(services, "BULK_SCORING", 1)
    recalculate([pat], on=earlier)
    monkeypatch.undo()
    row = Workload.objects.get(membership=pat)
    assert row.breakdown[CASE_LINES_ON_DEMAND] and row.calculated_for == earlier
    monkeypatch.setattr(services, "recalculate", _refused)

    shown = with_case_lines(row)

    assert shown is not None and shown.revision == row.revision and shown.calculated_for == earlier
    assert [i["reference"] for i in shown.breakdown["items"] if i["kind"] == "case"] == [
        "PAT-A3",
        "PAT-C2",
        "PAT-Z9",
    ]


def test_a_row_holding_no_case_is_stored_whole(legacy, monkeypatch, frozen_now):  # noqa: F811
    from caseload.workloads.tests.fixtures import officer

    idle = officer(legacy.team)
    monkeypatch.setattr(services, "BULK_SCORING", 1)
    recalculate([idle])
    row = Workload.objects.get(membership=idle)
    assert CASE_LINES_ON_DEMAND not in row.breakdown and row.case_count == 0
    assert with_case_lines(row) is row


def _refused(*args, **kwargs):
    raise AssertionError("a row was recalculated when shown")
