"""Shared builders for the domain tests: presets loaded once, small input factories."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from caseload.domain.presets import load_preset
from caseload.domain.scheme import Scheme
from caseload.domain.scheme_dump import dump_scheme
from caseload.domain.scheme_parser import parse_scheme
from caseload.domain.values import CaseInput, PractitionerInput, ReductionInput

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"
ON = date(2026, 11, 23)


@cache
def preset(name: str) -> Scheme:
    return load_preset(name)


def legacy() -> Scheme:
    return preset("probation-wmt-legacy")


def probation_2022() -> Scheme:
    return preset("probation-2022")


def children() -> Scheme:
    return preset("children-services")


def preset_data(name: str) -> dict[str, Any]:
    """A preset as a mutable dict, to edit and re-parse in tests."""
    return dump_scheme(preset(name))


def edited(name: str, **changes: Any) -> Scheme:
    data = preset_data(name)
    data.update(changes)
    return parse_scheme(data)


def case(
    reference: str = "X1", category: str = "community", level: str | None = "A3", **fields: Any
) -> CaseInput:
    if "flags" in fields:
        fields["flags"] = frozenset(fields["flags"])
    return CaseInput(reference=reference, category=category, level=level, **fields)


def practitioner(
    grade: str = "PO",
    hours: str = "37",
    cases: tuple[CaseInput, ...] = (),
    reductions: tuple[ReductionInput, ...] = (),
    identifier: str = "p1",
    **fields: Any,
) -> PractitionerInput:
    return PractitionerInput(
        identifier, f"Practitioner {identifier}", grade, Decimal(hours), reductions, cases, **fields
    )
