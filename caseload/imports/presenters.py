"""Ready-to-show values for the import pages: labels, tag colours, rows of counts and problems."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from caseload.imports.layouts import GENERIC_LAYOUTS
from caseload.imports.models import ImportRun, ImportStatus
from caseload.imports.planning import CHANGE_SAMPLE

TAG_COLOURS = {
    ImportStatus.PENDING: "grey",
    ImportStatus.VALIDATING: "blue",
    ImportStatus.VALIDATED: "turquoise",
    ImportStatus.APPLYING: "blue",
    ImportStatus.APPLIED: "green",
    ImportStatus.FAILED: "red",
    ImportStatus.REJECTED: "red",
    ImportStatus.INTERRUPTED: "orange",
}
SUMMARY_LABELS = {
    "practitioners_moved": "Practitioners moved",
    "hours_changed": "Contracted hours changed",
    "holders_changed": "Case holders changed",
}


def _when(value: Any) -> str:
    return date_format(timezone.localtime(value), "j M Y H:i") if value else "–"


def _who(user: Any) -> str:
    return str(user) if user else "Command line"


@dataclass(frozen=True)
class RunRow:
    url: str
    file_name: str
    status: str
    colour: str
    mode: str
    created_by: str
    created_at: str
    totals: str
    file_deleted: bool


def present_rows(runs: list[ImportRun]) -> list[RunRow]:
    return [
        RunRow(
            url=reverse("imports:detail", args=[run.pk]),
            file_name=run.file_name,
            status=run.get_status_display(),
            colour=TAG_COLOURS[ImportStatus(run.status)],
            mode="Dry run" if run.dry_run else "Apply",
            created_by=_who(run.created_by),
            created_at=_when(run.created_at),
            totals=_totals(run.counts),
            file_deleted=run.file_deleted,
        )
        for run in runs
    ]


def _totals(counts: dict[str, Any]) -> str:
    entities = [c for name, c in counts.items() if name in GENERIC_LAYOUTS]
    if not entities:
        return "–"
    added, changed, closed = (sum(c[key] for c in entities) for key in ("added", "changed", "closed"))
    return f"{added:,} added, {changed:,} changed, {closed:,} closed"


@dataclass(frozen=True)
class RunPage:
    run_id: int
    file_name: str
    status: str
    colour: str
    is_running: bool
    can_apply: bool
    apply_text: str
    applied: bool
    details: list[dict[str, Any]]
    counts: list[list[dict[str, Any]]]
    summary: list[dict[str, Any]]
    errors: list[list[dict[str, Any]]]
    warnings: list[list[dict[str, Any]]]
    changes: list[list[dict[str, Any]]]
    error_message: str
    same_file_applied: str
    error_count: str
    warning_count: str
    changes_caption: str


def present_run(run: ImportRun, earlier_applied: ImportRun | None = None) -> RunPage:
    return RunPage(
        run_id=run.pk,
        file_name=run.file_name,
        status=run.get_status_display(),
        colour=TAG_COLOURS[ImportStatus(run.status)],
        is_running=run.is_running,
        can_apply=run.can_apply,
        apply_text=(
            "Nothing was changed. Apply it again: the file is checked afresh first."
            if run.status == ImportStatus.INTERRUPTED
            else "The file has been checked and nothing has changed yet. Apply it to make the changes below."
        ),
        applied=run.status == ImportStatus.APPLIED,
        details=_details(run),
        counts=[
            [{"text": GENERIC_LAYOUTS[entity].title}]
            + [
                {"text": f"{c[k]:,}", "format": "numeric"}
                for k in ("added", "changed", "unchanged", "closed")
            ]
            for entity, c in run.counts.items()
            if entity in GENERIC_LAYOUTS
        ],
        summary=[
            {"key": {"text": label}, "value": {"text": f"{run.counts['summary'][key]:,}"}}
            for key, label in SUMMARY_LABELS.items()
            if key in run.counts.get("summary", {})
        ],
        errors=_problems(run.errors),
        warnings=_problems(run.warnings),
        changes=[
            [
                {"text": GENERIC_LAYOUTS[c["entity"]].title},
                {"text": c["key"]},
                {"text": "Add" if c["action"] == "add" else "Change"},
                {
                    "text": "; ".join(
                        f"{k}: {old or '–'} → {new or '–'}" for k, (old, new) in c["fields"].items()
                    )
                },
            ]
            for c in run.changes
        ],
        error_message=run.error_message,
        same_file_applied=(
            f"This file was applied before, on {_when(earlier_applied.finished_at)} (import {earlier_applied.pk}). "
            "Applying it again changes nothing that has not changed since."
            if earlier_applied
            else ""
        ),
        error_count=_count_shown(run.counts.get("problems", {}).get("errors", 0), len(run.errors)),
        warning_count=_count_shown(run.counts.get("problems", {}).get("warnings", 0), len(run.warnings)),
        changes_caption=(
            "Records added or changed"
            if len(run.changes) < CHANGE_SAMPLE
            else f"Records added or changed (the first {len(run.changes):,})"
        ),
    )


def _count_shown(total: int, shown: int) -> str:
    total = max(total, shown)
    return f"{total:,}" if total == shown else f"{total:,}, the first {shown:,} shown"


def _details(run: ImportRun) -> list[dict[str, Any]]:
    rows = [
        (
            "File",
            f"{run.file_name} (file deleted {_when(run.file_deleted_at)})"
            if run.file_deleted
            else run.file_name,
        ),
        ("Size", f"{run.size:,} bytes"),
        ("SHA-256", run.sha256),
        ("Layout", GENERIC_LAYOUTS[run.layout].title if run.layout in GENERIC_LAYOUTS else "From the file"),
        ("Uploaded by", _who(run.created_by)),
        ("Uploaded", _when(run.created_at)),
        ("Applied by", _who(run.applied_by) if run.status == ImportStatus.APPLIED else "–"),
        ("Finished", _when(run.finished_at)),
    ]
    if "recalculation" in run.counts:
        rows.append(("Recalculation", run.counts["recalculation"]))
    return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]


def _problems(problems: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [
        [
            {"text": p["sheet"]},
            {"text": str(p["row"]) if p["row"] else "–", "format": "numeric"},
            {"text": p["column"] or "–"},
            {"text": p["message"]},
        ]
        for p in problems
    ]
