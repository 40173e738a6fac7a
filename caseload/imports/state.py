"""The state of an import: the database as an import file sees it, by natural keys, merged with what the
file itself adds (the lookups the checks and the dry run share; reads only), and at the end of the module
the life cycle of an import run (which status may follow which)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from caseload.cases.models import Case
from caseload.imports.models import ImportStatus
from caseload.imports.validation import ParsedFile, Row
from caseload.organisations.models import Grade, OrgUnit, Practitioner, ReductionReason, TeamMembership
from caseload.organisations.services import reduction_end, reduction_rules


class State:
    """The database as the file sees it, by natural keys, plus what the file itself will add."""

    def __init__(self, parsed: ParsedFile) -> None:
        self.today = timezone.localdate()
        rows = parsed.rows
        self.file_units = {r["code"]: r for r in rows.get("org_units", []) if r["code"]}
        self.units: dict[str, dict[str, Any]] = {
            u["code"]: u
            for u in OrgUnit.objects.values(
                "pk", "code", "name", "kind", "service", "effective_from", "effective_to", "parent__code"
            )
        }
        self.grades = dict(Grade.objects.values_list("code", "pk"))
        self.practitioners: dict[str, dict[str, Any]] = {
            p["staff_code"]: p
            for p in Practitioner.objects.values(
                "pk",
                "staff_code",
                "first_name",
                "last_name",
                "email",
                "grade__code",
                "start_date",
                "leave_date",
            )
        }
        self.file_staff = {r["staff_code"] for r in rows.get("practitioners", []) if r["staff_code"]}
        self.memberships: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for m in TeamMembership.objects.values(
            "pk", "practitioner__staff_code", "team__code", "contracted_hours", "start_date", "end_date"
        ).order_by("start_date", "pk"):
            self.memberships[(m["practitioner__staff_code"], m["team__code"])].append(m)
        self.file_memberships = {(r["staff_code"], r["team_code"]): r for r in rows.get("memberships", [])}
        self.reasons = {r.code: r for r in ReductionReason.objects.all()}
        self.file_cases = {(r["organisation_code"], r["reference"]) for r in rows.get("cases", [])}
        organisations = {r["organisation_code"] for r in rows.get("cases", [])} | {
            r["organisation_code"] for r in rows.get("events", [])
        }
        self.cases: dict[tuple[str, str], dict[str, Any]] = {
            (c["organisation__code"], c["reference"]): c
            for c in Case.objects.filter(organisation__code__in=organisations).values(
                "pk",
                "organisation__code",
                "reference",
                *CASE_FIELDS,
                "team__code",
                "practitioner__staff_code",
            )
        }

    # -- the tree after the import
    def unit_exists(self, code: str) -> bool:
        return code in self.file_units or code in self.units

    def unit_kind(self, code: str) -> str | None:
        if code in self.file_units:
            return self.file_units[code]["kind"]
        return self.units[code]["kind"] if code in self.units else None

    def parent_of(self, code: str) -> str | None:
        if code in self.file_units:
            return self.file_units[code]["parent_code"]
        return self.units[code]["parent__code"] if code in self.units else None

    def is_under(self, code: str | None, ancestor: str) -> bool:
        """Whether `code` is `ancestor` or below it, in the tree as it will be."""
        seen: set[str] = set()
        while code and code not in seen:
            if code == ancestor:
                return True
            seen.add(code)
            code = self.parent_of(code)
        return False

    def depth_of(self, code: str) -> int:
        depth, seen, parent = 0, {code}, self.parent_of(code)
        while parent and parent not in seen:
            depth, parent = depth + 1, self.parent_of(parent)
            seen.add(parent or "")
        return depth

    # -- people after the import
    def practitioner_exists(self, staff: str) -> bool:
        return staff in self.file_staff or staff in self.practitioners

    def open_membership(self, staff: str, team: str) -> dict[str, Any] | None:
        return next((m for m in self.memberships.get((staff, team), []) if m["end_date"] is None), None)

    def matching_membership(self, row: Row) -> dict[str, Any] | None:
        """The open membership of the practitioner in the team, else an ended one with the row's start date."""
        candidates = self.memberships.get((row["staff_code"], row["team_code"]), [])
        found = self.open_membership(row["staff_code"], row["team_code"])
        return found or next(
            (m for m in candidates if row["start_date"] and m["start_date"] == row["start_date"]), None
        )

    def still_open(self, end_date: dt.date | None) -> bool:
        return end_date is None or end_date >= self.today

    def member_after(self, staff: str, team: str) -> bool:
        row = self.file_memberships.get((staff, team))
        if row is not None:
            return self.still_open(row["end_date"])
        return any(self.still_open(m["end_date"]) for m in self.memberships.get((staff, team), []))

    def hours_after(self, staff: str, team: str) -> Decimal | None:
        row = self.file_memberships.get((staff, team))
        if row is not None:
            return row["contracted_hours"]
        membership = self.open_membership(staff, team)
        return membership["contracted_hours"] if membership else None

    def resolve_reduction(
        self, row: Row, reason: ReductionReason, hours: Decimal, parsed: ParsedFile
    ) -> None:
        """Apply the reason's rules (as the reduction service does) and keep the outcome on the row."""
        fixed, most = reduction_rules(reason, hours)
        final = row["hours"]
        if fixed is not None:
            if final is not None and final != fixed:
                parsed.warn(
                    row, "hours", f"“{reason.name}” fixes the hours at {fixed}; {final} was replaced."
                )
            final = fixed
        if final is None:
            parsed.error(row, "hours", "Enter the hours per week the reduction takes off.")
        elif final > most:
            limit = (
                f"{reason.max_percent}% of {hours} contracted hours"
                if reason.max_percent
                else "the contracted hours"
            )
            parsed.error(row, "hours", f"Hours must be {most} or fewer ({limit}).")
        effective_to = row["effective_to"]
        expiry = reduction_end(reason, row["effective_from"]) if row["effective_from"] else None
        if expiry is not None:
            if effective_to and effective_to != expiry:
                parsed.warn(
                    row,
                    "effective_to",
                    f"“{reason.name}” ends after {reason.months_to_expiry} months: the end date is {expiry}.",
                )
            effective_to = expiry
        row.values["_hours"], row.values["_effective_to"] = final, effective_to

    def case_exists(self, key: tuple[str, str]) -> bool:
        return key in self.file_cases or key in self.cases


CASE_FIELDS = (
    "name", "service", "category", "level", "status", "flags", "sibling_group", "received_date", "start_date",
    "expected_end_date", "expected_release_date", "closed_date",
)  # fmt: skip


# -- the life cycle of an import run ---------------------------------------------------------------------

S = ImportStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.VALIDATING}),
    S.VALIDATING: frozenset({S.VALIDATED, S.REJECTED, S.FAILED, S.INTERRUPTED}),
    S.VALIDATED: frozenset({S.APPLYING, S.PENDING}),  # applied straight away, or by the background task
    S.APPLYING: frozenset({S.APPLIED, S.REJECTED, S.FAILED, S.INTERRUPTED}),
    S.INTERRUPTED: frozenset({S.PENDING}),  # applied again: checked afresh first
    S.APPLIED: frozenset(),
    S.REJECTED: frozenset(),
    S.FAILED: frozenset(),
}


class InvalidTransition(Exception):
    """An import run cannot go from its status to the one asked for."""


def check_transition(current: str, new: str) -> None:
    """Raise InvalidTransition unless a run may move from `current` to `new` (staying put is allowed)."""
    if current != new and new not in TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(f"An import run cannot go from {current} to {new}.")
