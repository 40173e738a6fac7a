"""Writing a checked plan to the database, entity by entity, in bulk. Called by services.apply_import inside
its transaction: nothing here commits. The rules are the ones the organisation and case services apply one
record at a time (a moved unit keeps its parent history and its subtree's paths; a case's change of holder
closes the open allocation spell and opens a new one, with an allocated or reallocated event)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.db.models import Model, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from caseload.cases.models import Case, CaseAllocation, CaseEvent, CaseStatus, EventKind
from caseload.core import audit
from caseload.core.models import AuditEntry, User
from caseload.imports.outcome import Outcome, measured_teams_under, versions_in_force
from caseload.imports.planning import EntityPlan, ImportPlan, Op
from caseload.imports.state import CASE_FIELDS
from caseload.organisations.models import (
    Grade,
    OrgUnit,
    OrgUnitParentHistory,
    Practitioner,
    Reduction,
    TeamMembership,
)

BATCH = 500
Progress = Callable[[str, int, int], None]
T = TypeVar("T")


class Writer:
    def __init__(
        self, plan: ImportPlan, *, actor: User | None, run_id: int, progress: Progress | None
    ) -> None:
        self.plan, self.actor, self.run_id = plan, actor, run_id
        self.progress = progress or (lambda entity, done, total: None)
        self.now = timezone.now()
        self.outcome = Outcome()

    def write(self) -> Outcome:
        steps = {
            "org_units": self._org_units,
            "practitioners": self._practitioners,
            "memberships": self._memberships,
            "reductions": self._reductions,
            "cases": self._cases,
            "events": self._events,
        }
        for code, values in self.plan.new_grades.items():
            self.plan.state.grades[code] = Grade.objects.create(code=code, **values).pk
        for entity, plan in self.plan.entities.items():
            steps[entity](plan)
        return self.outcome

    def _batches(self, entity: str, items: list[T]) -> Iterator[list[T]]:
        """Items in batches, reporting progress after each batch."""
        total = len(items)
        self.progress(entity, 0, total)
        for start in range(0, total, BATCH):
            yield items[start : start + BATCH]
            self.progress(entity, min(start + BATCH, total), total)

    def _bulk_update(
        self,
        entity: str,
        model: type[Model],
        ops: list[Op],
        fields: list[str],
        assign: Callable[[Any, Op], None],
    ) -> None:
        for batch in self._batches(f"{entity} (changes)", ops):
            objects = model._default_manager.in_bulk([op.pk for op in batch])
            for op in batch:
                assign(objects[op.pk], op)
                if hasattr(objects[op.pk], "updated_at"):
                    objects[op.pk].updated_at = self.now
            extra = ["updated_at"] if any(f.name == "updated_at" for f in model._meta.fields) else []
            model._default_manager.bulk_update(objects.values(), [*fields, *extra])

    # -- org units: few, so one at a time, parents first
    def _org_units(self, plan: EntityPlan) -> None:
        state = self.plan.state
        ops = sorted([*plan.adds, *plan.changes], key=lambda op: state.depth_of(op.row["code"]))
        today = timezone.localdate(self.now)
        moved_teams = measured_teams_under(
            [op.pk for op in plan.changes if "parent__code" in op.changes], today
        )
        versions_before = versions_in_force(moved_teams, today)
        for batch in self._batches("org_units", ops):
            for op in batch:
                values = dict(op.values)
                parent_code = values.pop("parent__code")
                parent = OrgUnit.objects.get(code=parent_code) if parent_code else None
                if op.action == "add":
                    unit = OrgUnit(code=op.row["code"], parent=parent, **values)
                    unit.save()
                    OrgUnitParentHistory.objects.create(
                        unit=unit, parent=parent, valid_from=unit.effective_from
                    )
                    continue
                unit = OrgUnit.objects.get(pk=op.pk)
                old_path = unit.path
                for name, value in values.items():
                    setattr(unit, name, value)
                moved = "parent__code" in op.changes
                if moved:
                    self._close_parent_link(unit)
                    OrgUnitParentHistory.objects.create(unit=unit, parent=parent, valid_from=self.now.date())
                    unit.parent = parent
                unit.save()
                if moved:
                    _rewrite_paths(old_path, unit.path)
        # A move changes a team's figures only when it puts the team under another scheme version.
        versions_after = versions_in_force(moved_teams, today)
        self.outcome.teams.update(t for t in moved_teams if versions_after[t] != versions_before[t])

    def _close_parent_link(self, unit: OrgUnit) -> None:
        today = timezone.localdate(self.now)
        link = OrgUnitParentHistory.objects.filter(unit=unit, valid_to__isnull=True).first()
        if link is None:
            link = OrgUnitParentHistory.objects.create(
                unit=unit, parent=unit.parent, valid_from=unit.effective_from
            )
        link.valid_to = max(today - dt.timedelta(days=1), link.valid_from)
        link.save(update_fields=["valid_to"])

    # -- people
    def _practitioners(self, plan: EntityPlan) -> None:
        grades = self.plan.state.grades

        def build(op: Op) -> Practitioner:
            values = dict(op.values)
            return Practitioner(
                staff_code=op.row["staff_code"], grade_id=grades[values.pop("grade__code")], **values
            )

        self._bulk_create("practitioners", Practitioner, plan.adds, build)

        def assign(person: Practitioner, op: Op) -> None:
            values = dict(op.values)
            person.grade_id = grades[values.pop("grade__code")]
            for name, value in values.items():
                setattr(person, name, value)

        self._bulk_update(
            "practitioners",
            Practitioner,
            plan.changes,
            ["first_name", "last_name", "email", "grade", "start_date", "leave_date"],
            assign,
        )
        self.outcome.practitioners.update(op.pk for op in plan.changes if "grade__code" in op.changes)

    def _bulk_create(
        self, entity: str, model: type[Model], ops: list[Op], build: Callable[[Op], Any]
    ) -> list[Any]:
        created: list[Any] = []
        for batch in self._batches(entity, ops):
            created += model._default_manager.bulk_create([build(op) for op in batch])
        return created

    def _memberships(self, plan: EntityPlan) -> None:
        staff_ids, team_ids = self._staff_ids(), self._unit_ids()

        def build(op: Op) -> TeamMembership:
            return TeamMembership(
                practitioner_id=staff_ids[op.row["staff_code"]],
                team_id=team_ids[op.row["team_code"]],
                **op.values,
            )

        def assign(membership: TeamMembership, op: Op) -> None:
            for name, value in op.values.items():
                setattr(membership, name, value)

        self._bulk_create("memberships", TeamMembership, plan.adds, build)
        self._bulk_update(
            "memberships",
            TeamMembership,
            plan.changes,
            ["contracted_hours", "start_date", "end_date"],
            assign,
        )
        self._hours_changes([op for op in plan.changes if "contracted_hours" in op.changes])
        for op in [*plan.adds, *plan.changes]:
            self.outcome.touched.add((staff_ids[op.row["staff_code"]], team_ids[op.row["team_code"]]))
            if op.action == "add" or {"start_date", "end_date"} & set(op.changes):
                self.outcome.practitioners.add(staff_ids[op.row["staff_code"]])
                self.outcome.joined_or_left.add(staff_ids[op.row["staff_code"]])
        self.outcome.memberships.update(op.pk for op in plan.changes)

    def _hours_changes(self, ops: list[Op]) -> None:
        """One audit entry per membership whose hours changed, with the hours before and after, as the hours
        service records them (caseload.organisations.services.set_contracted_hours): recomputed snapshots
        replay hours from these (caseload.workloads.history)."""
        actor = self.actor if self.actor is not None and self.actor.pk else None
        for batch in _chunks(ops):
            found = TeamMembership.objects.select_related("practitioner", "team").in_bulk(
                [op.pk for op in batch]
            )
            AuditEntry.objects.bulk_create(
                AuditEntry(
                    actor=actor, action=AuditEntry.Action.UPDATE, object_type=TeamMembership._meta.label_lower,
                    object_id=str(op.pk), object_repr=str(found[op.pk])[:200],
                    before={"contracted_hours": str(op.changes["contracted_hours"][0])},
                    after=audit.snapshot(found[op.pk], ["contracted_hours"]),
                    note=f"Import {self.run_id}",
                )
                for op in batch
            )  # fmt: skip

    def _reductions(self, plan: EntityPlan) -> None:
        staff_ids, team_ids = self._staff_ids(), self._unit_ids()
        reasons = self.plan.state.reasons
        memberships = _open_memberships(staff_ids[op.row["staff_code"]] for op in plan.adds)

        def build(op: Op) -> Reduction:
            pair = (staff_ids[op.row["staff_code"]], team_ids[op.row["team_code"]])
            return Reduction(
                membership_id=memberships[pair],
                reason=reasons[op.row["reason_code"]],
                effective_from=op.row["effective_from"],
                created_by=self.actor,
                **op.values,
            )

        def assign(reduction: Reduction, op: Op) -> None:
            for name, value in op.values.items():
                setattr(reduction, name, value)

        self._bulk_create("reductions", Reduction, plan.adds, build)
        self._bulk_update("reductions", Reduction, plan.changes, ["hours", "effective_to", "notes"], assign)
        for op in [*plan.adds, *plan.changes]:
            self.outcome.touched.add((staff_ids[op.row["staff_code"]], team_ids[op.row["team_code"]]))

    # -- cases and their allocation history
    def _cases(self, plan: EntityPlan) -> None:
        staff_ids, unit_ids = self._staff_ids(), self._unit_ids()

        def fields(op: Op) -> dict[str, Any]:
            values = {name: op.values[name] for name in CASE_FIELDS}
            staff = op.values["practitioner__staff_code"]
            values.update(
                team_id=unit_ids[op.values["team__code"]], practitioner_id=staff_ids[staff] if staff else None
            )
            return values

        def build(op: Op) -> Case:
            return Case(
                organisation_id=unit_ids[op.row["organisation_code"]],
                reference=op.row["reference"],
                **fields(op),
            )

        created = self._bulk_create("cases", Case, plan.adds, build)
        self._spells([(case, None) for case in created])

        def assign(case: Case, op: Op) -> None:
            for name, value in fields(op).items():
                setattr(case, name, value)

        holders: dict[int, int | None] = {}
        teams: dict[int, int] = {}
        for batch in _chunks([op.pk for op in plan.changes]):
            for pk, practitioner_id, team_id in Case.objects.filter(pk__in=batch).values_list(
                "pk", "practitioner_id", "team_id"
            ):
                holders[pk], teams[pk] = practitioner_id, team_id
        self._bulk_update("cases", Case, plan.changes, [*CASE_FIELDS, "team", "practitioner"], assign)
        moved = [
            op.pk
            for op in plan.changes
            if {"practitioner__staff_code", "team__code", "status"} & set(op.changes)
        ]
        for pk in moved:
            if holders[pk]:
                self.outcome.touched.add((holders[pk], teams[pk]))
            self.outcome.moved_cases.setdefault(pk, set()).add(teams[pk])
        for batch in _chunks(moved):  # SQLite limits the number of values in one query
            self._spells([(case, holders[case.pk]) for case in Case.objects.filter(pk__in=batch)])
        self._field_changes(plan.changes, staff_ids, unit_ids)

    def _field_changes(self, ops: list[Op], staff_ids: dict[str, int], unit_ids: dict[str, int]) -> None:
        """Record each change of a case's category, level or flags as the case services do (a category
        change carries the level; otherwise a level change), with the values before and after, so that
        recomputed snapshots can undo it; dated on the day of the import, like its allocations. The holder's
        workload is recalculated."""
        on = timezone.localdate(self.now)
        events = []
        for op in ops:
            staff = op.values["practitioner__staff_code"]
            holder = staff_ids[staff] if staff else None
            for kind, before, after in _case_changes(op):
                details = {"from": before, "to": after, "import_run": self.run_id}
                events.append(
                    CaseEvent(
                        case_id=op.pk, kind=kind, occurred_on=on, recorded_by=self.actor,
                        practitioner_id=holder, details=details,
                    )
                )  # fmt: skip
            if holder and {"category", "level", "flags"} & set(op.changes):
                self.outcome.touched.add((holder, unit_ids[op.values["team__code"]]))
        for batch in _chunks(events):
            CaseEvent.objects.bulk_create(batch)

    def _spells(self, cases: list[tuple[Case, int | None]]) -> None:
        """Close the open spell of each case whose holder, team or status changed; open a spell for the new
        holder of an open case, with an allocated (first holder) or reallocated event."""
        had_spell: set[int] = set()
        for ids in _chunks([case.pk for case, _ in cases]):  # SQLite limits the values in one query
            open_spells = CaseAllocation.objects.filter(case_id__in=ids, ended_at__isnull=True)
            had_spell.update(open_spells.values_list("case_id", flat=True))
            open_spells.update(ended_at=self.now)
        spells, events = [], []
        for case, previous in cases:
            if case.pk in self.outcome.moved_cases:  # a changed case, not a new one: its team after too
                self.outcome.moved_cases[case.pk].add(case.team_id)
            if case.practitioner_id is None or case.status != CaseStatus.ACTIVE:
                continue
            self.outcome.touched.add((case.practitioner_id, case.team_id))
            spells.append(
                CaseAllocation(
                    case=case, practitioner_id=case.practitioner_id, team_id=case.team_id, started_at=self.now,
                    allocated_by=self.actor, notes=f"Import run {self.run_id}",
                )
            )  # fmt: skip
            events.append(
                CaseEvent(
                    case=case, kind=EventKind.REALLOCATED if previous or case.pk in had_spell else EventKind.ALLOCATED,
                    occurred_on=timezone.localdate(self.now), recorded_by=self.actor,
                    practitioner_id=case.practitioner_id,
                    details={"from": previous, "to": case.practitioner_id, "import_run": self.run_id},
                )
            )  # fmt: skip
        for batch in _chunks(spells):
            CaseAllocation.objects.bulk_create(batch)
        for batch in _chunks(events):
            CaseEvent.objects.bulk_create(batch)

    def _events(self, plan: EntityPlan) -> None:
        staff_ids = self._staff_ids()
        case_ids = {
            (org, ref): pk
            for org, ref, pk in Case.objects.filter(
                organisation__code__in={op.row["organisation_code"] for op in plan.adds}
            ).values_list("organisation__code", "reference", "pk")
        }

        def build(op: Op) -> CaseEvent:
            row = op.row
            details: dict[str, Any] = {"import_run": self.run_id}
            if row["event_id"]:
                details["source_id"] = row["event_id"]
            if row["notes"]:
                details["notes"] = row["notes"]
            return CaseEvent(
                case_id=case_ids[(row["organisation_code"], row["case_reference"])],
                kind=row["kind"],
                occurred_on=row["occurred_on"],
                recorded_by=self.actor,
                practitioner_id=staff_ids[row["staff_code"]] if row["staff_code"] else None,
                report_type=row["report_type"] or "",
                contact_type=row["contact_type"] or "",
                details=details,
            )

        self._bulk_create("events", CaseEvent, plan.adds, build)
        self._event_outcome(plan.adds, case_ids, staff_ids)

    def _event_outcome(
        self, ops: list[Op], case_ids: dict[tuple[str, str], int], staff_ids: dict[str, int]
    ) -> None:
        """Whose figures the added events change, from their cases' holders after the import."""
        keys = [(op.row["organisation_code"], op.row["case_reference"]) for op in ops]
        holders: dict[int, tuple[int | None, int]] = {}
        for batch in _chunks(sorted({case_ids[key] for key in keys})):
            cases = Case.objects.filter(pk__in=batch).values_list("pk", "practitioner_id", "team_id")
            holders.update((pk, (holder, team)) for pk, holder, team in cases)
        for op, key in zip(ops, keys, strict=True):
            staff = op.row["staff_code"]
            holder, team = holders[case_ids[key]]
            self.outcome.event(op.row["kind"], staff_ids[staff] if staff else None, holder, team)

    def _staff_ids(self) -> dict[str, int]:
        return dict(Practitioner.objects.values_list("staff_code", "pk"))

    def _unit_ids(self) -> dict[str, int]:
        return dict(OrgUnit.objects.values_list("code", "pk"))


def _open_memberships(practitioner_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """(practitioner id, team id) → the membership a new reduction belongs to: the open one, else the latest."""
    found: dict[tuple[int, int], int] = {}
    open_pairs: set[tuple[int, int]] = set()
    rows = TeamMembership.objects.filter(practitioner_id__in=set(practitioner_ids)).order_by(
        "start_date", "pk"
    )
    for pk, practitioner_id, team_id, end_date in rows.values_list(
        "pk", "practitioner_id", "team_id", "end_date"
    ):
        pair = (practitioner_id, team_id)
        if pair not in open_pairs:
            found[pair] = pk
        if end_date is None:
            open_pairs.add(pair)
    return found


def _case_changes(op: Op) -> list[tuple[str, Any, Any]]:
    """(event kind, from, to) for the change of a case's category, level and flags, shaped as the case
    services record them: a category change maps category and level; a level change is the level itself;
    a flags change maps flags to the whole list."""

    def old(name: str) -> Any:
        return op.changes[name][0] if name in op.changes else op.values[name]

    found: list[tuple[str, Any, Any]] = []
    if "category" in op.changes:
        found.append((
            EventKind.CATEGORY_CHANGED,
            {"category": old("category"), "level": old("level")},
            {"category": op.values["category"], "level": op.values["level"]},
        ))  # fmt: skip
    elif "level" in op.changes:
        found.append((EventKind.LEVEL_CHANGED, old("level"), op.values["level"]))
    if "flags" in op.changes:
        found.append(
            (
                EventKind.FLAGS_CHANGED,
                {"flags": list(old("flags") or [])},
                {"flags": sorted(op.values["flags"])},
            )
        )
    return found


def _chunks(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _rewrite_paths(old_path: str, new_path: str) -> None:
    """Swap the path prefix of every descendant of a moved unit; depth follows the number of segments."""
    if old_path == new_path:
        return
    depth_change = new_path.count("/") - old_path.count("/")
    descendants = OrgUnit.objects.filter(path__startswith=old_path).exclude(path=old_path)
    for pk, depth in descendants.values_list("pk", "depth"):
        OrgUnit.objects.filter(pk=pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=depth + depth_change
        )
