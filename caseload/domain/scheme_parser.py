"""Scheme files (YAML/JSON) → validated `Scheme`, with every problem reported by field path.

The format is documented field by field in docs/scheme-format.md; `dump_scheme` (scheme_dump.py) writes
the same structure back.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from caseload.domain.performance import parse_performance
from caseload.domain.reader import InputError, Node
from caseload.domain.scheme import (
    DEFAULT_CASE_STATUSES,
    FORMAT_VERSION,
    SPREAD_FREQUENCIES,
    Activity,
    Calibration,
    Capacity,
    CapacityMethod,
    CaseStatus,
    Category,
    Cms,
    ContactType,
    CourtReports,
    DirectWeighting,
    ExtraResponsibility,
    FlagModifier,
    Frequency,
    Grade,
    Level,
    NonCaseItem,
    ReductionReason,
    ReportType,
    Scheme,
    SiblingRule,
    TotalRounding,
    WeightingMethod,
    WeightRow,
)
from caseload.domain.scheme_parser_extra import (
    parse_allocation,
    parse_rag,
    parse_staffing,
    parse_wellbeing,
)
from caseload.domain.scheme_validation import check_references
from caseload.domain.strict_loading import DuplicateKeyError, load_json, load_yaml

MAX_MINUTES = 10_000
MAX_POINTS = 10_000
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TOP_LEVEL_FIELDS = (
    "format_version",
    "name",
    "version",
    "effective_from",
    "description",
    "sources",
    "calibration",
    "points_unit",
    "rounding",
    "capacity",
    "grades",
    "reduction_reasons",
    "case_statuses",
    "categories",
    "direct_weighting",
    "modifiers",
    "sibling_group",
    "non_case_time",
    "extra_responsibilities",
    "court_reports",
    "cms",
    "rag",
    "staffing",
    "allocation",
    "wellbeing",
    "performance",
)
CALIBRATION_SECTIONS = tuple(field for field in TOP_LEVEL_FIELDS[7:] if field != "calibration")


class SchemeError(InputError):
    """A scheme file or structure that does not validate; `problems` lists `(path, message)` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems, what="scheme")


def load_scheme_file(path: Path | str) -> Scheme:
    """Read and validate a .yaml, .yml or .json scheme file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SchemeError([("", f"cannot read {path}: {error.strerror}")]) from error
    try:
        if path.suffix.lower() in {".yaml", ".yml"}:
            data = load_yaml(text)
        elif path.suffix.lower() == ".json":
            data = load_json(text)
        else:
            raise SchemeError([("", f"{path.name}: scheme files must end in .yaml, .yml or .json")])
    except (yaml.YAMLError, json.JSONDecodeError, DuplicateKeyError) as error:
        raise SchemeError([("", f"{path.name} is not valid {path.suffix[1:].upper()}: {error}")]) from error
    return parse_scheme(data)


def parse_scheme(data: Any) -> Scheme:
    """Validate parsed YAML/JSON data and build the immutable `Scheme`; raise `SchemeError` listing all problems."""
    problems: list[tuple[str, str]] = []
    root = Node(data, "", problems)
    if not root.is_mapping():
        raise SchemeError(problems)
    root.only(*TOP_LEVEL_FIELDS)
    version = root.integer("format_version", 1, FORMAT_VERSION)
    name = _code(root, "name")
    grades = tuple(_grade(code, node) for code, node in root.items("grades", required=True))
    scheme = Scheme(
        format_version=version,
        name=name,
        version=root.text("version"),
        effective_from=root.date("effective_from") or date.min,
        description=root.text("description", required=False),
        sources=root.texts("sources"),
        calibration=_calibration(root),
        points_unit=root.text("points_unit", "minutes per week"),
        rounding=TotalRounding(root.choice("rounding", tuple(TotalRounding), TotalRounding.TWO_DP)),
        capacity=_capacity(root.child("capacity")),
        grades=grades,
        reduction_reasons=tuple(_reason(c, n) for c, n in root.items("reduction_reasons")),
        case_statuses=_statuses(root),
        categories=tuple(_category(c, n) for c, n in root.items("categories", required=True)),
        direct_weighting=_direct_weighting(root.child("direct_weighting")),
        modifiers=tuple(_modifier(c, n) for c, n in root.items("modifiers")),
        sibling_group=_sibling_rule(root.child("sibling_group")),
        non_case_time=tuple(_non_case_item(c, n) for c, n in root.items("non_case_time")),
        extra_responsibilities=tuple(_extra(c, n) for c, n in root.items("extra_responsibilities")),
        court_reports=_court_reports(root.child("court_reports")),
        cms=_cms(root.child("cms")),
        rag=parse_rag(root.child("rag")),
        staffing=parse_staffing(root.child("staffing"), grades),
        allocation=parse_allocation(root.child("allocation")),
        wellbeing=parse_wellbeing(root.child("wellbeing")),
        performance=parse_performance(root.child("performance"), root.child("categories").value),
    )
    if not problems:
        check_references(scheme, problems)
    if problems:
        raise SchemeError(problems)
    return scheme


def _code(node: Node, key: str) -> str:
    value = node.text(key)
    if value and not CODE_PATTERN.match(value):
        node.problem("must be a code: letters, digits, '-', '_' or '.', no spaces", key)
    return value


def _check_code(code: str, node: Node) -> None:
    if not CODE_PATTERN.match(code):
        node.problem("codes must be letters, digits, '-', '_' or '.', with no spaces")


def _calibration(root: Node) -> tuple[tuple[str, Calibration], ...]:
    entries = []
    for section, node in root.items("calibration"):
        if section not in CALIBRATION_SECTIONS:
            node.problem(f"unknown section (allowed: {', '.join(CALIBRATION_SECTIONS)})")
        elif node.value not in tuple(Calibration):
            node.problem(f"must be one of: {', '.join(Calibration)}")
        else:
            entries.append((section, Calibration(node.value)))
    return tuple(entries)


def _capacity(node: Node) -> Capacity:
    if node.value is None:
        return Capacity()
    if not node.is_mapping():
        return Capacity()
    node.only("method", "non_available_percent", "unknown_grade")
    return Capacity(
        method=CapacityMethod(node.choice("method", tuple(CapacityMethod), CapacityMethod.HOURS)),
        non_available_percent=node.decimal("non_available_percent", 0, 99, default=14),
        unknown_grade=node.optional_text("unknown_grade"),
    )


def _grade(code: str, node: Node) -> Grade:
    _check_code(code, node)
    node.is_mapping()
    node.only("name", "default_hours", "nominal_target", "measured", "aliases")
    return Grade(
        code=code,
        name=node.text("name"),
        default_hours=node.decimal("default_hours", 0, 48),
        nominal_target=node.optional_decimal("nominal_target", 0, 100_000),
        measured=node.boolean("measured", True),
        aliases=node.texts("aliases"),
    )


def _reason(code: str, node: Node) -> ReductionReason:
    _check_code(code, node)
    node.is_mapping()
    node.only("name", "category", "default_percent", "max_percent", "months_to_expiry", "enabled")
    default = node.optional_decimal("default_percent", 0, 100)
    maximum = node.optional_decimal("max_percent", 0, 100)
    if default is not None and maximum is not None and default > maximum:
        node.problem("must not be more than max_percent", "default_percent")
    return ReductionReason(
        code=code,
        name=node.text("name"),
        category=node.text("category"),
        default_percent=default,
        max_percent=maximum,
        months_to_expiry=node.optional_integer("months_to_expiry", 1, 120),
        enabled=node.boolean("enabled", True),
    )


def _statuses(root: Node) -> tuple[CaseStatus, ...]:
    statuses = []
    for code, node in root.items("case_statuses"):
        _check_code(code, node)
        node.is_mapping()
        node.only("name", "keep_percent")
        statuses.append(CaseStatus(code, node.text("name"), node.decimal("keep_percent", 0, 100)))
    return tuple(statuses) or DEFAULT_CASE_STATUSES


def _category(code: str, node: Node) -> Category:
    _check_code(code, node)
    node.is_mapping()
    node.only("name", "method", "responsive_percent", "levels")
    method = WeightingMethod(node.choice("method", tuple(WeightingMethod), WeightingMethod.ACTIVITY))
    levels = tuple(_level(level, child, method) for level, child in node.items("levels", required=True))
    if method is WeightingMethod.DIRECT and node.has("responsive_percent"):
        node.problem("only applies to activity-based categories", "responsive_percent")
    return Category(
        code=code,
        name=node.text("name"),
        method=method,
        levels=levels,
        responsive_percent=node.decimal("responsive_percent", 0, 30, default=0),
    )


def _level(code: str, node: Node, method: WeightingMethod) -> Level:
    _check_code(code, node)
    node.is_mapping()
    if method is WeightingMethod.ACTIVITY:
        node.only("name", "activities")
        activities = tuple(_activity(child) for child in node.elements("activities", required=True))
        return Level(code=code, name=node.text("name", code), activities=activities)
    node.only("name", "weights")
    return Level(code=code, name=node.text("name", code), weights=_numbers(node, "weights", MAX_POINTS))


def _numbers(node: Node, key: str, high: int) -> tuple[tuple[str, Decimal], ...]:
    """A `code: number` mapping (weights by row, keep % by flag, minutes by grade) as ordered pairs."""
    pairs = []
    for code, child in node.items(key):
        number = child.as_decimal(0, high)
        if number is not None:
            pairs.append((code, number))
    return tuple(pairs)


def _activity(node: Node) -> Activity:
    node.is_mapping()
    node.only("name", "minutes", "frequency", "weeks")
    frequency = Frequency(node.choice("frequency", tuple(Frequency)))
    weeks = node.optional_integer("weeks", 1, 104)
    if frequency in SPREAD_FREQUENCIES and weeks is None and not node.has("weeks"):
        node.problem(f"is required for frequency {frequency}", "weeks")
    if frequency not in SPREAD_FREQUENCIES and node.has("weeks"):
        node.problem(f"only applies to {', '.join(sorted(SPREAD_FREQUENCIES))}", "weeks")
    return Activity(
        name=node.text("name"),
        minutes=node.decimal("minutes", 0, MAX_MINUTES),
        frequency=frequency,
        weeks=weeks,
    )


def _direct_weighting(node: Node) -> DirectWeighting | None:
    if node.value is None or not node.is_mapping():
        return None
    node.only("rows", "keep_percent", "keep_applies_to")
    rows = []
    for code, child in node.items("rows", required=True):
        _check_code(code, child)
        child.is_mapping()
        child.only("name", "when_flag")
        rows.append(WeightRow(code, child.text("name"), child.optional_text("when_flag")))
    return DirectWeighting(
        rows=tuple(rows),
        keep_percent=_numbers(node, "keep_percent", 100),
        keep_applies_to=node.texts("keep_applies_to"),
    )


def _modifier(code: str, node: Node) -> FlagModifier:
    _check_code(code, node)
    node.is_mapping()
    node.only("name", "flag", "percent", "minutes", "categories")
    if not node.has("percent") and not node.has("minutes"):
        node.problem("needs percent, minutes or both")
    return FlagModifier(
        code=code,
        name=node.text("name"),
        flag=node.text("flag", code),
        percent=node.decimal("percent", 0, 500, default=0),
        minutes=node.decimal("minutes", 0, MAX_MINUTES, default=0),
        categories=node.texts("categories"),
    )


def _sibling_rule(node: Node) -> SiblingRule | None:
    if node.value is None or not node.is_mapping():
        return None
    node.only("additional_child_percent")
    return SiblingRule(node.decimal("additional_child_percent", 0, 100))


def _non_case_item(code: str, node: Node) -> NonCaseItem:
    _check_code(code, node)
    node.is_mapping()
    node.only("name", "minutes", "by_grade")
    by_grade = _numbers(node, "by_grade", MAX_MINUTES)
    return NonCaseItem(code, node.text("name"), node.decimal("minutes", 0, MAX_MINUTES), by_grade)


def _extra(code: str, node: Node) -> ExtraResponsibility:
    _check_code(code, node)
    node.is_mapping()
    node.only("name", "points")
    return ExtraResponsibility(code, node.text("name"), node.decimal("points", 0, MAX_POINTS))


def _court_reports(node: Node) -> CourtReports:
    if node.value is None or not node.is_mapping():
        return CourtReports()
    node.only("window_days", "types")
    types = []
    for code, child in node.items("types"):
        _check_code(code, child)
        child.is_mapping()
        child.only("name", "points")
        types.append(ReportType(code, child.text("name"), child.decimal("points", 0, MAX_POINTS)))
    return CourtReports(window_days=node.integer("window_days", 1, 366, default=30), types=tuple(types))


def _cms(node: Node) -> Cms:
    if node.value is None or not node.is_mapping():
        return Cms()
    node.only("window_days", "contact_types")
    types = []
    for code, child in node.items("contact_types"):
        _check_code(code, child)
        child.is_mapping()
        child.only("name", "points")
        types.append(ContactType(code, child.text("name"), child.decimal("points", 0, MAX_POINTS)))
    return Cms(window_days=node.integer("window_days", 1, 366, default=7), contact_types=tuple(types))
