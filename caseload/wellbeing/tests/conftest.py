"""Well-being test fixtures: the cast's organisation measured under probation-wmt-legacy (its well-being
rules: over 110% for 4 weeks or over 100% for 8; plan due in 10 days; steps after 0, 14, 28 and 56 days), and
PostgreSQL-only tests skipped elsewhere."""

import pytest
from django.db import connection

from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and "wellbeing" in str(item.fspath):
            item.add_marker(skip)
