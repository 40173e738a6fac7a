"""Import a CSV or XLSX file in a generic layout: check it, show what would change, then apply it.

    uv run python manage.py import_file PATH [--layout ENTITY] [--organisation CODE] [--dry-run] [--yes]
        [--user USERNAME]

Exits 0 when the file was checked (dry run) or applied, 1 when it was rejected or failed, listing every
problem with its sheet, row and column."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caseload.core.models import User
from caseload.imports import readers, services, wmt
from caseload.imports.layouts import ENTITIES
from caseload.imports.models import ImportRun, ImportStatus
from caseload.organisations.models import OrgUnit

BAR_WIDTH = 30
SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = "Import a CSV or XLSX file in one of the generic layouts, or a WMT extract (see docs/imports.md)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("path", help="The .csv or .xlsx file.")
        parser.add_argument(
            "--layout",
            choices=[*ENTITIES, wmt.LAYOUT],
            default="",
            help="The layout of a CSV file, or wmt_extract for a WMT extract workbook.",
        )
        parser.add_argument(
            "--organisation",
            default="",
            help="Code of the organisation a WMT extract's regions go under (needed when there are several).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and show what would change only.")
        parser.add_argument("--yes", action="store_true", help="Apply without asking.")
        parser.add_argument("--user", default="", help="Username recorded as the importer.")
        # Test hook, not for people: stop (and wait to be killed) after this many rows have been written.
        parser.add_argument("--pause-after-rows", type=int, default=0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        size = path.stat().st_size
        if size > readers.MAX_FILE_BYTES:  # refused before it is read or kept, as on the web
            raise CommandError(readers.too_big(size))
        actor = self._user(options["user"])
        for interrupted in services.cleanup_interrupted():
            self.stderr.write(f"Import {interrupted.pk} ({interrupted.file_name}) was interrupted earlier.")
        organisation = None
        if options["organisation"]:
            organisation = OrgUnit.objects.filter(code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"There is no organisation {options['organisation']}.")
        run = services.create_run(
            organisation=organisation,
            file_name=path.name,
            content=path.read_bytes(),
            layout=options["layout"],
            dry_run=True,
            actor=actor,
        )
        self.stderr.write(f"Checking {path.name} (import {run.pk})…")
        run = services.check_run(run)
        self._summary(run)
        if run.status != ImportStatus.VALIDATED:
            raise CommandError(self._failure(run))
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
            return
        if not options["yes"] and input("Apply these changes? [y/N] ").strip().lower() not in ("y", "yes"):
            self.stdout.write("Not applied.")
            return
        progress = ProgressBar(self.stderr, pause_after=options["pause_after_rows"])
        run = services.apply_import(run, actor, progress=progress)
        progress.finish()
        if run.status != ImportStatus.APPLIED:
            raise CommandError(self._failure(run))
        self.stdout.write(self.style.SUCCESS(f"Applied import {run.pk}."))
        self._summary(run)

    def _user(self, username: str) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username}.")
        return user

    def _summary(self, run: ImportRun) -> None:
        for entity, counts in run.counts.items():
            if entity in ENTITIES:
                self.stdout.write(
                    f"  {entity:<14} added {counts['added']:>7,}  changed {counts['changed']:>7,}  "
                    f"unchanged {counts['unchanged']:>7,}  closed {counts['closed']:>7,}"
                )
        summary = run.counts.get("summary", {})
        if summary:
            self.stdout.write(
                f"  practitioners moved {summary['practitioners_moved']:,}, hours changed "
                f"{summary['hours_changed']:,}, case holders changed {summary['holders_changed']:,}"
            )
        if run.warnings:
            self.stdout.write(f"{len(run.warnings)} warning(s):")
            for problem in run.warnings[:SHOWN_PROBLEMS]:
                self.stdout.write(f"  {_where(problem)}: {problem['message']}")

    def _failure(self, run: ImportRun) -> str:
        lines = [f"Import {run.pk} was {run.get_status_display().lower()}."]
        if run.error_message:
            lines.append(run.error_message)
        if run.errors:
            lines.append(f"{len(run.errors)} problem(s):")
            lines += [f"  {_where(p)}: {p['message']}" for p in run.errors[:SHOWN_PROBLEMS]]
            if len(run.errors) > SHOWN_PROBLEMS:
                lines.append(f"  … and {len(run.errors) - SHOWN_PROBLEMS} more (see the import page).")
        return "\n".join(lines)


def _where(problem: dict[str, Any]) -> str:
    parts = [f"sheet {problem['sheet']}"]
    if problem["row"]:
        parts.append(f"row {problem['row']}")
    if problem["column"]:
        parts.append(f"column {problem['column']}")
    return ", ".join(parts)


class ProgressBar:
    """A plain-text progress bar on stderr, redrawn after each batch of rows (a new line per update when
    stderr is not a terminal, so logs stay readable)."""

    def __init__(self, stream: Any, *, pause_after: int = 0) -> None:
        self.stream, self.pause_after = stream, pause_after
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.done: dict[str, int] = {}

    @property
    def written(self) -> int:
        return sum(self.done.values())

    def __call__(self, entity: str, done: int, total: int) -> None:
        self.done[entity] = done
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        line = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {entity} {done:,}/{total:,}"
        self.stream.write(("\r" + line) if self.tty else line, ending="" if self.tty else "\n")
        self.stream.flush()
        if self.pause_after and self.written >= self.pause_after:
            self.stream.write(f"\nPAUSED after {self.written} rows")
            self.stream.flush()
            sys.stderr.flush()
            time.sleep(3600)

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")
