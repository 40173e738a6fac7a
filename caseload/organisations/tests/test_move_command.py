"""manage.py move_org_unit: a wrapper around the move service, with clear errors."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from caseload.core.models import AuditEntry
from caseload.organisations.models import OrgUnitParentHistory

pytestmark = pytest.mark.django_db


def test_moves_the_unit_records_history_and_audit(org, frozen_now) -> None:
    out = StringIO()
    call_command("move_org_unit", org.team.code, org.other_division.code, "--on", "2026-03-10", stdout=out)
    org.team.refresh_from_db()
    assert org.team.parent_id == org.other_division.pk
    assert org.team.path.startswith(org.other_division.path)
    assert f"{org.team.name} is now under {org.other_division.name}" in out.getvalue()
    link = OrgUnitParentHistory.objects.get(unit=org.team, valid_to__isnull=True)
    assert (link.parent_id, link.valid_from) == (org.other_division.pk, dt.date(2026, 3, 10))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MOVE, object_id=str(org.team.pk)).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE", "ORG"], "No org unit has the code “NOPE”."),
        (["NORTH-A"], "Give the new parent's code, or --to-top, but not both."),
        (["NORTH-A", "ORG", "--to-top"], "Give the new parent's code, or --to-top, but not both."),
        (["NORTH-A", "ORG", "--on", "2026-13-01"], "'2026-13-01' is not a date (YYYY-MM-DD)"),
        (["NORTH-A", "ORG", "--on", "2026-04-01"], "A move takes effect today or on a past date"),
    ],
)
def test_bad_input_is_refused_and_nothing_moves(org, frozen_now, args, message) -> None:
    args = [org.team.code if a == "NORTH-A" else org.organisation.code if a == "ORG" else a for a in args]
    before = org.team.path
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("move_org_unit", *args, stdout=StringIO())
    org.team.refresh_from_db()
    assert org.team.path == before
