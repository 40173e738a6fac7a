"""Benchmark: score 250,000 cases held by 12,000 practitioners, with full breakdowns, under two presets.

Run with `uv run python benchmarks/bench_engine.py` (or `make bench`); record figures in benchmarks/RESULTS.md.
The workload is generated deterministically (seeded random) in memory; only the scoring is timed.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from caseload.domain.presets import load_preset
from caseload.domain.scheme import Scheme
from caseload.domain.scoring import score_practitioners
from caseload.domain.values import CaseInput, CmsContactInput, PractitionerInput, ReductionInput, ReportInput

ON = date(2026, 11, 23)
SEED = 20261123
CATEGORIES = ("community", "licence", "custody")
LEVELS = (*tuple(p + c for p in "ABCD" for c in "3210"), "A3S", "C2S", "D0S", "untiered")
HOURS = (Decimal(37), Decimal(37), Decimal(37), Decimal("22.5"), Decimal(30), Decimal("18.5"))
GRADES = ("PO", "PO", "PSO", "PSO", "TPO", "SPO")
FLAGS = (frozenset(), frozenset(), frozenset(), frozenset({"young_adult"}), frozenset({"warrant"}))


def generate(
    cases: int, practitioners: int, seed: int = SEED
) -> tuple[list[PractitionerInput], list[CmsContactInput]]:
    """A deterministic synthetic caseload: dates around ON, some reductions, reports and CMS contacts."""
    rng = random.Random(seed)
    per_person = [cases // practitioners] * practitioners
    for index in range(cases - sum(per_person)):
        per_person[index] += 1
    people = []
    contacts = []
    for number, count in enumerate(per_person):
        person_id = f"P{number:05d}"
        held = tuple(_case(rng, f"{person_id}-C{index:03d}") for index in range(count))
        reductions = ()
        if rng.random() < 0.2:
            start = ON - timedelta(days=rng.randint(0, 200))
            reductions = (ReductionInput("nqo", Decimal("7.4"), start, start + timedelta(days=270)),)
        reports = tuple(
            ReportInput(rng.choice(("court_standard", "court_fast")), ON - timedelta(days=rng.randint(0, 45)))
            for _ in range(rng.randint(0, 2))
        )
        people.append(
            PractitionerInput(
                person_id,
                f"Practitioner {number}",
                rng.choice(GRADES),
                rng.choice(HOURS),
                reductions,
                held,
                reports,
            )
        )
        if held and number and rng.random() < 0.3:
            contacts.append(
                CmsContactInput(
                    "CMS40",
                    ON - timedelta(days=rng.randint(0, 10)),
                    held[0].reference,
                    f"P{number - 1:05d}",
                    person_id,
                )
            )
    return people, contacts


def _case(rng: random.Random, reference: str) -> CaseInput:
    start = ON - timedelta(days=rng.randint(0, 700))
    return CaseInput(
        reference=reference,
        category=rng.choice(CATEGORIES),
        level=rng.choice(LEVELS),
        flags=rng.choice(FLAGS),
        start_date=start,
        expected_end_date=start + timedelta(days=rng.randint(180, 900)),
        expected_release_date=start + timedelta(days=rng.randint(30, 400)),
    )


def time_scoring(
    scheme: Scheme, people: list[PractitionerInput], contacts: list[CmsContactInput], repeats: int
) -> list[float]:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        results = score_practitioners(scheme, people, contacts, ON)
        timings.append(time.perf_counter() - started)
        assert len(results) == len(people) and all(
            result.items or not result.case_count for result in results
        )
        del results  # do not keep one run's 12,000 results alive while the next run is timed
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--practitioners", type=int, default=12_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="move the generated inputs out of the garbage collector's reach first",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    people, contacts = generate(args.cases, args.practitioners)
    print(
        f"generated {args.cases:,} cases for {args.practitioners:,} practitioners in {time.perf_counter() - started:.2f} s"
    )
    print(
        f"python {platform.python_version()} on {platform.machine()}; gc.freeze of inputs: {args.gc_freeze}"
    )
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    for preset in ("probation-2022", "probation-wmt-legacy"):
        timings = time_scoring(load_preset(preset), people, contacts, args.repeats)
        best, median = min(timings), sorted(timings)[len(timings) // 2]
        print(
            f"{preset:22s} best {best:.3f} s  median {median:.3f} s  "
            f"(runs: {' '.join(f'{t:.3f}' for t in timings)}; with breakdowns)"
        )


if __name__ == "__main__":
    main()
