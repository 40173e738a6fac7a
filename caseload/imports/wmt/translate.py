"""From the extract's sheets to rows of the generic layouts (org units, practitioners, memberships, cases,
events), which the framework then checks, plans and applies. The decisions are in
docs/adr/0005-extract-counts-as-cases.md: each count becomes that many cases with deterministic
references; a flagged case takes the place of one counted case in its cell; counted cases missing from a
later extract are closed; court-report counts top up `report_completed` events; CMS rows are contacts."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from decimal import Decimal
from typing import Any

from django.utils import timezone

from caseload.cases.models import Case, CaseEvent, CaseStatus, EventKind
from caseload.domain.presets import PRESETS_DIR
from caseload.domain.scheme import Scheme, normalise_grade_code
from caseload.domain.scheme_parser import load_scheme_file
from caseload.imports.layouts import GENERIC_LAYOUTS
from caseload.imports.planning import ImportPlan, build_plan
from caseload.imports.readers import FileRejected, Problem
from caseload.imports.validation import ParsedFile, Row
from caseload.imports.wmt.sheets import (
    FLAG_SHEETS,
    LOCATION_NAMES,
    OPTIONAL_FLAG_SHEETS,
    SLOTS,
    TIER_COLUMNS,
    UNTIERED,
    Extract,
    ExtractRow,
    read_extract,
)
from caseload.organisations.models import Grade, OrgUnit, OrgUnitKind, Practitioner

PRESET = "probation-wmt-legacy"
ALL_FLAG_SHEETS = {**FLAG_SHEETS, **OPTIONAL_FLAG_SHEETS}
SHEET_FLAGS = set(ALL_FLAG_SHEETS.values())
EXTRACT_FLAGS = {*SHEET_FLAGS, "young_adult"}
SHORT = {"community": "COM", "licence": "LIC", "custody": "CUS"}
REPORTS = (("sdr_last_30", "court_standard"), ("sdr_conv_last_30", "court_fast"))
REPORT_WINDOW_DAYS = 30
ALL = {entity: frozenset(layout.column_names) for entity, layout in GENERIC_LAYOUTS.items()}
Cell = tuple[str, str, str, str]  # officer, team, category, level


def plan_extract(content: bytes, organisation: OrgUnit | None) -> ImportPlan:
    """The dry run of a WMT extract imported into `organisation` (the only one, when not given)."""
    extract = read_extract(content)
    org = _organisation(organisation)
    parsed = ParsedFile(errors=list(extract.errors), warnings=list(extract.warnings))
    translation = Translation(extract, org, _scheme(org), parsed)
    translation.run()
    return build_plan(parsed, new_grades=translation.new_grades)


def _organisation(organisation: OrgUnit | None) -> OrgUnit:
    if organisation is not None:
        if organisation.kind != OrgUnitKind.ORGANISATION:
            raise FileRejected(f"“{organisation.code}” is not an organisation; choose the organisation.")
        return organisation
    found = list(OrgUnit.objects.filter(kind=OrgUnitKind.ORGANISATION, parent__isnull=True)[:2])
    if len(found) != 1:
        raise FileRejected(
            "Choose the organisation to import the extract into (the command's --organisation option)."
            if found
            else "Add the organisation first: the extract's regions are placed under it."
        )
    return found[0]


def _scheme(org: OrgUnit) -> Scheme:
    """The scheme in force for the organisation, else the shipped legacy WMT preset (for grade aliases and
    default hours)."""
    from caseload.schemes.selectors import version_for_unit
    from caseload.schemes.services import domain_scheme

    version = version_for_unit(org, timezone.localdate())
    return domain_scheme(version) if version else load_scheme_file(PRESETS_DIR / f"{PRESET}.yaml")


class Translation:
    def __init__(self, extract: Extract, org: OrgUnit, scheme: Scheme, parsed: ParsedFile) -> None:
        self.extract, self.org, self.scheme, self.parsed = extract, org, scheme, parsed
        self.today = timezone.localdate()
        dates = [r["datestamp"] for r in extract.rows["wmt_extract"] if r["datestamp"]]
        self.date: dt.date = max(dates) if dates else self.today
        self.officers: dict[tuple[str, str], ExtractRow] = {}
        self.grade_codes: dict[str, int] = dict(Grade.objects.values_list("code", "pk"))
        self.new_grades: dict[str, dict[str, Any]] = {}
        self.cases: dict[str, Row] = {}
        self.used_ids: set[str] = set()
        self.existing = {
            c["reference"]: c
            for c in Case.objects.filter(organisation=org).values(
                "pk", "reference", "status", "flags", "team__code", "practitioner__staff_code", "name",
                "category", "level", "received_date", "closed_date", "service",
            )
        }  # fmt: skip

    def add(self, entity: str, source: ExtractRow | None, values: dict[str, Any], keep: set[str]) -> Row:
        """A generic row; `keep` names columns that leave an existing record's value as it is."""
        row = Row(source.sheet if source else "wmt_extract_filtered", source.number if source else 0, values)
        row.present = ALL[entity] - keep
        self.parsed.rows[entity].append(row)
        return row

    def run(self) -> None:
        self._officers()
        counted, young = self._counts("wmt_extract_filtered"), self._counts("t2a")
        flagged = self._flagged()
        self._contacts()
        if self.parsed.errors:
            return
        self._counted_cases(counted, flagged, young)
        self._close_missing()
        self._reports()

    # -- the tree, people and memberships, from wmt_extract
    def _officers(self) -> None:
        units: dict[str, tuple[str, str]] = {}
        people: set[str] = set()
        for row in self.extract.rows["wmt_extract"]:
            blank = [
                c for c in ("region_code", "pdu_code", "team_code", "om_key", "om_surname") if not row[c]
            ]
            for column in blank:
                self.parsed.errors.append(_problem(row, column, "Enter a value: this column is required."))
            if blank:
                continue
            key = (row["om_key"], row["team_code"])
            if key in self.officers:
                self.parsed.errors.append(
                    _problem(row, "team_code", f"{key[0]} in team {key[1]} is already on row "
                             f"{self.officers[key].number}.")
                )  # fmt: skip
                continue
            self.officers[key] = row
            chain = (
                (row["region_code"], row["region_desc"], OrgUnitKind.REGION, self.org.code),
                (row["pdu_code"], row["pdu_desc"], OrgUnitKind.PDU, row["region_code"]),
                (row["team_code"], row["team_desc"], OrgUnitKind.TEAM, row["pdu_code"]),
            )
            for code, name, kind, parent in chain:
                if code in units:
                    if units[code] != (kind, parent):
                        self.parsed.errors.append(
                            _problem(row, f"{kind}_code", f"“{code}” is already a {units[code][0]} under "
                                     f"“{units[code][1]}” on an earlier row.")
                        )  # fmt: skip
                    continue
                units[code] = (kind, parent)
                values = {"code": code, "name": name or code, "kind": kind, "parent_code": parent,
                          "service": "probation", "effective_from": None, "effective_to": None}  # fmt: skip
                self.add("org_units", row, values, {"effective_from", "effective_to"})
            if row["om_key"] not in people:
                people.add(row["om_key"])
                self._practitioner(row)
            self._membership(row)

    def _practitioner(self, row: ExtractRow) -> None:
        values = {"staff_code": row["om_key"], "first_name": row["om_forename"] or "-",
                  "last_name": row["om_surname"], "grade_code": self._grade(row)}  # fmt: skip
        self.add("practitioners", row, values, {"email", "start_date", "leave_date"})

    def _grade(self, row: ExtractRow) -> str:
        """The extract's grade code through the scheme's aliases (unknown codes → the scheme's unknown
        grade, with a warning), then to a grade record: the one with the scheme grade's code, else one that
        is an alias of it (PQIP for TPO), else one to be added."""
        code = str(row["om_grade_code"])
        known = {normalise_grade_code(a) for g in self.scheme.grades for a in (g.code, *g.aliases)}
        grade = self.scheme.resolve_grade(code)
        if grade is None:
            self.parsed.errors.append(_problem(row, "om_grade_code", f"Unknown grade code “{code}”."))
            return code
        if code and normalise_grade_code(code) not in known:
            self.parsed.warnings.append(
                _problem(row, "om_grade_code", f"Unknown grade code “{code}”: measured as {grade.code} "
                         f"({grade.name}).")
            )  # fmt: skip
        if grade.code in self.grade_codes:
            return grade.code
        alias = next((g for g in self.grade_codes if self.scheme.resolve_grade(g) is grade
                      and normalise_grade_code(g) in known), None)  # fmt: skip
        if alias:
            return alias
        if grade.code not in self.new_grades:
            self.new_grades[grade.code] = {
                "name": grade.name, "service": "probation", "holds_cases": grade.measured,
                "default_weekly_hours": min(grade.default_hours, Decimal(48)),
            }  # fmt: skip
            self.parsed.warnings.append(
                _problem(row, "om_grade_code", f"Grade {grade.code} ({grade.name}) is not recorded yet and "
                         "will be added.")
            )  # fmt: skip
        return grade.code

    def _membership(self, row: ExtractRow) -> None:
        grade = self.scheme.resolve_grade(row["om_grade_code"])
        hours = min(grade.default_hours, Decimal(48)) if grade else Decimal(0)
        values = {"staff_code": row["om_key"], "team_code": row["team_code"], "contracted_hours": hours,
                  "start_date": None, "end_date": None}  # fmt: skip
        # New memberships get the grade's default hours (WMT §2.5); existing ones keep theirs.
        self.add("memberships", row, values, {"contracted_hours", "start_date", "end_date"})

    # -- counts and flagged cases
    def _counts(self, sheet: str) -> dict[Cell, tuple[int, ExtractRow]]:
        counts: dict[Cell, tuple[int, ExtractRow]] = {}
        seen: dict[tuple[str, str], int] = {}
        for row in self.extract.rows[sheet]:
            key = (row["om_key"], row["team_code"])
            if not self._officer_known(row, key, "team_code"):
                continue
            if key in seen:
                self.parsed.errors.append(
                    _problem(row, "team_code", f"{key[0]} in team {key[1]} is already on row {seen[key]}.")
                )
                continue
            seen[key] = row.number
            for column, (category, level) in TIER_COLUMNS.items():
                if row[column]:
                    counts[(*key, category, level)] = (row[column], row)
        return counts

    def _officer_known(self, row: ExtractRow, key: tuple[str, str], column: str) -> bool:
        if key in self.officers:
            return True
        self.parsed.errors.append(
            _problem(row, column, f"There is no wmt_extract row for {key[0]} in team {key[1]}.")
        )
        return False

    def _flagged(self) -> dict[str, tuple[Cell, set[str], ExtractRow]]:
        """CRN → its cell, flags and first row, from the flag sheets."""
        flagged: dict[str, tuple[Cell, set[str], ExtractRow]] = {}
        for sheet, flag in ALL_FLAG_SHEETS.items():
            for row in self.extract.rows.get(sheet, []):
                crn, location, slot = row["case_ref_no"], row["location"].lower(), row["tier_code"]
                if not crn:
                    self.parsed.errors.append(_problem(row, "case_ref_no", "Enter the case reference (CRN)."))
                    continue
                if location not in LOCATION_NAMES:
                    self.parsed.errors.append(
                        _problem(
                            row, "location", f"“{row['location']}” is not Community, Licence or Custody."
                        )
                    )
                    continue
                if slot >= len(SLOTS):
                    self.parsed.errors.append(_problem(row, "tier_code", f"Tier slot {slot} is not 0 to 32."))
                    continue
                key = (row["om_key"], row["team_code"])
                if not self._officer_known(row, key, "om_key"):
                    continue
                cell = (*key, LOCATION_NAMES[location], SLOTS[slot])
                if crn in flagged:
                    flagged[crn][1].add(flag)
                else:
                    flagged[crn] = (cell, {flag}, row)
        return flagged

    def _counted_cases(
        self,
        counted: dict[Cell, tuple[int, ExtractRow]],
        flagged: dict[str, tuple[Cell, set[str], ExtractRow]],
        young: dict[Cell, tuple[int, ExtractRow]],
    ) -> None:
        in_cell = Counter(cell for cell, _flags, _row in flagged.values())
        for crn, (cell, flags, row) in flagged.items():
            if in_cell[cell] > counted.get(cell, (0, row))[0]:
                self.parsed.warnings.append(
                    _problem(row, "case_ref_no", f"More flagged cases than the filtered count for {cell[0]}, "
                             f"{cell[1]}, {cell[2]} {cell[3]}: this case is imported in addition.")
                )  # fmt: skip
            self._case(crn, cell, row, flags, name=f"CRN {crn}")
        for cell, (count, row) in counted.items():
            for n in range(1, count - in_cell[cell] + 1):
                self._case(_reference(cell, str(n)), cell, row, set(), name=_name(cell, n))
        for cell, (count, row) in young.items():
            for n in range(1, count + 1):
                self._case(_reference(cell, f"Y{n}"), cell, row, {"young_adult"}, name=_name(cell, n, "T2A "))

    def _case(
        self, reference: str, cell: Cell, source: ExtractRow | None, flags: set[str], *, name: str,
        status: str = "active", closed: dt.date | None = None,
    ) -> None:  # fmt: skip
        old = self.existing.get(reference)
        kept = set(old["flags"]) - EXTRACT_FLAGS if old else set()
        values = {
            "organisation_code": self.org.code, "reference": reference, "name": name, "service": "probation",
            "category": cell[2], "level": cell[3], "status": status, "flags": sorted(kept | flags),
            "sibling_group": None, "received_date": self.date, "start_date": None, "expected_end_date": None,
            "expected_release_date": None, "closed_date": closed, "team_code": cell[1], "staff_code": cell[0],
        }  # fmt: skip
        keep = {"received_date", "start_date", "expected_end_date", "expected_release_date", "sibling_group"}
        if not reference.startswith("WMT-"):
            keep.add("name")  # a real case keeps the name it has
        if status == "closed" and old and old["status"] == "closed":
            keep.add("closed_date")
        if len(reference) > 40 and source is not None:
            self.parsed.errors.append(
                _problem(
                    source, "om_key", f"The case reference {reference} would be longer than 40 characters."
                )
            )
        self.cases[reference] = self.add("cases", source, values, keep)

    def _close_missing(self) -> None:
        """Cases of the extract's teams that this extract no longer has are closed, not deleted: counted
        cases, and flagged cases (a CRN) no longer on any flag sheet, which are now inside their cell's
        count instead (a CRN that moves to another officer or team is updated, not closed)."""
        teams = {team for _officer, team in self.officers}
        for reference, case in self.existing.items():
            counted = reference.startswith("WMT-") and not reference.endswith("-REPORTS")
            was_flagged = not reference.startswith("WMT-") and bool(SHEET_FLAGS & set(case["flags"] or ()))
            if (
                (counted or was_flagged)
                and case["status"] == CaseStatus.ACTIVE
                and case["team__code"] in teams
                and reference not in self.cases
            ):
                cell = (
                    case["practitioner__staff_code"] or "",
                    case["team__code"],
                    case["category"],
                    case["level"],
                )
                self._case(reference, cell, None, set(case["flags"]), name=case["name"], status="closed",
                           closed=self.date)  # fmt: skip

    # -- court reports and CMS contacts
    def _reports(self) -> None:
        """Top up `report_completed` events so that each officer and team has the extract's count in the 30
        days up to the extract's date; new ones are dated on that day, with keys from the date and number."""
        since = self.date - dt.timedelta(days=REPORT_WINDOW_DAYS)
        recorded = self._recorded_reports(since)
        for row in self.extract.rows["court_reports"]:
            key = (row["om_key"], row["team_code"])
            if key not in self.officers:
                self.parsed.warnings.append(
                    _problem(row, "om_key", f"{key[0]} in team {key[1]} has no wmt_extract row (a court-only "
                             "reporter): their reports were not imported.")
                )  # fmt: skip
                continue
            wanted = {kind: row[column] for column, kind in REPORTS}
            if not any(wanted.values()):
                continue
            holder = f"WMT-{key[0]}-{key[1]}-REPORTS"
            cell = (*key, "community", UNTIERED)
            self._case(holder, cell, row, set(), name="Court reports (WMT extract)", status="closed",
                       closed=self.date)  # fmt: skip
            for kind, count in wanted.items():
                standing = recorded.get((*key, kind), [])
                self._void(row, kind, standing[: max(len(standing) - count, 0)])
                # Keys from the date and a number not used yet (a voided report keeps its key).
                numbers = (
                    n for n in itertools.count(1) if f"WMT-{kind}-{self.date}-{n}" not in self.used_ids
                )
                for _n, number in zip(range(len(standing), count), numbers, strict=False):
                    values = {"organisation_code": self.org.code, "case_reference": holder,
                              "kind": EventKind.REPORT_COMPLETED.value, "occurred_on": self.date,
                              "staff_code": key[0], "report_type": kind, "contact_type": None,
                              "event_id": f"WMT-{kind}-{self.date}-{number}", "notes": None}  # fmt: skip
                    self.add("events", row, values, set())

    def _recorded_reports(self, since: dt.date) -> dict[tuple[str, str, str], list[tuple[Any, ...]]]:
        """(officer, team, report type) → the completed reports in the window that are not voided, oldest
        first, as (id, date, case reference)."""
        events = CaseEvent.objects.filter(
            kind__in=[EventKind.REPORT_COMPLETED, EventKind.REPORT_VOIDED], case__organisation=self.org,
            occurred_on__gt=since, occurred_on__lte=self.date,
        ).order_by("occurred_on", "pk")  # fmt: skip
        rows = list(
            events.values_list(
                "pk", "kind", "practitioner__staff_code", "case__team__code", "report_type", "occurred_on",
                "case__reference", "details__source_id",
            )
        )  # fmt: skip
        voided = {row[7] for row in rows if row[1] == EventKind.REPORT_VOIDED}
        self.used_ids = {row[7] for row in rows if row[7]}
        recorded: dict[tuple[str, str, str], list[tuple[Any, ...]]] = {}
        for pk, kind, staff, team, report_type, day, case, _source in rows:
            if kind == EventKind.REPORT_COMPLETED and f"VOID-{pk}" not in voided:
                recorded.setdefault((staff, team, report_type), []).append((pk, day, case))
        return recorded

    def _void(self, row: ExtractRow, report_type: str, surplus: list[tuple[Any, ...]]) -> None:
        """A later extract counts fewer reports in the window than are recorded: void the oldest surplus
        ones with a `report_voided` event each, dated as the report it cancels (so both leave the window
        together) and naming it (`VOID-<event id>`). Scoring counts completed minus voided reports."""
        for pk, day, case in surplus:
            values = {"organisation_code": self.org.code, "case_reference": case,
                      "kind": EventKind.REPORT_VOIDED.value, "occurred_on": day, "staff_code": row["om_key"],
                      "report_type": report_type, "contact_type": None, "event_id": f"VOID-{pk}",
                      "notes": f"The extract of {self.date.isoformat()} counts fewer reports."}  # fmt: skip
            self.add("events", row, values, set())

    def _contacts(self) -> None:
        staff = {officer for officer, _team in self.officers}
        staff |= set(
            Practitioner.objects.filter(staff_code__in=self._cms_staff()).values_list("staff_code", flat=True)
        )
        for row in self.extract.rows["cms"]:
            missing = [c for c in ("crn", "contact_date", "contact_type_code", "contact_id") if not row[c]]
            reported = {(p.sheet, p.row, p.column) for p in self.parsed.errors}
            for column in missing:
                if (row.sheet, row.number, column) not in reported:
                    self.parsed.errors.append(
                        _problem(row, column, "Enter a value: this column is required.")
                    )
            if missing:
                continue
            holder = (row["om_key"], row["om_team_key"])
            if row["contact_staff_key"] not in staff or holder not in self.officers:
                self.parsed.warnings.append(
                    _problem(row, "contact_staff_key" if holder in self.officers else "om_key",
                             "The contact's practitioner or the case's holder is not in the extract or "
                             "the database: the contact was not imported.")
                )  # fmt: skip
                continue
            if row["contact_type_code"] not in self.scheme.contact_types_by_code:
                self.parsed.warnings.append(
                    _problem(row, "contact_type_code", f"Contact type {row['contact_type_code']} is not in the "
                             "scheme; it weighs 0.")
                )  # fmt: skip
            crn = row["crn"]
            if crn not in self.cases and crn not in self.existing:
                # A case the extract does not otherwise list: recorded closed, so it earns nothing.
                self._case(crn, (*holder, "community", UNTIERED), row, set(), name=f"CRN {crn}",
                           status="closed", closed=row["contact_date"])  # fmt: skip
            values = {"organisation_code": self.org.code, "case_reference": crn, "kind": EventKind.CMS_CONTACT.value,
                      "occurred_on": row["contact_date"], "staff_code": row["contact_staff_key"],
                      "report_type": None, "contact_type": row["contact_type_code"],
                      "event_id": row["contact_id"], "notes": None}  # fmt: skip
            self.add("events", row, values, set())

    def _cms_staff(self) -> set[str]:
        return {row["contact_staff_key"] for row in self.extract.rows["cms"] if row["contact_staff_key"]}


def _reference(cell: Cell, ordinal: str) -> str:
    officer, team, category, level = cell
    tier = "U" if level == UNTIERED else level
    return f"WMT-{officer}-{team}-{SHORT[category]}-{tier}-{ordinal}"


def _name(cell: Cell, n: int, prefix: str = "") -> str:
    return f"{prefix}{cell[2].title()} {cell[3]} case {n} (WMT count)"


def _problem(row: ExtractRow, column: str, message: str) -> Problem:
    return Problem(row.sheet, row.number, column, message)
