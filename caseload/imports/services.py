"""Import runs, one write function per use case: `create_run` (keep the file), `check_run` (read, check and
plan it — the dry run — and apply it when it is not a dry run), `apply_import` (all or nothing: the writes,
one audit entry per run and the recalculation of every workload it affects, in one transaction). The
command, the web views and the background task all call these."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import socket
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caseload.core import audit
from caseload.core.models import AuditEntry, User
from caseload.imports import conf, wmt
from caseload.imports.applying import Progress, Writer
from caseload.imports.models import FINISHED_STATUSES, WORKING_STATUSES, ImportRun, ImportStatus
from caseload.imports.planning import ImportPlan, build_plan
from caseload.imports.readers import XLSX_MAGIC, FileRejected, check_size, read_file
from caseload.imports.state import check_transition
from caseload.imports.validation import parse_rows
from caseload.organisations.models import OrgUnit
from caseload.workloads.services import recalculate

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
    check_size(content)
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
    _save(
        run,
        status=ImportStatus.VALIDATING,
        started_at=timezone.now(),
        finished_at=None,
        error_message="",
        **_worker(),
    )
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
    _require_file(run)
    if not run.can_apply:
        raise ImportNotReady(f"Import {run.pk} is {run.get_status_display().lower()} and cannot be applied.")
    return _save(run, status=ImportStatus.PENDING, dry_run=False, applied_by=actor, error_message="")


def apply_import(run: ImportRun, actor: User | None, *, progress: Progress | None = None) -> ImportRun:
    """Apply a checked run: plan again against the database as it is now, then write everything in one
    transaction, with one audit entry for the run, and recalculate in the same transaction the stored
    workloads of every membership the writes affect (caseload.imports.outcome), so the figures change in
    the same commit as the data behind them. Any problem, a failed recalculation included, leaves the
    database as it was."""
    if run.status != ImportStatus.VALIDATED:
        raise ImportNotReady(
            f"Import {run.pk} is {run.get_status_display().lower()}; check it before applying."
        )
    _require_file(run)
    _save(
        run,
        status=ImportStatus.APPLYING,
        applied_by=actor,
        started_at=timezone.now(),
        finished_at=None,
        **_worker(),
    )
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
            affected = outcome.membership_ids(timezone.localdate())
            stored = recalculate(affected, reason=f"Import {run.pk} of {run.file_name}")
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
    run.counts["recalculation"] = _recalculated(len(affected), stored)
    return _save(run, status=ImportStatus.APPLIED, finished_at=timezone.now())


def _recalculated(affected: int, stored: int) -> str:
    if not affected:
        return "nothing to recalculate"
    unmeasured = affected - stored
    return f"{stored} workloads recalculated" + (
        f"; {unmeasured} memberships not measured (no scheme in force for their team)" if unmeasured else ""
    )


def _record_plan(run: ImportRun, plan: ImportPlan) -> None:
    """Keep the counts, a sample of the changes and the problems (the first STORED_PROBLEMS of each)."""
    run.counts = plan.counts()
    run.counts["problems"] = {"errors": len(plan.errors), "warnings": len(plan.warnings)}
    run.changes = plan.sample_changes()
    run.errors = [p.as_dict() for p in plan.errors[:STORED_PROBLEMS]]
    run.warnings = [p.as_dict() for p in plan.warnings[:STORED_PROBLEMS]]


def _require_file(run: ImportRun) -> None:
    if run.file_deleted_at is not None:
        raise ImportNotReady(
            f"The file of import {run.pk} was deleted on {timezone.localdate(run.file_deleted_at):%d %B %Y}, "
            f"after {conf.file_retention_days()} days; upload it again to import it."
        )


def _save(run: ImportRun, **fields: Any) -> ImportRun:
    if "status" in fields:
        check_transition(run.status, fields["status"])
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


# -- housekeeping: interrupted runs and old files ------------------------------------------------------


def _worker_host() -> str:
    """This host, with its PID namespace when it has one (containers on one host share a hostname but not
    process ids), so a process id is only checked where it means the same process."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}|{namespace}"[:200]


def _worker() -> dict[str, Any]:
    return {"worker_host": _worker_host(), "worker_pid": os.getpid()}


def _process_gone(host: str, pid: int | None) -> bool:
    """Whether the process that worked on a run has certainly ended (only knowable on the same host)."""
    if not pid or host != _worker_host():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return False


INTERRUPTED_MESSAGE = (
    "This import stopped while {doing} ({why}). Nothing was changed: an import is applied all at once or "
    "not at all. {next_step}"
)


def cleanup_interrupted(
    *, now: dt.datetime | None = None, runs: Any = None, actor: User | None = None
) -> list[ImportRun]:
    """Mark as interrupted the runs being checked or applied whose worker process has ended, or which have
    not finished within IMPORTS_STALE_MINUTES of starting. Cheap (one indexed query of the few runs in
    progress), so the history page and the daily run call it every time. Returns the runs marked."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(minutes=conf.stale_minutes())
    candidates = (runs if runs is not None else ImportRun.objects.all()).filter(status__in=WORKING_STATUSES)
    marked = []
    for run in candidates.defer("content"):
        started = run.started_at or run.created_at
        if _process_gone(run.worker_host, run.worker_pid):
            why = "the process working on it ended"
        elif started < stale_before:
            why = f"it did not finish within {conf.stale_minutes()} minutes"
        else:
            continue
        if _mark_interrupted(run, why, now, actor):
            marked.append(run)
    return marked


def _mark_interrupted(run: ImportRun, why: str, now: dt.datetime, actor: User | None) -> bool:
    applying = run.status == ImportStatus.APPLYING
    message = INTERRUPTED_MESSAGE.format(
        doing="applying the changes" if applying else "checking the file",
        why=why,
        next_step="You can apply it again." if run.file_deleted_at is None else "Upload the file again.",
    )
    check_transition(run.status, ImportStatus.INTERRUPTED)
    with transaction.atomic():
        # Only if it is still where we saw it: a worker that finishes meanwhile wins.
        updated = ImportRun.objects.filter(pk=run.pk, status=run.status).update(
            status=ImportStatus.INTERRUPTED, error_message=message, finished_at=now
        )
        if not updated:
            return False
        before = {"status": run.status}
        run.status, run.error_message, run.finished_at = ImportStatus.INTERRUPTED, message, now
        audit.record(
            AuditEntry.Action.UPDATE,
            run,
            actor=actor,
            before=before,
            after={"status": run.status},
            note=f"Import {run.pk} marked interrupted: {why}",
        )
    logger.warning("Import run %s marked interrupted: %s", run.pk, why)
    return True


def purge_files(*, now: dt.datetime | None = None, actor: User | None = None) -> list[int]:
    """Delete the stored files of finished runs that finished more than IMPORTS_FILE_RETENTION_DAYS ago,
    keeping the run record (name, size, hash, counts and problems). Returns the ids of the runs purged."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=conf.file_retention_days())
    old = Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    due = ImportRun.objects.filter(old, status__in=FINISHED_STATUSES, file_deleted_at__isnull=True)
    purged = []
    for run in due.defer("content").order_by("pk"):
        with transaction.atomic():
            if not ImportRun.objects.filter(pk=run.pk, file_deleted_at__isnull=True).update(
                content=b"", file_deleted_at=now
            ):
                continue
            audit.record(
                AuditEntry.Action.UPDATE,
                run,
                actor=actor,
                before={"size": run.size, "sha256": run.sha256},
                after={"file_deleted_at": now.isoformat()},
                note=f"Stored file of import {run.pk} deleted after {conf.file_retention_days()} days",
            )
        purged.append(run.pk)
    return purged
