"""Cross-reference checks run after a scheme's sections parsed cleanly (codes that must name each other)."""

from __future__ import annotations

from caseload.domain.scheme import CapacityMethod, Scheme, WeightingMethod, normalise_grade_code

Problems = list[tuple[str, str]]


def check_references(scheme: Scheme, problems: Problems) -> None:
    """Append a `(path, message)` for every code that points at nothing or contradicts another section."""
    _check_grades(scheme, problems)
    _check_direct_weighting(scheme, problems)
    categories = scheme.categories_by_code
    for modifier in scheme.modifiers:
        for code in modifier.categories:
            if code not in categories:
                problems.append((f"modifiers.{modifier.code}.categories", f"unknown category {code!r}"))
    for item in scheme.non_case_time:
        for grade, _ in item.by_grade:
            if grade not in scheme.grades_by_code:
                problems.append((f"non_case_time.{item.code}.by_grade.{grade}", "unknown grade"))
    for index, rule in enumerate(scheme.allocation.eligibility):
        path = f"allocation.eligibility[{index}]"
        problems.extend(
            (f"{path}.grades", f"unknown grade {g!r}") for g in rule.grades if g not in scheme.grades_by_code
        )
        for code in rule.categories:
            if code not in categories:
                problems.append((f"{path}.categories", f"unknown category {code!r}"))
            elif rule.levels and not set(rule.levels) & set(categories[code].levels_by_code):
                problems.append((f"{path}.levels", f"no listed level belongs to category {code!r}"))
    _check_allocation_codes(scheme, problems)


def _check_allocation_codes(scheme: Scheme, problems: Problems) -> None:
    """Long-absence reasons name reduction reasons; CP-or-court categories name categories."""
    allocation = scheme.allocation
    problems.extend(
        ("allocation.long_absence.reasons", f"unknown reduction reason {code!r}")
        for code in allocation.long_absence.reasons
        if code not in scheme.reasons_by_code
    )
    problems.extend(
        ("allocation.cp_or_court_categories", f"unknown category {code!r}")
        for code in allocation.cp_or_court_categories
        if code not in scheme.categories_by_code
    )


def _check_grades(scheme: Scheme, problems: Problems) -> None:
    unknown = scheme.capacity.unknown_grade
    if unknown is not None and unknown not in scheme.grades_by_code:
        problems.append(("capacity.unknown_grade", f"unknown grade {unknown!r}"))
    seen: dict[str, str] = {}
    for grade in scheme.grades:
        if (
            scheme.capacity.method is CapacityMethod.NOMINAL_TARGET
            and grade.measured
            and grade.nominal_target is None
        ):
            problems.append(
                (f"grades.{grade.code}.nominal_target", "is required when capacity.method is nominal_target")
            )
        for alias in (grade.code, *grade.aliases):
            key = normalise_grade_code(alias)
            if seen.get(key, grade.code) != grade.code:
                problems.append(
                    (f"grades.{grade.code}.aliases", f"{alias!r} is already used by grade {seen[key]!r}")
                )
            seen[key] = grade.code


def _check_direct_weighting(scheme: Scheme, problems: Problems) -> None:
    direct = [c for c in scheme.categories if c.method is WeightingMethod.DIRECT]
    weighting = scheme.direct_weighting
    if weighting is None:
        problems.extend(
            (f"categories.{c.code}.method", "direct needs a direct_weighting section") for c in direct
        )
        return
    rows = {row.code for row in weighting.rows}
    if sum(1 for row in weighting.rows if row.when_flag is None) != 1:
        problems.append(
            ("direct_weighting.rows", "exactly one row must have no when_flag (the standard row)")
        )
    for code in weighting.keep_applies_to:
        if code not in rows:
            problems.append(("direct_weighting.keep_applies_to", f"unknown row {code!r}"))
    for category in direct:
        for level in category.levels:
            for row, _ in level.weights:
                if row not in rows:
                    problems.append(
                        (f"categories.{category.code}.levels.{level.code}.weights.{row}", "unknown row")
                    )
