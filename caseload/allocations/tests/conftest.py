"""Allocation test fixtures (the legacy-scheme organisation), and PostgreSQL-only tests skipped elsewhere."""

import pytest
from django.db import connection

from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and "allocations" in str(item.fspath):
            item.add_marker(skip)
