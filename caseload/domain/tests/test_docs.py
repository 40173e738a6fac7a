"""The worked examples in docs/scoring.md are real: each output block is exactly what the command prints."""

from __future__ import annotations

import io
import re

import yaml

from caseload.cli import main
from caseload.domain.case_points import explain_case
from caseload.domain.scheme_parser import parse_scheme
from caseload.domain.tests.helpers import EXAMPLES, ON, ROOT, case

BLOCK = re.compile(r"<!-- output: (\S+) (\S+) -->\n```text\n(.*?)```", re.DOTALL)


def test_every_example_file_is_a_worked_example_whose_output_matches() -> None:
    scoring = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    blocks = BLOCK.findall(scoring)
    assert sorted(workload for _, workload, _ in blocks) == sorted(p.name for p in EXAMPLES.glob("*.json"))
    for scheme, workload, expected in blocks:
        out = io.StringIO()
        assert main(["score", "--scheme", scheme, "--workload", str(EXAMPLES / workload)], out=out) == 0
        assert out.getvalue() == expected, f"docs/scoring.md output for {workload} is out of date"


def test_scheme_format_minimal_example_parses() -> None:
    text = (ROOT / "docs" / "scheme-format.md").read_text(encoding="utf-8")
    minimal = text.split("## A minimal scheme", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    scheme = parse_scheme(yaml.safe_load(minimal))
    assert scheme.label == "small-team v1"
    # 90 min per month (1080/52) + 30 per week = 50.77; + 10 % responsive = 55.85
    assert str(explain_case(scheme, case(category="child-in-need", level="standard"), ON).points) == "55.85"
