"""Practitioner results: totals, rounding, percentages, RAG, the breakdown, and the worked examples of the docs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from decimal import Decimal as D

import pytest

from caseload.domain.rag import rag_band
from caseload.domain.results import CASE_WARNING_PREFIX
from caseload.domain.scoring import score_practitioner, score_practitioners, workload_percent
from caseload.domain.tests.helpers import EXAMPLES, ON, case, children, legacy, practitioner, probation_2022
from caseload.domain.values import ExtraResponsibilityInput, ReportInput
from caseload.domain.workload_file import load_workload_file


def test_full_time_po_with_two_community_a3_cases() -> None:
    result = score_practitioner(legacy(), practitioner("PO", "37", cases=(case("C1"), case("C2"))), ON)
    assert result.total_points == 412
    assert result.available_points == 2176
    assert result.workload_percent_display == Decimal("18.9")
    assert result.workload_percent.quantize(Decimal("0.0001")) == Decimal("18.9338")
    assert result.remaining_points == 1764
    assert result.rag.code == "blue"
    assert [item.rule for item in result.items] == [
        "community A3: 206 points (probation-wmt-legacy v2024-04)"
    ] * 2


def test_wmt_total_is_rounded_half_up_to_an_integer() -> None:
    # 75 % of custody A3 (75) = 56.25 + 29 + reports 0 → 85.25 → 85; make a .5 with two of them: 112.5 → 113
    from caseload.domain.scheme_parser import parse_scheme
    from caseload.domain.tests.helpers import preset_data

    data = preset_data("probation-wmt-legacy")
    data["direct_weighting"]["keep_percent"]["warrant"] = 75
    scheme = parse_scheme(data)
    cases = (case("A", "custody", "A3", flags=("warrant",)), case("B", "custody", "A3", flags=("warrant",)))
    result = score_practitioner(scheme, practitioner(cases=cases), ON)
    assert (result.unrounded_points, result.total_points) == (Decimal("112.50"), Decimal(113))


def test_two_dp_schemes_keep_cents() -> None:
    result = score_practitioner(
        probation_2022(), practitioner(cases=(case("D", "community", "D0", start_date=date(2020, 1, 6)),)), ON
    )
    assert result.total_points == Decimal("25.24")
    assert result.workload_percent_display == Decimal("1.3")  # 25.24 / 1909.20 = 1.32 %


def test_workload_percent_is_zero_without_available_time() -> None:
    assert workload_percent(Decimal(206), Decimal(0)) == 0
    result = score_practitioner(legacy(), practitioner("SPO", cases=(case(),)), ON)
    assert (
        result.total_points,
        result.available_points,
        result.workload_percent,
        result.remaining_points,
    ) == (Decimal(206), Decimal(0), Decimal(0), Decimal(-206))


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        ("0", "blue"),
        ("84.99", "blue"),
        ("85", "green"),
        ("100", "green"),
        ("100.01", "amber"),
        ("110", "amber"),
        ("110.01", "red"),
    ],
)
def test_default_rag_boundaries(percent: str, band: str) -> None:
    assert rag_band(legacy().rag, Decimal(percent)).code == band


def test_reports_count_for_30_days_and_unknown_items_warn() -> None:
    reports = (
        ReportInput("court_standard", date(2026, 10, 25)),  # 29 days ago: counts
        ReportInput("court_standard", date(2026, 10, 24)),  # 30 days ago: out
        ReportInput("court_fast", ON),
        ReportInput("oral", ON),
        ReportInput("court_standard", date(2026, 11, 24)),  # future: out
    )
    result = score_practitioner(legacy(), practitioner(reports=reports), ON)
    assert [(item.reference, item.points) for item in result.items] == [
        ("court_standard", Decimal(138)),
        ("court_fast", Decimal(65)),
        ("oral", Decimal(0)),
    ]
    assert result.total_points == 203
    assert result.warnings == ("report type 'oral' is not in the scheme",)


def test_non_case_time_and_extra_responsibilities_are_work() -> None:
    extras = (ExtraResponsibilityInput("practice-educator", Decimal(2)), ExtraResponsibilityInput("mayor"))
    result = score_practitioner(children(), practitioner("TM", extra_responsibilities=extras), ON)
    assert [(item.kind, item.reference, item.points) for item in result.items] == [
        ("non_case_time", "supervision", Decimal(21)),
        ("non_case_time", "cpd", Decimal(60)),
        ("non_case_time", "team-meetings", Decimal(45)),
        ("non_case_time", "administration", Decimal(150)),
        ("non_case_time", "management", Decimal(1200)),
        ("extra_responsibility", "mayor", Decimal(0)),
        ("extra_responsibility", "practice-educator", Decimal(240)),
    ]
    assert result.total_points == Decimal("1716.00")
    assert result.warnings == ("extra responsibility 'mayor' is not in the scheme",)


def test_unknown_cases_are_listed_with_a_warning() -> None:
    result = score_practitioner(legacy(), practitioner(cases=(case("Z", "parole"),)), ON)
    assert result.items[0].points == 0
    assert result.warnings == ("case Z: category 'parole' is not in the scheme",)


def test_only_a_case_s_warning_begins_as_a_case_warning_and_its_line_s_rule_says_the_same() -> None:
    """Stored workloads leave the cases' own warnings out of their digest (their case lines' rules say the
    same): no other warning may begin like one."""
    extras = (ExtraResponsibilityInput("mayor"),)
    reports = (ReportInput("oral", ON),)
    cases = (case("Z", "parole"), case("Y"))
    result = score_practitioner(
        legacy(), practitioner(cases=cases, extra_responsibilities=extras, reports=reports), ON
    )
    assert len(result.warnings) == 3  # the case, the extra responsibility and the report type
    of_cases = [w for w in result.warnings if w.startswith(CASE_WARNING_PREFIX)]
    assert of_cases == ["case Z: category 'parole' is not in the scheme"]
    [line] = [item for item in result.items if item.reference == "Z"]
    assert "category 'parole' is not in the scheme" in line.rule


def test_results_come_back_in_input_order_with_cases_ordered_by_reference() -> None:
    team = [practitioner(identifier="b", cases=(case("Y"), case("X"))), practitioner(identifier="a")]
    results = score_practitioners(legacy(), team, (), ON)
    assert [r.practitioner_id for r in results] == ["b", "a"]
    assert [i.reference for i in results[0].items] == ["X", "Y"]


def test_worked_example_probation_legacy_team() -> None:
    """The figures quoted in docs/scoring.md, "Worked example 1"."""
    workload = load_workload_file(EXAMPLES / "probation-legacy-team.json")
    results = score_practitioners(legacy(), workload.practitioners, workload.cms_contacts, ON)
    figures = [
        (
            r.practitioner_id,
            r.total_points,
            r.available_points,
            r.workload_percent_display,
            r.remaining_points,
            r.rag.code,
        )
        for r in results
    ]
    assert figures == [
        ("po-1", D(403), D(2176), D("18.5"), D(1773), "blue"),
        ("pso-1", D(403), D(1411), D("28.6"), D(1008), "blue"),
        ("spo-1", D(206), D(0), D("0.0"), D(-206), "blue"),
    ]
    assert [(i.reference, i.points) for i in results[1].items] == [
        ("C3", D(29)),
        ("C4", D(0)),
        ("C5", D(0)),
        ("K1", D(0)),
        ("L1", D(132)),
        ("L2", D(30)),
        ("court_fast", D(65)),
        ("court_standard", D(138)),
        ("C1", D(9)),
        ("L1", D(0)),
    ]
    assert results[1].grade == "PSO" and results[1].reduction_hours == 6


def test_worked_example_children_team() -> None:
    """The figures quoted in docs/scoring.md, "Worked example 2"."""
    workload = load_workload_file(EXAMPLES / "children-team.json")
    sw, nqsw = score_practitioners(children(), workload.practitioners, workload.cms_contacts, ON)
    assert {i.reference: i.points for i in sw.items if i.kind == "case"} == {
        "S1": Decimal("125.96"),
        "S2": Decimal("62.98"),
        "S3": Decimal("279.14"),
        "S4": Decimal("11.31"),
    }
    assert (sw.total_points, sw.available_points, sw.workload_percent_display) == (
        Decimal("977.39"),
        Decimal("1909.20"),
        Decimal("51.2"),
    )
    assert (nqsw.grade, nqsw.total_points, nqsw.available_points, nqsw.workload_percent_display) == (
        "NQSW",
        Decimal("419.90"),
        Decimal("1687.20"),
        Decimal("24.9"),
    )
    assert not sw.warnings and not nqsw.warnings


def test_scorers_are_reused_per_scheme_and_date_with_the_same_results() -> None:
    from datetime import timedelta

    from caseload.domain import scoring

    scheme = probation_2022()
    people = [
        practitioner("PO", "37", cases=(case("A", "community", "D0", start_date=date(2020, 1, 6)),)),
        practitioner("PO", "30", cases=(case("B"), case("C", "licence", "B1"))),
    ]
    first = score_practitioners(scheme, people, (), ON)
    scorer = scoring._SCORERS[(id(scheme), ON)]
    assert scorer.scheme is scheme
    again = score_practitioners(scheme, list(reversed(people)), (), ON)
    assert scoring._SCORERS[(id(scheme), ON)] is scorer  # the memo carried over
    assert list(reversed(again)) == first
    assert first == [scoring.Scorer(scheme, ON).score(p) for p in people]  # equal to a fresh scorer's
    later = ON + timedelta(days=400)
    score_practitioners(scheme, people, (), later)
    assert scoring._SCORERS[(id(scheme), later)] is not scorer
    for n in range(scoring._SCORERS_LIMIT + 2):  # bounded
        score_practitioners(scheme, people, (), ON + timedelta(days=n + 1))
    assert len(scoring._SCORERS) <= scoring._SCORERS_LIMIT
