"""The dry run: what a parsed file would add, change, leave alone or close, compared with the database by
natural keys (unit code, staff code, staff and team, case organisation and reference, and for events the
whole event). Nothing here writes."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from caseload.cases.models import CaseEvent
from caseload.imports.readers import Problem
from caseload.imports.state import CASE_FIELDS, State
from caseload.imports.validation import ParsedFile, Row, check_rows
from caseload.organisations.models import Reduction

CHANGE_SAMPLE = 200


@dataclass
class Op:
    """One row's effect: add a record, or change an existing one (`pk`) from old to new values."""

    action: str  # "add" or "change"
    row: Row
    values: dict[str, Any]
    pk: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class EntityPlan:
    adds: list[Op] = field(default_factory=list)
    changes: list[Op] = field(default_factory=list)
    unchanged: int = 0
    closed: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.adds),
            "changed": len(self.changes),
            "unchanged": self.unchanged,
            "closed": self.closed,
        }


@dataclass
class ImportPlan:
    entities: dict[str, EntityPlan]
    errors: list[Problem]
    warnings: list[Problem]
    summary: dict[str, int]
    state: State
    # Grade records to add before anything else (code → field values), for kinds that map outside codes
    # onto a scheme's grades (the WMT extract); `state.grades` holds None for them until they are written.
    new_grades: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, Any]:
        counts: dict[str, Any] = {entity: plan.counts() for entity, plan in self.entities.items()}
        counts["summary"] = dict(self.summary)
        return counts

    def sample_changes(self, limit: int = CHANGE_SAMPLE) -> list[dict[str, Any]]:
        """What would change, in words, for the first `limit` added or changed records."""
        sample: list[dict[str, Any]] = []
        for entity, plan in self.entities.items():
            for op in [*plan.adds, *plan.changes]:
                if len(sample) >= limit:
                    return sample
                fields = op.changes if op.action == "change" else {}
                sample.append(
                    {
                        "entity": entity,
                        "row": op.row.number,
                        "sheet": op.row.sheet,
                        "key": " / ".join(str(op.row[c] or "") for c in KEYS[entity]),
                        "action": op.action,
                        "fields": {k: [_show(old), _show(new)] for k, (old, new) in fields.items()},
                    }
                )
        return sample


KEYS = {
    "org_units": ("code",),
    "practitioners": ("staff_code",),
    "memberships": ("staff_code", "team_code"),
    "reductions": ("staff_code", "team_code", "reason_code", "effective_from"),
    "cases": ("organisation_code", "reference"),
    "events": ("organisation_code", "case_reference", "kind", "occurred_on"),
}


def _show(value: Any) -> Any:
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if isinstance(value, list):
        return ";".join(value)
    return value


def build_plan(parsed: ParsedFile, *, new_grades: dict[str, dict[str, Any]] | None = None) -> ImportPlan:
    """Check the parsed rows against each other and the database, then work out every change."""
    state = State(parsed)
    new_grades = {code: values for code, values in (new_grades or {}).items() if code not in state.grades}
    state.grades.update(dict.fromkeys(new_grades))
    check_rows(parsed, state)
    entities: dict[str, EntityPlan] = {}
    summary = {"practitioners_moved": 0, "hours_changed": 0, "holders_changed": 0}
    if not parsed.errors:
        rows = parsed.rows
        entities = {
            "org_units": _diff(
                rows.get("org_units", []), lambda r: state.units.get(r["code"]), _unit_values(state)
            ),
            "practitioners": _diff(
                rows.get("practitioners", []),
                lambda r: state.practitioners.get(r["staff_code"]),
                _person_values(state),
            ),
            "memberships": _diff(
                rows.get("memberships", []), state.matching_membership, _membership_values(state)
            ),
            "reductions": _diff(
                rows.get("reductions", []),
                _reduction_lookup(state, rows.get("reductions", [])),
                _reduction_values,
            ),
            "cases": _diff(
                rows.get("cases", []),
                lambda r: state.cases.get((r["organisation_code"], r["reference"])),
                _case_values,
            ),
            "events": _plan_events(rows.get("events", []), state),
        }
        entities = {entity: plan for entity, plan in entities.items() if entity in rows}
        summary = _summary(entities, state)
    return ImportPlan(
        entities=entities,
        errors=parsed.errors,
        warnings=parsed.warnings,
        summary=summary,
        state=state,
        new_grades=new_grades,
    )


SOURCE_COLUMNS = {
    "parent__code": "parent_code",
    "grade__code": "grade_code",
    "team__code": "team_code",
    "practitioner__staff_code": "staff_code",
}


def _diff(rows: list[Row], find: Any, values_of: Any) -> EntityPlan:
    plan = EntityPlan()
    for row in rows:
        existing = find(row)
        values = values_of(row, existing)
        if existing is None:
            plan.adds.append(Op("add", row, values))
            continue
        for name in values:  # a column the file does not have leaves the value as it is
            if SOURCE_COLUMNS.get(name, name) not in row.present:
                values[name] = existing[name]
        changes = {k: (existing[k], v) for k, v in values.items() if _differs(existing[k], v)}
        if not changes:
            plan.unchanged += 1
            continue
        plan.changes.append(Op("change", row, values, pk=existing["pk"], changes=changes))
        closing = {"effective_to", "end_date", "leave_date", "status"} & set(changes)
        if any(changes[k][0] in (None, "active") for k in closing):
            plan.closed += 1
    return plan


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, list) or isinstance(new, list):
        return sorted(old or []) != sorted(new or [])
    return old != new


def _unit_values(state: State) -> Any:
    def values(row: Row, existing: dict[str, Any] | None) -> dict[str, Any]:
        keep = existing["effective_from"] if existing else state.today
        return {
            "name": row["name"],
            "kind": row["kind"],
            "parent__code": row["parent_code"],
            "service": row["service"] or "",
            "effective_from": row["effective_from"] or keep,
            "effective_to": row["effective_to"],
        }

    return values


def _person_values(state: State) -> Any:
    def values(row: Row, existing: dict[str, Any] | None) -> dict[str, Any]:
        grade = (
            row["grade_code"]
            if row["grade_code"] in state.grades or existing is None
            else existing["grade__code"]
        )
        return {
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "email": row["email"] or "",
            "grade__code": grade,
            "start_date": row["start_date"],
            "leave_date": row["leave_date"],
        }

    return values


def _membership_values(state: State) -> Any:
    def values(row: Row, existing: dict[str, Any] | None) -> dict[str, Any]:
        keep = existing["start_date"] if existing else state.today
        return {
            "contracted_hours": row["contracted_hours"],
            "start_date": row["start_date"] or keep,
            "end_date": row["end_date"],
        }

    return values


def _reduction_lookup(state: State, rows: list[Row]) -> Any:
    staff = {r["staff_code"] for r in rows}
    existing = {
        (r["membership__practitioner__staff_code"], r["membership__team__code"], r["reason__code"], r["effective_from"]): r
        for r in Reduction.objects.filter(is_deleted=False, membership__practitioner__staff_code__in=staff).values(
            "pk", "membership__practitioner__staff_code", "membership__team__code", "reason__code", "effective_from",
            "hours", "effective_to", "notes",
        )
    }  # fmt: skip
    return lambda r: existing.get((r["staff_code"], r["team_code"], r["reason_code"], r["effective_from"]))


def _reduction_values(row: Row, existing: dict[str, Any] | None) -> dict[str, Any]:
    return {"hours": row["_hours"], "effective_to": row["_effective_to"], "notes": row["notes"] or ""}


def _case_values(row: Row, existing: dict[str, Any] | None) -> dict[str, Any]:
    values = {name: row[name] for name in CASE_FIELDS}
    values.update(
        level=row["level"] or "",
        status=row["status"] or "active",
        sibling_group=row["sibling_group"] or "",
        team__code=row["team_code"],
        practitioner__staff_code=row["staff_code"],
    )
    return values


def event_key(row: Row) -> tuple[Any, ...]:
    return (
        row["organisation_code"], row["case_reference"], row["kind"], row["occurred_on"], row["staff_code"],
        row["report_type"] or "", row["contact_type"] or "", row["event_id"],
    )  # fmt: skip


def _plan_events(rows: list[Row], state: State) -> EntityPlan:
    """Events are only added. An event already recorded is matched once per file row, so a file holding
    two identical events adds two the first time and none the second."""
    plan = EntityPlan()
    case_ids = {
        state.cases[k]["pk"]
        for k in {(r["organisation_code"], r["case_reference"]) for r in rows}
        if k in state.cases
    }
    recorded: Counter[tuple[Any, ...]] = Counter()
    ids = sorted(case_ids)
    for start in range(0, len(ids), 5000):
        recorded.update(
            CaseEvent.objects.filter(case_id__in=ids[start : start + 5000]).values_list(
                "case__organisation__code", "case__reference", "kind", "occurred_on", "practitioner__staff_code",
                "report_type", "contact_type", "details__source_id",
            )
        )  # fmt: skip
    for row in rows:
        key = event_key(row)
        if recorded[key] > 0:
            recorded[key] -= 1
            plan.unchanged += 1
        else:
            plan.adds.append(Op("add", row, {}))
    return plan


def _summary(entities: dict[str, EntityPlan], state: State) -> dict[str, int]:
    memberships = entities.get("memberships", EntityPlan())
    hours_changed = sum(1 for op in memberships.changes if "contracted_hours" in op.changes)
    cases = entities.get("cases", EntityPlan())
    holders_changed = sum(1 for op in cases.changes if "practitioner__staff_code" in op.changes)
    holders_changed += sum(1 for op in cases.adds if op.row["staff_code"])
    teams_before: dict[str, set[str]] = defaultdict(set)
    for (staff, team), memberships in state.memberships.items():
        if any(state.still_open(m["end_date"]) for m in memberships):
            teams_before[staff].add(team)
    teams_in_file: dict[str, set[str]] = defaultdict(set)
    for staff, team in state.file_memberships:
        teams_in_file[staff].add(team)
    moved = 0
    for staff, file_teams in teams_in_file.items():
        before = teams_before.get(staff, set())
        after = {team for team in before | file_teams if state.member_after(staff, team)}
        if before and after and before != after:
            moved += 1
    return {"practitioners_moved": moved, "hours_changed": hours_changed, "holders_changed": holders_changed}
