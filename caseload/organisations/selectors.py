"""Reads of the organisation tree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from caseload.cases.models import Case, CaseStatus
from caseload.organisations.models import OrgUnit, TeamMembership


@dataclass
class TreeNode:
    """One org unit with counts for itself and everything below it."""

    unit: OrgUnit
    children: list[TreeNode] = field(default_factory=list)
    teams: int = 0
    practitioner_ids: set[int] = field(default_factory=set)
    open_cases: int = 0
    unallocated_cases: int = 0

    @property
    def practitioners(self) -> int:
        """Distinct people: someone working in two teams counts once above them."""
        return len(self.practitioner_ids)


def org_tree_with_counts(on: dt.date, units: list[OrgUnit] | None = None) -> list[TreeNode]:
    """The current organisation tree as root nodes, siblings in name order, each count rolled up from the
    teams below.
    Three queries whatever the size of the tree."""
    if units is None:
        units = list(OrgUnit.objects.current(on).order_by("path"))
    nodes = {u.pk: TreeNode(unit=u) for u in units}
    members: dict[int, set[int]] = defaultdict(set)
    for team_id, practitioner_id in TeamMembership.objects.current(on).values_list(
        "team_id", "practitioner_id"
    ):
        members[team_id].add(practitioner_id)
    case_counts = {
        row["team_id"]: row
        for row in Case.objects.filter(status=CaseStatus.ACTIVE)
        .values("team_id")
        .annotate(open=Count("id"), unallocated=Count("id", filter=Q(practitioner__isnull=True)))
    }
    roots: list[TreeNode] = []
    for unit in units:  # ordered by path: parents come before children
        node = nodes[unit.pk]
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in sorted(nodes.values(), key=lambda n: -n.unit.depth):  # deepest first
        if node.unit.kind == "team":
            node.teams += 1
            node.practitioner_ids |= members.get(node.unit.pk, set())
            counts = case_counts.get(node.unit.pk, {})
            node.open_cases += counts.get("open", 0)
            node.unallocated_cases += counts.get("unallocated", 0)
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        if parent:
            parent.teams += node.teams
            parent.practitioner_ids |= node.practitioner_ids
            parent.open_cases += node.open_cases
            parent.unallocated_cases += node.unallocated_cases
    for node in nodes.values():
        node.children.sort(key=lambda child: (child.unit.name.casefold(), child.unit.code))
    roots.sort(key=lambda root: (root.unit.name.casefold(), root.unit.code))
    return roots
