"""Background work for imports: the web upload hands the run to a worker so a large file does not hold
a request open. Tests use the immediate backend, which runs the task inline."""

from __future__ import annotations

from django_tasks import task

from caseload.imports import services
from caseload.imports.models import ImportRun


@task()
def process_import(run_id: int) -> str:
    """Check a pending run (and apply it when it is not a dry run); returns the final status."""
    run = ImportRun.objects.get(pk=run_id)
    return services.check_run(run).status
