"""A small, complete import file for the cast's organisation (see the root conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def sheets(org) -> dict[str, list[dict[str, Any]]]:
    """Rows for every layout: a new team under North Area, two practitioners, their memberships, a
    reduction, three cases (one unallocated) and four events."""
    case = {
        "organisation_code": "ORG",
        "service": "probation",
        "category": "community",
        "received_date": "2026-01-05",
    }
    return {
        "org_units": [
            {"code": "NORTH-C", "name": "North Team C", "kind": "team", "parent_code": "NORTH-AREA",
             "service": "probation", "effective_from": "2025-01-01"},
        ],
        "practitioners": [
            {"staff_code": "S001", "first_name": "Priya", "last_name": "Shah", "grade_code": "PO",
             "email": "priya@example.org", "start_date": "2021-09-01"},
            {"staff_code": "S002", "first_name": "Ben", "last_name": "Okafor", "grade_code": "PSO"},
        ],
        "memberships": [
            {"staff_code": "S001", "team_code": "NORTH-C", "contracted_hours": 37, "start_date": "2025-01-01"},
            {"staff_code": "S002", "team_code": "NORTH-C", "contracted_hours": "18.5", "start_date": "2025-01-01"},
        ],
        "reductions": [
            {"staff_code": "S001", "team_code": "NORTH-C", "reason_code": "trade-union", "hours": "7.4",
             "effective_from": "2026-01-01", "notes": "Branch secretary"},
        ],
        "cases": [
            {**case, "reference": "C0001", "name": "Alex Example", "level": "B2", "flags": "young_adult",
             "team_code": "NORTH-C", "staff_code": "S001"},
            {**case, "reference": "C0002", "name": "Sam Example", "level": "C1", "team_code": "NORTH-C",
             "staff_code": "S002"},
            {**case, "reference": "C0003", "name": "Jo Example", "team_code": "NORTH-C"},
        ],
        "events": [
            {"organisation_code": "ORG", "case_reference": "C0001", "kind": "contact", "occurred_on": "2026-03-02"},
            {"organisation_code": "ORG", "case_reference": "C0001", "kind": "contact", "occurred_on": "2026-03-02"},
            {"organisation_code": "ORG", "case_reference": "C0001", "kind": "report_requested",
             "occurred_on": "2026-03-03", "staff_code": "S001", "report_type": "court_standard"},
            {"organisation_code": "ORG", "case_reference": "C0002", "kind": "cms_contact",
             "occurred_on": "2026-03-04", "staff_code": "S001", "contact_type": "CMS01", "event_id": "E-1"},
        ],
    }  # fmt: skip
