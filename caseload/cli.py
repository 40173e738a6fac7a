"""The `caseload` console script. Subcommands work offline on files; the web product has its own commands.

    caseload score --scheme SCHEME_FILE_OR_PRESET --workload WORKLOAD.json [--on YYYY-MM-DD] [--format json|table]
    caseload explain --scheme SCHEME --category CODE [--level CODE] [--status CODE] [--flag FLAG ...] [--on DATE]

Bad input prints `error: …` lines naming each field and exits with status 2 (docs/scoring.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from caseload.domain.aggregate import aggregate
from caseload.domain.case_points import explain_case
from caseload.domain.presets import list_presets, load_preset
from caseload.domain.reader import InputError
from caseload.domain.results import WorkloadResult
from caseload.domain.results_json import aggregate_as_dict, result_as_dict
from caseload.domain.scheme import Scheme
from caseload.domain.scheme_parser import load_scheme_file
from caseload.domain.scoring import score_practitioners
from caseload.domain.staffing import target_staffing
from caseload.domain.values import CaseInput
from caseload.domain.workload_file import load_workload_file

EXIT_OK = 0
EXIT_BAD_INPUT = 2
TIME_ZONE = ZoneInfo("Europe/London")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Parse arguments, run the subcommand, return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    command: Callable[[argparse.Namespace, TextIO], int] = args.command
    try:
        return command(args, out)
    except InputError as error:
        for path, message in error.problems:
            err.write(f"error: {path + ': ' if path else ''}{message}\n")
        return EXIT_BAD_INPUT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caseload", description="Caseload workload tools (offline).")
    subcommands = parser.add_subparsers(required=True, metavar="COMMAND")
    score = subcommands.add_parser("score", help="score practitioners from a workload JSON file")
    score.add_argument(
        "--scheme",
        required=True,
        help=f"scheme file (.yaml/.yml/.json) or preset: {', '.join(list_presets())}",
    )
    score.add_argument("--workload", required=True, type=Path, help="workload JSON file (docs/scoring.md)")
    score.add_argument(
        "--on", type=_iso_date, help="calculation date YYYY-MM-DD (default: the file's `on`, else today)"
    )
    score.add_argument("--format", choices=("table", "json"), default="table")
    score.set_defaults(command=run_score)
    explain = subcommands.add_parser(
        "explain", help="show the activities, minutes and steps behind one case's points"
    )
    explain.add_argument("--scheme", required=True, help="scheme file or preset name")
    explain.add_argument("--category", required=True, help="case category code, e.g. child-protection")
    explain.add_argument("--level", help="tier or complexity level code (omit for untiered)")
    explain.add_argument("--status", default="active", help="case status code (default: active)")
    explain.add_argument("--flag", action="append", default=[], help="a case flag; repeat for several")
    explain.add_argument("--start-date", type=_iso_date, help="case start date (once-at-start activities)")
    explain.add_argument("--end-date", type=_iso_date, help="expected end date (before-end activities)")
    explain.add_argument(
        "--release-date", type=_iso_date, help="expected release date (before-release activities)"
    )
    explain.add_argument("--on", type=_iso_date, help="calculation date YYYY-MM-DD (default: today)")
    explain.set_defaults(command=run_explain)
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from error


def load_scheme_argument(value: str) -> Scheme:
    """A path to a scheme file when it looks like one, else a preset name."""
    path = Path(value)
    if path.suffix.lower() in {".yaml", ".yml", ".json"} or path.exists():
        return load_scheme_file(path)
    return load_preset(value)


def run_score(args: argparse.Namespace, out: TextIO) -> int:
    scheme = load_scheme_argument(args.scheme)
    workload = load_workload_file(args.workload)
    on = args.on or workload.on or datetime.now(tz=TIME_ZONE).date()
    results = score_practitioners(scheme, workload.practitioners, workload.cms_contacts, on)
    total = aggregate(scheme, "All practitioners in the file", results)
    staffing = target_staffing(scheme, total.total_points)
    if args.format == "json":
        document = {
            "scheme": {"name": scheme.name, "version": scheme.version, "points_unit": scheme.points_unit},
            "on": on.isoformat(),
            "practitioners": [result_as_dict(result) for result in results],
            "total": aggregate_as_dict(total, staffing),
        }
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    out.write(f"Scheme {scheme.label} ({scheme.points_unit}), scored on {on.isoformat()}\n")
    for result in results:
        out.write("\n" + format_result(result))
    out.write(
        f"\nTotal for {total.members} practitioner(s): {total.total_points} of {total.available_points} "
        f"= {total.workload_percent_display}% ({total.rag.name}); target staffing figure: {staffing.explanation}\n"
    )
    return EXIT_OK


def run_explain(args: argparse.Namespace, out: TextIO) -> int:
    """One case's points with every activity line and step, for checking a scheme by hand."""
    scheme = load_scheme_argument(args.scheme)
    case = CaseInput(
        reference="example",
        category=args.category,
        level=args.level,
        status=args.status,
        flags=frozenset(args.flag),
        start_date=args.start_date,
        expected_end_date=args.end_date,
        expected_release_date=args.release_date,
    )
    explanation = explain_case(scheme, case, args.on or datetime.now(tz=TIME_ZONE).date())
    out.write(f"{explanation.rule}\n")
    if explanation.activities:
        out.write("  Activities (minutes per week):\n")
        for line in explanation.activities:
            out.write(f"    {line.weekly_minutes:>10}  {line.label}\n")
    out.write("  Steps:\n")
    out.write("".join(f"    {step.value:>10}  {step.label}\n" for step in explanation.steps))
    if explanation.warning:
        out.write(f"  warning: {explanation.warning}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK


def format_result(result: WorkloadResult) -> str:
    """A practitioner's figures, breakdown and available-time derivation as aligned terminal text."""
    lines = [
        f"{result.name} ({result.practitioner_id}), grade {result.grade}",
        f"  total {result.total_points}  available {result.available_points}  workload {result.workload_percent_display}%"
        f"  remaining {result.remaining_points}  {result.rag.name} ({result.rag.code})",
        "  Breakdown:",
    ]
    lines.extend(
        f"    {item.points:>10}  {item.kind:<20} {item.reference:<14} {item.rule}" for item in result.items
    )
    lines.append("  Available time:")
    lines.extend(f"    {step.value:>10}  {step.label}" for step in result.capacity_steps)
    lines.extend(f"  warning: {warning}" for warning in result.warnings)
    return "\n".join(lines) + "\n"
