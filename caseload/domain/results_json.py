"""Results as JSON-ready dicts (Decimals as text, dates ISO), the shape the CLI prints and the API can reuse."""

from __future__ import annotations

from typing import Any

from caseload.domain.aggregate import Aggregate
from caseload.domain.results import WorkloadResult
from caseload.domain.staffing import StaffingFigure


def result_as_dict(result: WorkloadResult) -> dict[str, Any]:
    """One practitioner's result with its itemised breakdown and available-time derivation."""
    return {
        "practitioner_id": result.practitioner_id,
        "name": result.name,
        "grade": result.grade,
        "scheme": {"name": result.scheme_name, "version": result.scheme_version},
        "on": result.on.isoformat(),
        "total_points": str(result.total_points),
        "unrounded_points": str(result.unrounded_points),
        "available_points": str(result.available_points),
        "workload_percent": str(result.workload_percent_display),
        "workload_percent_exact": str(result.workload_percent),
        "remaining_points": str(result.remaining_points),
        "rag": {"code": result.rag.code, "name": result.rag.name},
        "contracted_hours": str(result.contracted_hours),
        "reduction_hours": str(result.reduction_hours),
        "case_count": result.case_count,
        "items": [
            {"kind": item.kind, "reference": item.reference, "points": str(item.points), "rule": item.rule}
            for item in result.items
        ],
        "available_time": [{"step": step.label, "value": str(step.value)} for step in result.capacity_steps],
        "warnings": list(result.warnings),
    }


def aggregate_as_dict(total: Aggregate, staffing: StaffingFigure) -> dict[str, Any]:
    """An aggregate (team, area…) with its target staffing figure."""
    return {
        "label": total.label,
        "members": total.members,
        "total_points": str(total.total_points),
        "available_points": str(total.available_points),
        "workload_percent": str(total.workload_percent_display),
        "workload_percent_exact": str(total.workload_percent),
        "remaining_points": str(total.remaining_points),
        "rag": {"code": total.rag.code, "name": total.rag.name},
        "target_staffing": {
            "required_fte": str(staffing.required_fte),
            "fte_before_allowance": str(staffing.fte_before_allowance),
            "reference_available": str(staffing.reference_available),
            "allowance_percent": str(staffing.allowance_percent),
            "explanation": staffing.explanation,
        },
    }
