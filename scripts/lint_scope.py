"""Fail when a view or API module reaches people or case data without going through the access scope.

HOUSE_STYLE convention 6: in `views.py`/`api.py` (and `views/`/`api/` packages) of every app, records are
reached from `request.scope` (`scope.cases`, `scope.memberships`, `scope.practitioners`, `scope.units`,
...), never from a model's manager. This script reads those modules' syntax trees and reports each
`Model.objects`, `Model._default_manager` and `get_object_or_404(Model, ...)` on a model that is not
reference data. Run: `python scripts/lint_scope.py` (exit 1 on any finding)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "caseload"
# Reference data that is the same for everyone, and administrators' own records (their pages require the
# administrator role before any query): no people or case data.
ALLOWED = {"Grade", "ReductionReason", "Scheme", "SchemeVersion", "ImportRun", "AuditEntry"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def modules() -> list[Path]:
    found = []
    for app in sorted(p for p in ROOT.iterdir() if p.is_dir()):
        for name in ("views", "api"):
            module = app / f"{name}.py"
            if module.exists():
                found.append(module)
            package = app / name
            if package.is_dir():
                found.extend(sorted(package.rglob("*.py")))
    return found


def findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    problems: list[str] = []
    for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id not in ALLOWED
        ):
            problems.append(f"{node.value.id}.{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id[:1].isupper()
            and node.args[0].id not in ALLOWED
        ):
            problems.append(f"{node.func.id}({node.args[0].id}, ...)")
        else:
            continue
        shown = path.relative_to(ROOT.parent) if path.is_relative_to(ROOT.parent) else path
        problems[-1] = f"{shown}:{node.lineno}: {problems[-1]} — use request.scope"
    return problems


def main(paths: list[str]) -> int:
    targets = [Path(p) for p in paths] if paths else modules()
    problems = [line for path in targets for line in findings(path)]
    for line in problems:
        print(line)
    if problems:
        print(f"\n{len(problems)} unscoped quer{'y' if len(problems) == 1 else 'ies'} in views/API modules.")
        return 1
    print(f"Scope lint: {len(targets)} view/API modules, no unscoped queries.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
