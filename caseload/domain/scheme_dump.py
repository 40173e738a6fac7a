"""`Scheme` → plain dict in the documented file format, for export. `parse_scheme(dump_scheme(s)) == s`.

Numbers are written as integers when whole and as text otherwise ("12.5"), so no value passes through a float;
dates as ISO text. Optional fields that are unset are left out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from caseload.domain.performance import dump_performance
from caseload.domain.scheme import Activity, Category, Grade, Level, ReductionReason, Scheme


def dump_scheme(scheme: Scheme) -> dict[str, Any]:
    """The scheme as a JSON/YAML-ready dict that parses back to an equal `Scheme`."""
    data: dict[str, Any] = _drop_none(
        {
            "format_version": scheme.format_version,
            "name": scheme.name,
            "version": scheme.version,
            "effective_from": scheme.effective_from.isoformat(),
            "description": scheme.description or None,
            "sources": list(scheme.sources),
            "calibration": {section: str(value) for section, value in scheme.calibration},
            "points_unit": scheme.points_unit,
            "rounding": str(scheme.rounding),
            "capacity": _drop_none(
                {
                    "method": str(scheme.capacity.method),
                    "non_available_percent": _number(scheme.capacity.non_available_percent),
                    "unknown_grade": scheme.capacity.unknown_grade,
                }
            ),
            "grades": {grade.code: _grade(grade) for grade in scheme.grades},
            "reduction_reasons": {reason.code: _reason(reason) for reason in scheme.reduction_reasons},
            "case_statuses": {
                s.code: {"name": s.name, "keep_percent": _number(s.keep_percent)}
                for s in scheme.case_statuses
            },
            "categories": {category.code: _category(category) for category in scheme.categories},
            "modifiers": {
                m.code: {
                    "name": m.name,
                    "flag": m.flag,
                    "percent": _number(m.percent),
                    "minutes": _number(m.minutes),
                    "categories": list(m.categories),
                }
                for m in scheme.modifiers
            },
            "non_case_time": {
                item.code: {
                    "name": item.name,
                    "minutes": _number(item.minutes),
                    "by_grade": _pairs(item.by_grade),
                }
                for item in scheme.non_case_time
            },
            "extra_responsibilities": {
                e.code: {"name": e.name, "points": _number(e.points)} for e in scheme.extra_responsibilities
            },
            "court_reports": {
                "window_days": scheme.court_reports.window_days,
                "types": {
                    t.code: {"name": t.name, "points": _number(t.points)} for t in scheme.court_reports.types
                },
            },
            "cms": {
                "window_days": scheme.cms.window_days,
                "contact_types": {
                    t.code: {"name": t.name, "points": _number(t.points)} for t in scheme.cms.contact_types
                },
            },
            "rag": {
                "bands": [
                    _drop_none(
                        {"code": b.code, "name": b.name, "below": _number(b.below), "up_to": _number(b.up_to)}
                    )
                    for b in scheme.rag
                ]
            },
            "staffing": _drop_none(
                {
                    "reference_grade": scheme.staffing.reference_grade,
                    "reference_hours": _number(scheme.staffing.reference_hours),
                    "allowance_percent": _number(scheme.staffing.allowance_percent),
                }
            ),
            "allocation": _allocation(scheme),
            "wellbeing": _wellbeing(scheme),
            "performance": dump_performance(scheme.performance) or None,
        }
    )
    if scheme.direct_weighting is not None:
        weighting = scheme.direct_weighting
        data["direct_weighting"] = {
            "rows": {
                row.code: _drop_none({"name": row.name, "when_flag": row.when_flag}) for row in weighting.rows
            },
            "keep_percent": _pairs(weighting.keep_percent),
            "keep_applies_to": list(weighting.keep_applies_to),
        }
    if scheme.sibling_group is not None:
        data["sibling_group"] = {
            "additional_child_percent": _number(scheme.sibling_group.additional_child_percent)
        }
    return data


def _number(value: Decimal | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else str(value)


def _pairs(pairs: tuple[tuple[str, Decimal], ...]) -> dict[str, int | str | None]:
    return {code: _number(value) for code, value in pairs}


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def _grade(grade: Grade) -> dict[str, Any]:
    return _drop_none(
        {
            "name": grade.name,
            "default_hours": _number(grade.default_hours),
            "nominal_target": _number(grade.nominal_target),
            "measured": grade.measured,
            "aliases": list(grade.aliases),
        }
    )


def _reason(reason: ReductionReason) -> dict[str, Any]:
    return _drop_none(
        {
            "name": reason.name,
            "category": reason.category,
            "default_percent": _number(reason.default_percent),
            "max_percent": _number(reason.max_percent),
            "months_to_expiry": reason.months_to_expiry,
            "enabled": reason.enabled,
        }
    )


def _category(category: Category) -> dict[str, Any]:
    data: dict[str, Any] = {"name": category.name, "method": str(category.method)}
    if category.method == "activity":
        data["responsive_percent"] = _number(category.responsive_percent)
    data["levels"] = {level.code: _level(level, category) for level in category.levels}
    return data


def _level(level: Level, category: Category) -> dict[str, Any]:
    if category.method == "activity":
        return {"name": level.name, "activities": [_activity(activity) for activity in level.activities]}
    return {"name": level.name, "weights": _pairs(level.weights)}


def _activity(activity: Activity) -> dict[str, Any]:
    return _drop_none(
        {
            "name": activity.name,
            "minutes": _number(activity.minutes),
            "frequency": str(activity.frequency),
            "weeks": activity.weeks,
        }
    )


def _allocation(scheme: Scheme) -> dict[str, Any]:
    allocation = scheme.allocation
    return _drop_none(
        {
            "red_justification_percent": _number(allocation.red_justification_percent),
            "hard_limit_percent": _number(allocation.hard_limit_percent),
            "eligibility": [
                _drop_none(
                    {
                        "grades": list(rule.grades),
                        "categories": list(rule.categories),
                        "levels": list(rule.levels),
                        "rule": str(rule.kind),
                        "reason": rule.reason or None,
                    }
                )
                for rule in allocation.eligibility
            ],
            "waiting_threshold_days": allocation.waiting_threshold_days,
            "first_appointment_days": allocation.first_appointment_days,
            "long_absence": {
                "reasons": list(allocation.long_absence.reasons),
                "min_days": allocation.long_absence.min_days,
            },
            "cp_or_court_categories": list(allocation.cp_or_court_categories),
        }
    )


def _wellbeing(scheme: Scheme) -> dict[str, Any]:
    wellbeing = scheme.wellbeing
    return _drop_none(
        {
            "sustained_overload": [
                {"above_percent": _number(rule.above_percent), "consecutive_weeks": rule.consecutive_weeks}
                for rule in wellbeing.sustained_overload
            ],
            "action_plan_due_days": wellbeing.action_plan_due_days,
            "escalation": [{"after_days": step.after_days, "to": step.to} for step in wellbeing.escalation],
        }
    )
