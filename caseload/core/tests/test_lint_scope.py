"""The scope lint (scripts/lint_scope.py) finds unscoped queries in view and API modules, and the product
has none."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "lint_scope.py"


def _lint():
    spec = importlib.util.spec_from_file_location("lint_scope", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_reports_managers_and_shortcuts_on_people_and_case_models(tmp_path):
    views = tmp_path / "views.py"
    views.write_text(
        "def a(request):\n"
        "    return Case.objects.all()\n"
        "def b(request, pk):\n"
        "    return get_object_or_404(TeamMembership, pk=pk)\n"
        "def c(request):\n"
        "    return Practitioner._default_manager.first()\n"
        "def d(request):\n"
        "    return request.scope.cases.filter(pk=1), Grade.objects.all()\n"
    )
    found = _lint().findings(views)
    assert [line.split(": ", 1)[1] for line in found] == [
        "Case.objects — use request.scope",
        "get_object_or_404(TeamMembership, ...) — use request.scope",
        "Practitioner._default_manager — use request.scope",
    ]
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in found] == ["2", "4", "6"]


def test_the_product_passes():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False)  # noqa: S603 - our own script
    assert result.returncode == 0, result.stdout
    assert "no unscoped queries" in result.stdout
