"""Scheme files: presets validate and round-trip; bad files are rejected with field paths."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from caseload.domain.presets import PRESETS_DIR, list_presets, load_preset
from caseload.domain.scheme import CapacityMethod, Frequency, TotalRounding, WeightingMethod
from caseload.domain.scheme_dump import dump_scheme
from caseload.domain.scheme_parser import SchemeError, load_scheme_file, parse_scheme
from caseload.domain.tests.helpers import preset_data


def problems_of(data: object) -> list[tuple[str, str]]:
    with pytest.raises(SchemeError) as raised:
        parse_scheme(data)
    return raised.value.problems


def test_the_four_presets_are_shipped() -> None:
    assert list_presets() == [
        "adult-community-care",
        "children-services",
        "probation-2022",
        "probation-wmt-legacy",
    ]
    assert PRESETS_DIR.is_dir()


@pytest.mark.parametrize(
    "name", ["adult-community-care", "children-services", "probation-2022", "probation-wmt-legacy"]
)
def test_each_preset_validates_round_trips_and_declares_its_calibration(name: str) -> None:
    scheme = load_preset(name)
    assert scheme.description and scheme.sources
    assert scheme.calibration, "every preset says which sections are illustrative"
    assert parse_scheme(json.loads(json.dumps(dump_scheme(scheme)))) == scheme
    assert parse_scheme(yaml.safe_load(yaml.safe_dump(dump_scheme(scheme), sort_keys=False))) == scheme


def test_legacy_preset_carries_the_wmt_seed_values() -> None:
    scheme = load_preset("probation-wmt-legacy")
    assert scheme.capacity.method is CapacityMethod.NOMINAL_TARGET
    assert scheme.rounding is TotalRounding.INTEGER_HALF_UP
    community = scheme.categories_by_code["community"].levels_by_code
    licence = scheme.categories_by_code["licence"].levels_by_code
    custody = scheme.categories_by_code["custody"].levels_by_code
    assert [community[t].weight("standard") for t in ("A3", "B0", "C0", "D0")] == [206, 72, 35, 29]
    assert [licence[t].weight("standard") for t in ("A3", "A0", "D1")] == [219, 0, 31]
    assert [custody[t].weight("standard") for t in ("A3", "B1", "D3")] == [75, 47, 17]
    assert community["A3"].weight("young_adult") == 75 and licence["C3"].weight("young_adult") == 30
    assert community["D0S"].weight("standard") == 0
    assert (
        scheme.report_types_by_code["court_standard"].points == 138
        and scheme.report_types_by_code["court_fast"].points == 65
    )
    assert scheme.court_reports.window_days == 30 and scheme.cms.window_days == 7
    assert dict(scheme.direct_weighting.keep_percent) == {  # type: ignore[union-attr]
        "warrant": 0,
        "unpaid_work_only": 100,
        "overdue_termination": 0,
    }
    grades = scheme.grades_by_code
    assert [grades[g].nominal_target for g in ("PO", "PSO", "TPO")] == [2176, 2176, 2176]
    assert grades["SPO"].default_hours == 0 and not grades["DMY"].measured
    assert len(scheme.reduction_reasons) == 26
    assert scheme.reasons_by_code["spoc-lead"].max_percent == 5
    assert scheme.reasons_by_code["nqo"].months_to_expiry == 9
    assert scheme.contact_types_by_code["CMS04"].points == 9
    assert scheme.contact_types_by_code["CMS36"].points == 18
    assert scheme.contact_types_by_code["CMS51"].points == 0


def test_legacy_grade_aliases_map_ndelius_codes() -> None:
    scheme = load_preset("probation-wmt-legacy")
    resolved = {
        code: scheme.resolve_grade(code) for code in ("PSQ", "m", "NPS – PQF", "crc-pqf", "OGO3", "", "ZZZ")
    }
    assert {code: grade.code for code, grade in resolved.items() if grade} == {
        "PSQ": "PSO",
        "m": "PO",
        "NPS – PQF": "TPO",
        "crc-pqf": "TPO",
        "OGO3": "DMY",
        "": "DMY",
        "ZZZ": "DMY",
    }


def test_probation_2022_is_activity_based_in_minutes_with_14_percent_nat() -> None:
    scheme = load_preset("probation-2022")
    assert scheme.capacity.method is CapacityMethod.HOURS
    assert scheme.capacity.non_available_percent == 14
    assert all(category.method is WeightingMethod.ACTIVITY for category in scheme.categories)
    assert all(category.responsive_percent <= 30 for category in scheme.categories)


def test_activity_minutes_out_of_range_names_the_field() -> None:
    data = preset_data("probation-2022")
    data["categories"]["community"]["levels"]["A3"]["activities"][2]["minutes"] = 20000
    assert problems_of(data) == [
        ("categories.community.levels.A3.activities[2].minutes", "must be a number between 0 and 10000")
    ]


def test_every_problem_is_reported_at_once() -> None:
    data = preset_data("children-services")
    data["categories"]["child-protection"]["responsive_percent"] = 31
    data["categories"]["child-in-need"]["levels"]["level-1"]["activities"][1]["frequency"] = "per_decade"
    data["rag"]["bands"][1]["up_to"] = 80
    data["grades"]["SW"]["colour"] = "blue"
    del data["name"]
    problems = dict(problems_of(data))
    assert problems.pop("categories.child-in-need.levels.level-1.activities[1].frequency").startswith(
        "must be one of: per_week, per_fortnight, per_month"
    )
    assert problems == {
        "categories.child-protection.responsive_percent": "must be a number between 0 and 30",
        "grades.SW.colour": "unknown field (allowed: name, default_hours, nominal_target, measured, aliases)",
        "name": "is required",
        "rag.bands[1]": "bands must be in ascending order of their bounds",
    }


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (lambda d: d.update(format_version=2), "format_version", "must be a whole number between 1 and 1"),
        (
            lambda d: d.update(effective_from="01/04/2024"),
            "effective_from",
            "must be a date written YYYY-MM-DD",
        ),
        (lambda d: d.update(rounding="banker"), "rounding", "must be one of: integer_half_up, two_dp"),
        (
            lambda d: d["categories"]["community"]["levels"]["A3"]["weights"].update(standard=-1),
            "categories.community.levels.A3.weights.standard",
            "must be a number between 0 and 10000",
        ),
        (
            lambda d: d["categories"]["community"]["levels"]["A3"]["weights"].update(t2a=75),
            "categories.community.levels.A3.weights.t2a",
            "unknown row",
        ),
        (
            lambda d: d["direct_weighting"]["keep_percent"].update(warrant=101),
            "direct_weighting.keep_percent.warrant",
            "must be a number between 0 and 100",
        ),
        (
            lambda d: d["direct_weighting"].update(keep_applies_to=["standard", "adult"]),
            "direct_weighting.keep_applies_to",
            "unknown row 'adult'",
        ),
        (
            lambda d: d["capacity"].update(unknown_grade="XX"),
            "capacity.unknown_grade",
            "unknown grade 'XX'",
        ),
        (
            lambda d: d["grades"]["PO"].pop("nominal_target"),
            "grades.PO.nominal_target",
            "is required when capacity.method is nominal_target",
        ),
        (
            lambda d: d["grades"]["PSO"]["aliases"].append("m"),
            "grades.PSO.aliases",
            "'m' is already used by grade 'PO'",
        ),
        (
            lambda d: d["reduction_reasons"]["trade-union"].update(default_percent=60),
            "reduction_reasons.trade-union.default_percent",
            "must not be more than max_percent",
        ),
        (
            lambda d: d["staffing"].update(reference_grade="DMY"),
            "staffing.reference_grade",
            "must be a measured grade",
        ),
        (
            lambda d: d["allocation"].update(hard_limit_percent=100),
            "allocation.hard_limit_percent",
            "must not be below red_justification_percent",
        ),
        (
            lambda d: d["allocation"]["eligibility"][0].update(categories=["court"]),
            "allocation.eligibility[0].categories",
            "unknown category 'court'",
        ),
        (
            lambda d: d["wellbeing"]["sustained_overload"][0].update(consecutive_weeks=0),
            "wellbeing.sustained_overload[0].consecutive_weeks",
            "must be a whole number between 1 and 52",
        ),
        (
            lambda d: d.update(calibration={"grades": "guessed"}),
            "calibration.grades",
            "must be one of: illustrative, sourced, calibrated",
        ),
        (
            lambda d: d["cms"].update(window_days=0),
            "cms.window_days",
            "must be a whole number between 1 and 366",
        ),
    ],
)
def test_bad_legacy_values_are_rejected_with_their_path(edit: object, path: str, message: str) -> None:
    data = preset_data("probation-wmt-legacy")
    edit(data)  # type: ignore[operator]
    assert (path, message) in problems_of(data)


def test_activity_rules_need_weeks_only_for_spread_frequencies() -> None:
    data = preset_data("children-services")
    activities = data["categories"]["child-in-need"]["levels"]["level-1"]["activities"]
    del activities[0]["weeks"]
    activities[1]["weeks"] = 4
    problems = dict(problems_of(data))
    assert (
        problems["categories.child-in-need.levels.level-1.activities[0].weeks"]
        == "is required for frequency once_at_start"
    )
    assert problems["categories.child-in-need.levels.level-1.activities[1].weeks"].startswith(
        "only applies to"
    )


def test_a_direct_category_needs_the_direct_weighting_section() -> None:
    data = preset_data("probation-wmt-legacy")
    del data["direct_weighting"]
    assert ("categories.community.method", "direct needs a direct_weighting section") in problems_of(data)


def test_not_a_mapping_is_rejected() -> None:
    assert problems_of(["a", "list"]) == [("", "must be a mapping of fields")]


def test_load_scheme_file_reads_yaml_and_json(tmp_path: Path) -> None:
    data = preset_data("children-services")
    json_file = tmp_path / "scheme.json"
    json_file.write_text(json.dumps(data), encoding="utf-8")
    yaml_file = tmp_path / "scheme.yml"
    yaml_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert load_scheme_file(json_file) == load_scheme_file(yaml_file) == load_preset("children-services")


@pytest.mark.parametrize(
    ("name", "content", "message_start"),
    [
        ("scheme.txt", "name: x", "scheme.txt: scheme files must end in .yaml, .yml or .json"),
        ("scheme.yaml", "name: [unclosed", "scheme.yaml is not valid YAML"),
        ("scheme.json", "{", "scheme.json is not valid JSON"),
    ],
)
def test_unreadable_files_are_rejected(tmp_path: Path, name: str, content: str, message_start: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SchemeError) as raised:
        load_scheme_file(path)
    assert raised.value.problems[0][1].startswith(message_start)


def test_missing_file_and_unknown_preset() -> None:
    with pytest.raises(SchemeError, match="cannot read"):
        load_scheme_file("/nonexistent/scheme.yaml")
    with pytest.raises(SchemeError, match="no preset named 'nope'"):
        load_preset("nope")


def test_decimal_text_and_floats_parse_exactly() -> None:
    data = preset_data("children-services")
    data["categories"]["child-in-need"]["levels"]["level-1"]["activities"][1]["minutes"] = 12.1
    data["categories"]["child-in-need"]["levels"]["level-1"]["activities"][2]["minutes"] = "33.35"
    scheme = parse_scheme(data)
    activities = scheme.categories_by_code["child-in-need"].levels_by_code["level-1"].activities
    assert (activities[1].minutes, activities[2].minutes) == (Decimal("12.1"), Decimal("33.35"))
    assert activities[1].frequency is Frequency.PER_MONTH


def test_a_key_written_twice_is_rejected_with_its_line(tmp_path: Path) -> None:
    text = (PRESETS_DIR / "probation-wmt-legacy.yaml").read_text(encoding="utf-8")
    doubled = text.replace("    CMS02: {", "    CMS01: {name: copy, points: 1}\n    CMS02: {", 1)
    path = tmp_path / "doubled.yaml"
    path.write_text(doubled, encoding="utf-8")
    with pytest.raises(SchemeError) as error:
        load_scheme_file(path)
    [(where, message)] = error.value.problems
    assert where == ""
    assert "the key 'CMS01' appears twice in the same mapping" in message
    assert "line " in message


def test_a_json_key_written_twice_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "doubled.json"
    path.write_text('{"name": "a", "name": "b"}', encoding="utf-8")
    with pytest.raises(SchemeError, match="the key 'name' appears twice"):
        load_scheme_file(path)
