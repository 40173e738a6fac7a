"""The offline workload format (JSON) read by `caseload score`: practitioners, their work and CMS contacts.

Documented with a full example in docs/scoring.md ("The score command"); field names are those of the input
dataclasses in `caseload.domain.values`. Every problem is reported with its path, e.g.
`practitioners[0].cases[3].start_date: must be a date written YYYY-MM-DD`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from caseload.domain.reader import InputError, Node
from caseload.domain.strict_loading import DuplicateKeyError, load_json
from caseload.domain.values import (
    MAX_HOURS,
    CaseInput,
    CmsContactInput,
    ExtraResponsibilityInput,
    PractitionerInput,
    ReductionInput,
    ReportInput,
)


@dataclass(frozen=True)
class Workload:
    on: date | None
    practitioners: tuple[PractitionerInput, ...]
    cms_contacts: tuple[CmsContactInput, ...]


def load_workload_file(path: Path | str) -> Workload:
    """Read and validate a workload JSON file."""
    path = Path(path)
    try:
        data = load_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError([("", f"cannot read {path}: {error.strerror}")], what="workload file") from error
    except (json.JSONDecodeError, DuplicateKeyError) as error:
        raise InputError([("", f"{path.name} is not valid JSON: {error}")], what="workload file") from error
    return parse_workload(data)


def parse_workload(data: Any) -> Workload:
    """Validate parsed JSON and build the domain inputs; raise `InputError` listing every problem."""
    problems: list[tuple[str, str]] = []
    root = Node(data, "", problems)
    if not root.is_mapping():
        raise InputError(problems, what="workload file")
    root.only("on", "practitioners", "cms_contacts")
    on = root.date("on", required=False)
    practitioners = tuple(_practitioner(node) for node in root.elements("practitioners", required=True))
    contacts = tuple(_contact(node) for node in root.elements("cms_contacts"))
    ids = [practitioner.id for practitioner in practitioners]
    for index, identifier in enumerate(ids):
        if identifier in ids[:index]:
            problems.append((f"practitioners[{index}].id", f"{identifier!r} is used twice"))
    if problems:
        raise InputError(problems, what="workload file")
    return Workload(on, practitioners, contacts)


def _practitioner(node: Node) -> PractitionerInput:
    node.is_mapping()
    node.only(
        "id", "name", "grade", "contracted_hours", "reductions", "cases", "reports", "extra_responsibilities"
    )
    return PractitionerInput(
        id=node.text("id"),
        name=node.text("name", ""),
        grade=node.text("grade", "", required=False),
        contracted_hours=node.decimal("contracted_hours", 0, MAX_HOURS),
        reductions=tuple(_reduction(child) for child in node.elements("reductions")),
        cases=tuple(_case(child) for child in node.elements("cases")),
        reports=tuple(_report(child) for child in node.elements("reports")),
        extra_responsibilities=tuple(_extra(child) for child in node.elements("extra_responsibilities")),
    )


def _reduction(node: Node) -> ReductionInput:
    node.is_mapping()
    node.only("reason", "hours", "effective_from", "effective_to", "deleted")
    start = node.date("effective_from") or date.min
    end = node.date("effective_to", required=False)
    if end is not None and end < start:
        node.problem("must not be before effective_from", "effective_to")
    return ReductionInput(
        node.text("reason"), node.decimal("hours", 0, MAX_HOURS), start, end, node.boolean("deleted", False)
    )


def _case(node: Node) -> CaseInput:
    node.is_mapping()
    node.only(
        "reference",
        "category",
        "level",
        "status",
        "flags",
        "sibling_group",
        "start_date",
        "expected_end_date",
        "expected_release_date",
    )
    return CaseInput(
        reference=node.text("reference"),
        category=node.text("category"),
        level=node.optional_text("level"),
        status=node.text("status", "active"),
        flags=frozenset(node.texts("flags")),
        sibling_group=node.optional_text("sibling_group"),
        start_date=node.date("start_date", required=False),
        expected_end_date=node.date("expected_end_date", required=False),
        expected_release_date=node.date("expected_release_date", required=False),
    )


def _report(node: Node) -> ReportInput:
    node.is_mapping()
    node.only("type", "completed")
    return ReportInput(node.text("type"), node.date("completed") or date.min)


def _extra(node: Node) -> ExtraResponsibilityInput:
    node.is_mapping()
    node.only("code", "quantity")
    return ExtraResponsibilityInput(node.text("code"), node.decimal("quantity", 0, 1000, default=Decimal(1)))


def _contact(node: Node) -> CmsContactInput:
    node.is_mapping()
    node.only("contact_type", "contact_date", "case_reference", "performed_by", "case_holder")
    return CmsContactInput(
        contact_type=node.text("contact_type"),
        contact_date=node.date("contact_date") or date.min,
        case_reference=node.text("case_reference"),
        performed_by=node.text("performed_by"),
        case_holder=node.text("case_holder"),
    )
