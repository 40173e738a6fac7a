"""Which scheme applies where."""

from __future__ import annotations

import datetime as dt

from caseload.organisations.models import OrgUnit
from caseload.schemes.models import SchemeAssignment, SchemeVersion


def assignment_for_unit(unit: OrgUnit, on: dt.date) -> SchemeAssignment | None:
    """The assignment of the unit itself or, failing that, of its nearest ancestor, on a date."""
    chain = [int(part) for part in unit.path.strip("/").split("/") if part]
    assignments = {
        a.org_unit_id: a
        for a in SchemeAssignment.objects.current(on).filter(org_unit_id__in=chain).select_related("scheme")
    }
    for unit_id in reversed(chain):
        if unit_id in assignments:
            return assignments[unit_id]
    return None


def version_for_unit(unit: OrgUnit, on: dt.date) -> SchemeVersion | None:
    """The scheme version in force for a unit on a date, or None when no scheme is assigned or published."""
    assignment = assignment_for_unit(unit, on)
    return assignment.scheme.version_in_force(on) if assignment else None
