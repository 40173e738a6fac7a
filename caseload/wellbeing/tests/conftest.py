"""Well-being test fixtures: the cast's organisation measured under probation-wmt-legacy (its well-being
rules: over 110% for 4 weeks or over 100% for 8; plan due in 10 days; steps after 0, 14 and 28 days)."""

from caseload.workloads.tests.fixtures import legacy  # noqa: F401 (a fixture)
