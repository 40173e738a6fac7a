"""The generic import layouts, as data: one source of truth for the parser, the downloadable templates and
docs/imports.md (a test keeps the document in step with this module).

A layout is one entity (org units, practitioners, memberships, reductions, cases, events): its columns with
type, required flag, allowed values, help and an example. A workbook may hold several entity sheets, named
by entity; a CSV file holds one. Another file format (such as a case-management extract) plugs in by
reading its own sheets into rows of these entities, so that checking, planning and applying are shared."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from caseload.cases.models import CaseFlag, CaseStatus, EventKind, ReportType
from caseload.organisations.models import OrgUnitKind, Service

TEXT, DECIMAL, DATE, CHOICE, LIST = "text", "decimal", "date", "choice", "list"
TYPE_HELP = {
    TEXT: "Text",
    DECIMAL: "Number",
    DATE: "Date (YYYY-MM-DD)",
    CHOICE: "One of the allowed values",
    LIST: "Values separated by semicolons",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    help: str
    example: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    # Values refused with their own message (not listed as allowed), as (value, message) pairs.
    refused: tuple[tuple[str, str], ...] = ()

    @property
    def allowed(self) -> str:
        """The allowed values (or range) in words, for guidance and messages."""
        if self.choices:
            return ", ".join(self.choices)
        if self.minimum is not None and self.maximum is not None:
            return f"{self.minimum} to {self.maximum}"
        return ""


@dataclass(frozen=True)
class Layout:
    entity: str
    title: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    examples: tuple[dict[str, str], ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _choices(values: list[str]) -> tuple[str, ...]:
    return tuple(values)


HOURS_RANGE = {"minimum": Decimal(0), "maximum": Decimal(48)}

# A case's level, category and flags change through the cases sheet, which records the change event with
# the values before and after (so recomputed snapshots can undo it); the events sheet refuses those kinds.
CASE_CHANGES = {
    EventKind.LEVEL_CHANGED.value: "level",
    EventKind.CATEGORY_CHANGED.value: "category (and level)",
    EventKind.FLAGS_CHANGED.value: "flags",
}
REFUSED_KINDS = tuple(
    (kind, f"{kind} cannot be imported as an event: change the case's {field} in the cases sheet instead, and "
     "the import records the change with the values before and after.")
    for kind, field in CASE_CHANGES.items()
)  # fmt: skip

ORG_UNITS = Layout(
    entity="org_units",
    title="Organisation units",
    description="The organisation tree: organisation, divisions or regions, areas, teams. A parent must be "
    "in the database already or earlier or later in the same sheet. Changing a unit's parent moves it, with "
    "everything below it, and keeps the record of where it was.",
    key=("code",),
    columns=(
        Column("code", TEXT, "Unique code of the unit.", "NORTH-A", required=True, max_length=40),
        Column("name", TEXT, "Name shown on screens.", "North Team A", required=True, max_length=200),
        Column("kind", CHOICE, "Level in the tree.", "team", required=True, choices=_choices(OrgUnitKind.values)),
        Column("parent_code", TEXT, "Code of the unit above; blank for an organisation.", "NORTH-AREA", max_length=40),
        Column("service", CHOICE, "Service the unit works in; blank for an organisation.", "probation",
               choices=_choices(Service.values)),
        Column("effective_from", DATE, "First day in effect; today when blank for a new unit.", "2026-04-01"),
        Column("effective_to", DATE, "Last day in effect; blank while it exists.", ""),
    ),
    examples=(
        {"code": "ORG", "name": "Example Probation Service", "kind": "organisation", "effective_from": "2020-01-01"},
        {"code": "NORTH-A", "name": "North Team A", "kind": "team", "parent_code": "ORG", "service": "probation",
         "effective_from": "2020-01-01"},
    ),
)  # fmt: skip

PRACTITIONERS = Layout(
    entity="practitioners",
    title="Practitioners",
    description="Members of staff who may hold cases. Their teams and hours are in the memberships layout. "
    "An unknown grade code is a warning for someone already recorded (their grade is left as it is) and an "
    "error for someone new.",
    key=("staff_code",),
    columns=(
        Column("staff_code", TEXT, "Unique staff code, as in the case-management system.", "N01A123", required=True,
               max_length=40),
        Column("first_name", TEXT, "First name.", "Priya", required=True, max_length=100),
        Column("last_name", TEXT, "Last name.", "Shah", required=True, max_length=100),
        Column("grade_code", TEXT, "Grade code (see Administration → Grades), e.g. PO, PSO, SW, CM.", "PO",
               required=True, max_length=20),
        Column("email", TEXT, "Work email address.", "priya.shah@example.org", max_length=254),
        Column("start_date", DATE, "First day in post.", "2021-09-01"),
        Column("leave_date", DATE, "Last day in post; blank while in post.", ""),
    ),
    examples=(
        {"staff_code": "N01A123", "first_name": "Priya", "last_name": "Shah", "grade_code": "PO",
         "email": "priya.shah@example.org", "start_date": "2021-09-01"},
    ),
)  # fmt: skip

MEMBERSHIPS = Layout(
    entity="memberships",
    title="Team memberships and contracted hours",
    description="Who works in which team, with the contracted hours they give to it. One row per practitioner "
    "and team; someone working in two teams has two rows. Matched to the open membership of that "
    "practitioner in that team (or, when ended, the one with the same start date). An end date closes it; a "
    "row for a new team while the old one is closed moves the practitioner.",
    key=("staff_code", "team_code"),
    columns=(
        Column("staff_code", TEXT, "Staff code of the practitioner.", "N01A123", required=True, max_length=40),
        Column("team_code", TEXT, "Code of the team (an org unit of kind team).", "NORTH-A", required=True,
               max_length=40),
        Column("contracted_hours", DECIMAL, "Contracted hours per week in this team.", "37", required=True,
               **HOURS_RANGE),
        Column("start_date", DATE, "First day in the team; today when blank for a new membership.", "2021-09-01"),
        Column("end_date", DATE, "Last day in the team; blank while a member.", ""),
    ),
    examples=(
        {"staff_code": "N01A123", "team_code": "NORTH-A", "contracted_hours": "37", "start_date": "2021-09-01"},
    ),
)  # fmt: skip

REDUCTIONS = Layout(
    entity="reductions",
    title="Reductions",
    description="Hours a week taken off a membership's available time, for a reason. The reason's rules "
    "apply as they do on screen: a default percentage fixes the hours, a maximum percentage caps them and "
    "months-to-expiry sets the end date. Matched by practitioner, team, reason and start date.",
    key=("staff_code", "team_code", "reason_code", "effective_from"),
    columns=(
        Column("staff_code", TEXT, "Staff code of the practitioner.", "N01A123", required=True, max_length=40),
        Column("team_code", TEXT, "Team of the membership the reduction applies to.", "NORTH-A", required=True,
               max_length=40),
        Column("reason_code", TEXT, "Reduction reason code (see Administration → Reduction reasons).",
               "trade-union", required=True, max_length=40),
        Column("hours", DECIMAL, "Hours per week; may be blank when the reason fixes the hours.", "7.4",
               **HOURS_RANGE),
        Column("effective_from", DATE, "First day of the reduction.", "2026-04-01", required=True),
        Column("effective_to", DATE, "Last day; blank when open-ended.", "2026-09-30"),
        Column("notes", TEXT, "Free text.", "Branch secretary", max_length=2000),
    ),
    examples=(
        {"staff_code": "N01A123", "team_code": "NORTH-A", "reason_code": "trade-union", "hours": "7.4",
         "effective_from": "2026-04-01", "effective_to": "2026-09-30", "notes": "Branch secretary"},
    ),
)  # fmt: skip

CASES = Layout(
    entity="cases",
    title="Cases",
    description="Cases, the team they sit with and who holds them. Matched by organisation and reference. "
    "A change of holder closes the current allocation spell and opens a new one; a blank staff code leaves "
    "the case unallocated. Status closed (with a closed date) closes the case. A change of category, level "
    "or flags records the matching change event, dated on the day of the import, with the values before "
    "and after.",
    key=("organisation_code", "reference"),
    columns=(
        Column("organisation_code", TEXT, "Code of the organisation (the top of the tree) the case belongs to.",
               "ORG", required=True, max_length=40),
        Column("reference", TEXT, "Case reference, unique in the organisation (e.g. CRN).", "X123456",
               required=True, max_length=40),
        Column("name", TEXT, "Name of the person.", "Alex Example", required=True, max_length=200),
        Column("service", CHOICE, "Service the case is in.", "probation", required=True,
               choices=_choices(Service.values)),
        Column("category", TEXT, "Case category code from the workload scheme.", "community", required=True,
               max_length=60),
        Column("level", TEXT, "Tier or complexity level code.", "B2", max_length=20),
        Column("status", CHOICE, "active or closed; active when blank.", "active",
               choices=_choices(CaseStatus.values)),
        Column("flags", LIST, "Case flags, separated by semicolons.", "young_adult;interpreter",
               choices=_choices(CaseFlag.values)),
        Column("sibling_group", TEXT, "Shared code for siblings worked together.", "", max_length=40),
        Column("received_date", DATE, "When the case came to the service.", "2026-01-05", required=True),
        Column("start_date", DATE, "Sentence, order or plan start.", "2026-01-05"),
        Column("expected_end_date", DATE, "Expected end.", "2027-01-04"),
        Column("expected_release_date", DATE, "Expected release from custody.", ""),
        Column("closed_date", DATE, "Required when the status is closed.", ""),
        Column("team_code", TEXT, "Team the case sits with; must be inside the organisation.", "NORTH-A",
               required=True, max_length=40),
        Column("staff_code", TEXT, "Staff code of the holder; blank when unallocated. An open case's holder "
               "must be a member of its team.", "N01A123", max_length=40),
    ),
    examples=(
        {"organisation_code": "ORG", "reference": "X123456", "name": "Alex Example", "service": "probation",
         "category": "community", "level": "B2", "status": "active", "flags": "young_adult",
         "received_date": "2026-01-05", "start_date": "2026-01-05", "team_code": "NORTH-A",
         "staff_code": "N01A123"},
    ),
)  # fmt: skip

EVENTS = Layout(
    entity="events",
    title="Case events, contacts and reports",
    description="Things that happened on cases: contacts, case-management-support contacts, reports "
    "requested and completed, allocations, status changes and closures, kept as the case's history (an event "
    "does not change the case). Events are only ever added. An event already recorded (same case, kind, "
    "date, practitioner, report type, contact type and event id) is not added again, so the same file twice "
    "adds nothing; give event_id when two identical events on one day are both real. Level, category and "
    "flag changes are not imported as events: change the case in the cases sheet, and the import records "
    "the change event itself, with the values before and after.",
    key=("organisation_code", "case_reference", "kind", "occurred_on", "staff_code", "report_type",
         "contact_type", "event_id"),
    columns=(
        Column("organisation_code", TEXT, "Organisation of the case.", "ORG", required=True, max_length=40),
        Column("case_reference", TEXT, "Reference of the case.", "X123456", required=True, max_length=40),
        Column("kind", CHOICE, "What happened. Not level_changed, category_changed or flags_changed: change "
               "the case in the cases sheet.", "contact", required=True,
               choices=_choices([k for k in EventKind.values if k not in CASE_CHANGES]), refused=REFUSED_KINDS),
        Column("occurred_on", DATE, "When it happened.", "2026-03-02", required=True),
        Column("staff_code", TEXT, "Who did it; required for cms_contact.", "N01A123", max_length=40),
        Column("report_type", CHOICE, "Required for report_requested and report_completed.", "",
               choices=_choices(ReportType.values)),
        Column("contact_type", TEXT, "Contact type code; required for cms_contact.", "", max_length=20),
        Column("event_id", TEXT, "The event's id in the source system, if it has one.", "E-998877",
               max_length=60),
        Column("notes", TEXT, "Free text, kept with the event.", "", max_length=2000),
    ),
    examples=(
        {"organisation_code": "ORG", "case_reference": "X123456", "kind": "report_requested",
         "occurred_on": "2026-03-02", "staff_code": "N01A123", "report_type": "court_standard"},
        {"organisation_code": "ORG", "case_reference": "X123456", "kind": "cms_contact",
         "occurred_on": "2026-03-03", "staff_code": "N01A123", "contact_type": "CMS01", "event_id": "E-998877"},
    ),
)  # fmt: skip

# The order entities are checked and applied in: each may refer to the ones before it.
GENERIC_LAYOUTS: dict[str, Layout] = {
    layout.entity: layout for layout in (ORG_UNITS, PRACTITIONERS, MEMBERSHIPS, REDUCTIONS, CASES, EVENTS)
}
ENTITIES = list(GENERIC_LAYOUTS)
GUIDANCE_SHEET = "Guidance"


def entity_for_name(file_name: str) -> str | None:
    """The entity a CSV file name points to: 'cases.csv', 'cases-2026-03.csv', 'Org units.csv'."""
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0].strip().lower().replace(" ", "_").replace("-", "_")
    for entity in sorted(ENTITIES, key=len, reverse=True):
        if stem == entity or stem.startswith(entity + "_"):
            return entity
    return None


def markdown_reference() -> str:
    """Every column of every layout as Markdown tables, for docs/imports.md."""
    lines: list[str] = []
    for layout in GENERIC_LAYOUTS.values():
        lines += [f"### `{layout.entity}` — {layout.title}", "", layout.description, ""]
        lines += [f"Matched on: {', '.join(f'`{k}`' for k in layout.key)}.", ""]
        lines += [
            "| Column | Type | Required | Allowed values | Help | Example |",
            "|---|---|---|---|---|---|",
        ]
        for c in layout.columns:
            allowed = c.allowed
            lines.append(
                f"| `{c.name}` | {TYPE_HELP[c.type]} | {'yes' if c.required else 'no'} | {allowed} | "
                f"{c.help} | {f'`{c.example}`' if c.example else ''} |"
            )
        lines += ["", "Example rows (CSV):", "", "```csv", ",".join(layout.column_names)]
        for example in layout.examples:
            lines.append(",".join(example.get(name, "") for name in layout.column_names))
        lines += ["```", ""]
    return "\n".join(lines)
