"""Import runs, one write function per use case: `create_run` (keep the file), `check_run` (read, check and
plan it — the dry run — and apply it when it is not a dry run), `apply_import` (all or nothing, one audit
entry per run, then recalculation). The command, the web views and the background task all call these."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from caseload.core import audit
from caseload.core.models import AuditEntry, User
from caseload.imports import wmt
from caseload.imports.applying import Outcome, Progress, Writer
from caseload.imports.models import ImportRun, ImportStatus
from caseload.imports.planning import ImportPlan, build_plan
from caseload.imports.readers import XLSX_MAGIC, FileRejected, read_file
from caseload.imports.validation import parse_rows
from caseload.organisations.models import OrgUnit, TeamMembership

logger = logging.getLogger(__name__)
STORED_PROBLEMS = 1000


class ImportNotReady(Exception):
    """The run cannot be applied in its present state."""


def create_run(
    *,
    file_name: str,
    content: bytes,
    layout: str = "",
    dry_run: bool = True,
    actor: User | None = None,
    organisation: OrgUnit | None = None,
) -> ImportRun:
    """Keep an uploaded file as a pending run. `organisation` is where a case-management extract's
    regions go (the only organisation when not given)."""
    extract = wmt.is_extract(file_name, content, layout)
    return ImportRun.objects.create(
        file_name=file_name[:255],
        kind=wmt.LAYOUT if extract else "generic",
        layout=wmt.LAYOUT if extract else layout,
        organisation=organisation,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        dry_run=dry_run,
        created_by=actor if actor is not None and actor.pk else None,
    )


def plan_import(run: ImportRun) -> ImportPlan:
    """The dry run: read and check the run's file and work out, against the database as it is now, what
    would be added, changed, left alone and closed. Raises FileRejected when the file cannot be read."""
    content = bytes(run.content)
    if wmt.is_extract(run.file_name, content, run.layout):
        if not run.file_name.lower().endswith(".xlsx") and not content.startswith(XLSX_MAGIC):
            raise FileRejected("A WMT extract must be an .xlsx workbook.")
        from caseload.imports.wmt.translate import plan_extract

        return plan_extract(content, run.organisation)
    raw = read_file(run.file_name, content, run.layout)
    return build_plan(parse_rows(raw))


def check_run(run: ImportRun, *, progress: Progress | None = None) -> ImportRun:
    """Check a pending run and record the dry-run counts, errors and warnings. A run that is not a dry run
    is applied straight after a clean check, by whoever asked for it to be applied."""
    _save(run, status=ImportStatus.VALIDATING, started_at=timezone.now(), finished_at=None, error_message="")
    try:
        plan = plan_import(run)
    except FileRejected as rejected:
        return _save(
            run, status=ImportStatus.REJECTED, error_message=str(rejected), finished_at=timezone.now()
        )
    except Exception as error:
        logger.exception("Import run %s failed while checking", run.pk)
        return _save(
            run, status=ImportStatus.FAILED, error_message=_describe(error), finished_at=timezone.now()
        )
    _record_plan(run, plan)
    if not plan.ok:
        return _save(run, status=ImportStatus.REJECTED, finished_at=timezone.now())
    _save(run, status=ImportStatus.VALIDATED, finished_at=timezone.now())
    if not run.dry_run:
        return apply_import(run, run.applied_by or run.created_by, progress=progress)
    return run


def request_apply(run: ImportRun, actor: User | None) -> ImportRun:
    """Mark a checked run to be applied by `actor`; the background task checks it again and applies it."""
    if not run.can_apply:
        raise ImportNotReady(f"Import {run.pk} is {run.get_status_display().lower()} and cannot be applied.")
    return _save(run, status=ImportStatus.PENDING, dry_run=False, applied_by=actor)


def apply_import(run: ImportRun, actor: User | None, *, progress: Progress | None = None) -> ImportRun:
    """Apply a checked run: plan again against the database as it is now, then write everything in one
    transaction, with one audit entry for the run. Any problem leaves the database as it was. Afterwards,
    ask for the touched memberships to be recalculated."""
    if run.status != ImportStatus.VALIDATED:
        raise ImportNotReady(
            f"Import {run.pk} is {run.get_status_display().lower()}; check it before applying."
        )
    _save(run, status=ImportStatus.APPLYING, applied_by=actor, started_at=timezone.now(), finished_at=None)
    try:
        with transaction.atomic():
            plan = plan_import(run)
            if not plan.ok:
                _record_plan(run, plan)
                return _save(run, status=ImportStatus.REJECTED, finished_at=timezone.now())
            outcome = Writer(plan, actor=actor, run_id=run.pk, progress=progress).write()
            audit.record(
                AuditEntry.Action.UPDATE,
                run,
                actor=actor,
                after={"file_name": run.file_name, "sha256": run.sha256, "counts": plan.counts()},
                note=f"Applied import {run.pk} of {run.file_name}",
            )
    except FileRejected as rejected:
        return _save(
            run, status=ImportStatus.REJECTED, error_message=str(rejected), finished_at=timezone.now()
        )
    except Exception as error:
        logger.exception("Import run %s failed while applying; nothing was changed", run.pk)
        return _save(
            run,
            status=ImportStatus.FAILED,
            error_message=f"Nothing was changed: {_describe(error)}",
            finished_at=timezone.now(),
        )
    _record_plan(run, plan)
    run.counts["recalculation"] = recalculate_touched(outcome)
    return _save(run, status=ImportStatus.APPLIED, finished_at=timezone.now())


def recalculate_touched(outcome: Outcome) -> str:
    """Ask the workloads app to recalculate the memberships an import touched, when it can (the function
    `caseload.workloads.services.recalculate(memberships)` may not exist yet). Never fails the import."""
    if not outcome.touched:
        return "nothing to recalculate"
    recalculate = _recalculate_function()
    if recalculate is None:
        return "not available"
    practitioner_ids = {practitioner for practitioner, _team in outcome.touched}
    memberships = [
        m
        for m in TeamMembership.objects.current().filter(practitioner_id__in=practitioner_ids)
        if (m.practitioner_id, m.team_id) in outcome.touched
    ]
    try:
        recalculate(memberships)
    except Exception as error:
        logger.exception("Recalculation after an import failed")
        return f"failed: {_describe(error)}"
    return f"requested for {len(memberships)} memberships"


def _recalculate_function() -> Callable[[list[TeamMembership]], Any] | None:
    try:
        from caseload.workloads import services as workload_services
    except ImportError:
        return None
    return getattr(workload_services, "recalculate", None)


def _record_plan(run: ImportRun, plan: ImportPlan) -> None:
    """Keep the counts, a sample of the changes and the problems (the first STORED_PROBLEMS of each)."""
    run.counts = plan.counts()
    run.counts["problems"] = {"errors": len(plan.errors), "warnings": len(plan.warnings)}
    run.changes = plan.sample_changes()
    run.errors = [p.as_dict() for p in plan.errors[:STORED_PROBLEMS]]
    run.warnings = [p.as_dict() for p in plan.warnings[:STORED_PROBLEMS]]


def _save(run: ImportRun, **fields: Any) -> ImportRun:
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(
        update_fields=[
            *fields,
            *(f for f in ("counts", "changes", "errors", "warnings") if f not in fields),
        ]
    )
    return run


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]
