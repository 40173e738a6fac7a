"""Fixtures for the core tests."""

from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)
