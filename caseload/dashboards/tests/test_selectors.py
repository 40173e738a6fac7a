"""The unit pages' raw read of the stored workloads gives the same values as the ORM."""

import datetime as dt
from decimal import Decimal

import pytest

from caseload.dashboards import selectors
from caseload.workloads.models import Workload

pytestmark = pytest.mark.django_db


def test_workload_rows_equal_the_orm_values(measured):
    unit = measured.org.team
    rows = selectors._workload_rows(unit, dt.date(2026, 3, 16))
    orm = {
        w.membership.practitioner_id: w
        for w in Workload.objects.filter(membership__team=unit).select_related("membership")
    }
    assert len(rows) == len(orm) == 2
    for _path, pid, version, total, available, rag, hours, reduction, cases, _at in rows:
        stored = orm[pid]
        assert (version, rag, cases) == (stored.scheme_version_id, stored.rag, stored.case_count)
        for value, expected in [
            (total, stored.total_points),
            (available, stored.available_points),
            (hours, stored.contracted_hours),
            (reduction, stored.reduction_hours),
        ]:
            assert isinstance(value, Decimal)
            assert (value, str(value)) == (expected, str(expected))  # same value and the same places


def test_latest_reads_text_and_datetimes_as_utc():
    aware = dt.datetime(2026, 3, 16, 10, 0, 5, tzinfo=dt.UTC)
    assert selectors._latest(["2026-03-16 10:00:00", "2026-03-16 10:00:05", None]) == aware
    assert selectors._latest(["2026-03-16 10:00:00+00", "2026-03-16 10:00:05+00"]) == aware
    assert selectors._latest(["2026-03-16 10:00:04.5", "2026-03-16 10:00:04"]) == aware - dt.timedelta(
        microseconds=500_000
    )
    assert selectors._latest([dt.datetime(2026, 3, 16, 10, 0, 5)]) == aware
    assert selectors._latest([None]) is None
    assert selectors._latest([]) is None


def test_each_childs_last_update_is_the_latest_of_its_members(measured, time_machine):
    from caseload.organisations.models import TeamMembership
    from caseload.workloads.services import recalculate

    org = measured.org
    time_machine.move_to("2026-03-16 11:30:00+00:00", tick=False)
    quinn = TeamMembership.objects.filter(team=org.team).exclude(practitioner__last_name="Practitioner")
    recalculate(quinn)  # one of Team A's two members
    today = dt.date(2026, 3, 16)
    data = selectors.unit_data(org.area, [org.team, org.team_b], today)
    assert data.children_updated == {
        org.team.pk: dt.datetime(2026, 3, 16, 11, 30, tzinfo=dt.UTC),
        org.team_b.pk: dt.datetime(2026, 3, 16, 10, 0, tzinfo=dt.UTC),
    }
    assert data.last_updated == dt.datetime(2026, 3, 16, 11, 30, tzinfo=dt.UTC)
