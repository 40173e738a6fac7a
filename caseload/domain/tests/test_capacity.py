"""Available time: hours method (minutes, NAT), nominal-target method (WMT §2.5), reductions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from caseload.domain.capacity import reference_available
from caseload.domain.reductions import default_reduction_hours, maximum_reduction_hours, reduction_end_date
from caseload.domain.scheme_parser import parse_scheme
from caseload.domain.scoring import score_practitioner
from caseload.domain.tests.helpers import ON, children, legacy, practitioner, preset_data, probation_2022
from caseload.domain.values import ReductionInput


def reduction(
    reason: str, hours: str, start: date = date(2026, 1, 1), end: date | None = None, **kw: bool
) -> ReductionInput:
    return ReductionInput(reason, Decimal(hours), start, end, **kw)


def available(scheme_name: str, grade: str, hours: str, *reductions: ReductionInput) -> Decimal:
    scheme = {"legacy": legacy, "2022": probation_2022, "children": children}[scheme_name]()
    return score_practitioner(scheme, practitioner(grade, hours, reductions=reductions), ON).available_points


def test_hours_method_is_2220_minutes_less_14_percent_nat() -> None:
    result = score_practitioner(probation_2022(), practitioner("PO", "37"), ON)
    assert result.available_points == Decimal("1909.20")
    assert [(step.label, step.value) for step in result.capacity_steps] == [
        ("Contracted hours 37 × 60 minutes", Decimal(2220)),
        ("Non-available time 14% of 2220", Decimal("-310.80")),
        ("Available", Decimal("1909.20")),
    ]


def test_hours_method_takes_reductions_off_in_full_after_nat() -> None:
    # 22.5 h: 1350 min − 14% (189) − 7.4 h (444) = 717
    assert available("2022", "PO", "22.5", reduction("nqo", "7.4")) == Decimal("717.00")


def test_nominal_target_full_time_po_is_2176() -> None:
    assert available("legacy", "PO", "37") == 2176


def test_nominal_target_is_pro_rata_and_truncated() -> None:
    # 2176 × (30 − 6) ÷ 37 = 1411.459… → 1411
    assert available("legacy", "PSQ", "30", reduction("pso-learning", "6")) == 1411
    # 2176 × 20 ÷ 37 = 1176.216… → 1176
    assert available("legacy", "TPO", "20") == 1176


def test_nominal_target_zero_cases() -> None:
    assert available("legacy", "SPO", "37") == 0  # SPO default hours 0 in the seed
    assert available("legacy", "DMY", "37") == 0  # not measured
    assert available("legacy", "PO", "0") == 0  # no contracted hours
    assert available("legacy", "R", "37") == 0  # nDelius code mapped to DMY


def test_unknown_grade_without_a_fallback_has_no_available_time_and_warns() -> None:
    result = score_practitioner(children(), practitioner("XX", "37"), ON)
    assert result.available_points == 0
    assert result.warnings == ("grade 'XX' is not in the scheme: no available time",)


def test_available_time_never_goes_below_zero_and_says_so() -> None:
    result = score_practitioner(
        legacy(), practitioner("PO", "10", reductions=(reduction("other", "12"),)), ON
    )
    assert result.available_points == 0
    assert result.capacity_steps[-1].label == "Below zero (-117): available time clamped to 0"
    hours = score_practitioner(
        children(), practitioner("SW", "10", reductions=(reduction("other", "10"),)), ON
    )
    assert hours.available_points == 0
    assert hours.capacity_steps[-1].label == "Below zero (-84.00): available time clamped to 0"


def test_only_reductions_active_on_the_date_count() -> None:
    reductions = (
        reduction("other", "1", date(2026, 11, 23), date(2026, 11, 23)),  # counts: first and last day
        reduction("other", "2", date(2026, 11, 24)),  # starts tomorrow
        reduction("other", "4", date(2026, 1, 1), date(2026, 11, 22)),  # ended yesterday
        reduction("other", "8", deleted=True),
        reduction("gone", "16"),  # reason not in the scheme
    )
    result = score_practitioner(probation_2022(), practitioner("PO", "37", reductions=reductions), ON)
    assert result.reduction_hours == 1
    assert result.available_points == Decimal("1849.20")
    ignored = [
        step.label
        for step in result.capacity_steps
        if step.label.startswith("Reduction") and "not counted" in step.label
    ]
    assert ignored == [
        "Reduction gone (16 h) not counted: reason 'gone' is not in the scheme",
        "Reduction other (2 h) not counted: starts 2026-11-24",
        "Reduction other (4 h) not counted: ended 2026-11-22",
        "Reduction other (8 h) not counted: deleted",
    ]


def test_a_disabled_reason_does_not_count() -> None:
    data = preset_data("probation-2022")
    data["reduction_reasons"]["other"]["enabled"] = False
    disabled = parse_scheme(data)
    result = score_practitioner(disabled, practitioner("PO", "37", reductions=(reduction("other", "5"),)), ON)
    assert result.available_points == Decimal("1909.20")
    assert "Reduction other (5 h) not counted: reason 'Other' is disabled" in [
        s.label for s in result.capacity_steps
    ]


def test_reason_helpers_prefill_cap_and_expire() -> None:
    reasons = legacy().reasons_by_code
    assert default_reduction_hours(reasons["nqo"], Decimal(37)) == Decimal("7.40")
    assert default_reduction_hours(reasons["long-term-sickness"], Decimal("22.5")) == Decimal("22.50")
    assert default_reduction_hours(reasons["disability"], Decimal(37)) is None
    assert maximum_reduction_hours(reasons["spoc-lead"], Decimal(37)) == Decimal("1.85")
    assert maximum_reduction_hours(reasons["disability"], Decimal(37)) == 37
    # inclusive last days: 9 months from 31 May runs to 27 Feb (the next stage may start on 28 Feb)
    assert reduction_end_date(reasons["nqo"], date(2026, 5, 31)) == date(2027, 2, 27)
    assert reduction_end_date(reasons["pqip-0-6"], date(2026, 8, 31)) == date(2027, 2, 27)
    assert reduction_end_date(reasons["pqip-0-6"], date(2026, 3, 1)) == date(2026, 8, 31)
    assert reduction_end_date(reasons["other"], date(2026, 8, 31)) is None
    asye = children().reasons_by_code["asye-protected-time"]
    assert default_reduction_hours(asye, Decimal(37)) == Decimal("3.70")


def test_reference_available_for_staffing() -> None:
    assert reference_available(legacy()) == 2176
    assert reference_available(probation_2022()) == Decimal("1909.20")
