"""Ready-to-show values for the dashboard templates."""

from __future__ import annotations

from dataclasses import dataclass

from caseload.organisations.selectors import TreeNode


@dataclass(frozen=True)
class TreeRow:
    name: str
    code: str
    kind: str
    summary: str
    children: list[TreeRow]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def present_tree(nodes: list[TreeNode]) -> list[TreeRow]:
    """Each unit with a one-line summary of its counts, e.g. '4 teams, 38 practitioners, 1,204 open cases'."""
    rows = []
    for node in nodes:
        parts = []
        if node.unit.kind != "team":
            parts.append(_plural(node.teams, "team", "teams"))
        parts.append(_plural(node.practitioners, "practitioner", "practitioners"))
        parts.append(_plural(node.open_cases, "open case", "open cases"))
        parts.append(f"{node.unallocated_cases:,} unallocated")
        rows.append(
            TreeRow(
                name=node.unit.name,
                code=node.unit.code,
                kind=node.unit.get_kind_display(),
                summary=", ".join(parts),
                children=present_tree(node.children),
            )
        )
    return rows
