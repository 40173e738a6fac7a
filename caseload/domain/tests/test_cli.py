"""The `caseload score` command: figures in both formats, clear errors with exit status 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from caseload.cli import main
from caseload.domain.presets import PRESETS_DIR
from caseload.domain.tests.helpers import EXAMPLES


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_score_json_output_is_machine_readable_with_decimals_as_text() -> None:
    status, out, err = run(
        "score",
        "--scheme",
        "probation-wmt-legacy",
        "--workload",
        str(EXAMPLES / "probation-legacy-team.json"),
        "--format",
        "json",
    )
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert document["scheme"] == {
        "name": "probation-wmt-legacy",
        "version": "2024-04",
        "points_unit": "WMT points per week",
    }
    po = document["practitioners"][0]
    assert (po["total_points"], po["available_points"], po["workload_percent"], po["rag"]["code"]) == (
        "403",
        "2176",
        "18.5",
        "blue",
    )
    assert po["items"][0] == {
        "kind": "case",
        "reference": "C1",
        "points": "206.00",
        "rule": "community A3: 206 points (probation-wmt-legacy v2024-04)",
    }
    assert po["available_time"][-1] == {"step": "Available", "value": "2176"}
    assert document["total"]["workload_percent"] == "28.2"
    assert document["total"]["target_staffing"]["required_fte"] == "0.47"


def test_score_table_output_for_a_scheme_file_and_a_date() -> None:
    status, out, _ = run(
        "score",
        "--scheme",
        str(PRESETS_DIR / "children-services.yaml"),
        "--workload",
        str(EXAMPLES / "children-team.json"),
        "--on",
        "2026-11-23",
    )
    assert status == 0
    assert "Scheme children-services v2026-01 (minutes per week), scored on 2026-11-23" in out
    assert "total 977.39  available 1909.20  workload 51.2%  remaining 931.81  Under 85% (blue)" in out
    assert "     62.98  case                 S2" in out
    assert (
        "-222.00  Reduction ASYE / NQSW protected development time (asye-protected-time): 3.7 h × 60" in out
    )


def test_on_overrides_the_file_date() -> None:
    _, out, _ = run(
        "score",
        "--scheme",
        "probation-wmt-legacy",
        "--workload",
        str(EXAMPLES / "probation-legacy-team.json"),
        "--on",
        "2027-01-01",
        "--format",
        "json",
    )
    pso = json.loads(out)["practitioners"][1]
    assert pso["total_points"] == "191"  # reports and CMS have dropped out of their windows


def test_bad_workload_file_lists_each_field_and_exits_2(tmp_path: Path) -> None:
    workload = tmp_path / "bad.json"
    workload.write_text(
        json.dumps(
            {
                "practitioners": [
                    {
                        "id": "p",
                        "name": "P",
                        "grade": "PO",
                        "contracted_hours": 60,
                        "cases": [{"reference": "X", "category": "community", "start_date": "23/11/2026"}],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    status, out, err = run("score", "--scheme", "probation-wmt-legacy", "--workload", str(workload))
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "error: practitioners[0].contracted_hours: must be a number between 0 and 48",
        "error: practitioners[0].cases[0].start_date: must be a date written YYYY-MM-DD",
    ]


def test_missing_inputs_exit_2(tmp_path: Path) -> None:
    workload = str(EXAMPLES / "children-team.json")
    missing_scheme, missing_workload = tmp_path / "missing.yaml", tmp_path / "missing.json"
    for argv, message in [
        (("--scheme", "nope", "--workload", workload), "error: no preset named 'nope'"),
        (("--scheme", str(missing_scheme), "--workload", workload), f"error: cannot read {missing_scheme}"),
        (
            ("--scheme", "probation-2022", "--workload", str(missing_workload)),
            f"error: cannot read {missing_workload}",
        ),
    ]:
        status, _, err = run("score", *argv)
        assert status == 2
        assert err.startswith(message)


def test_a_bad_scheme_file_reports_paths(tmp_path: Path) -> None:
    scheme = tmp_path / "scheme.json"
    scheme.write_text(json.dumps({"name": "x y"}), encoding="utf-8")
    status, _, err = run("score", "--scheme", str(scheme), "--workload", str(EXAMPLES / "children-team.json"))
    assert status == 2
    assert "error: name: must be a code: letters, digits, '-', '_' or '.', no spaces" in err.splitlines()
    assert "error: grades: is required" in err.splitlines()


def test_argument_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("score", "--scheme", "probation-2022")[0] == 2
    assert run("score", "--scheme", "x", "--workload", "y.json", "--on", "tomorrow")[0] == 2
    assert run()[0] == 2
    assert "the following arguments are required" in capsys.readouterr().err


def run_explain(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(["explain", *argv], out=out, err=io.StringIO()), out.getvalue()


EXPLAIN_SCHEME = """
format_version: 1
name: explain-test
version: "1"
effective_from: 2026-01-01
grades:
  SW: {name: Social worker, default_hours: 37}
categories:
  child-protection:
    name: Child protection
    responsive_percent: 25
    levels:
      level-2:
        name: Level 2
        activities:
          - {name: Section 47 enquiry, minutes: 1200, frequency: once_at_start, weeks: 4}
          - {name: Statutory visit, minutes: 90, frequency: per_fortnight}
modifiers:
  interpreter: {name: Interpreter needed, flag: interpreter, percent: 20}
staffing:
  reference_grade: SW
"""


def test_explain_lists_the_activities_and_steps_behind_a_case(tmp_path: Path) -> None:
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(EXPLAIN_SCHEME)
    args = [
        "--scheme",
        str(scheme),
        "--category",
        "child-protection",
        "--level",
        "level-2",
        "--flag",
        "interpreter",
    ]

    status, text = run_explain(*args, "--start-date", "2026-11-10", "--on", "2026-11-23")

    assert status == 0
    activities = [line.split(None, 1) for line in text.splitlines() if line.startswith("      ")][:2]
    # 1200 min spread over 4 weeks = 300 a week within those weeks; 90 min a fortnight = 45 a week
    assert [value for value, _ in activities] == ["300.00", "45.00"]
    steps = text.splitlines()[text.splitlines().index("  Steps:") + 1 :]
    # 345 + 25% responsive = 431.25, + 20% interpreter = 517.50
    assert [line.split()[0] for line in steps] == ["345.00", "431.25", "517.50"]

    _, after = run_explain(*args, "--start-date", "2026-11-10", "--on", "2026-12-08")  # five weeks later
    assert (
        "    45.00" not in after.splitlines()[0] and "2 activities = 45.00 min/week" in after.splitlines()[0]
    )


def test_explain_a_direct_weight_with_a_flag() -> None:
    status, text = run_explain("--scheme", "probation-wmt-legacy", "--category", "community", "--level", "A3")
    assert (status, text.splitlines()[0]) == (0, "community A3: 206 points (probation-wmt-legacy v2024-04)")


def test_explain_an_unknown_level_warns_and_exits_2() -> None:
    status, text = run_explain("--scheme", "probation-2022", "--category", "community", "--level", "Z9")
    assert status == 2
    assert "warning: level 'Z9' is not in category 'community'" in text
