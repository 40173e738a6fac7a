"""The scheme presets shipped with Caseload (caseload/schemes/presets/*.yaml), located by path."""

from __future__ import annotations

from pathlib import Path

from caseload.domain.scheme import Scheme
from caseload.domain.scheme_parser import SchemeError, load_scheme_file

PRESETS_DIR = Path(__file__).parent.parent / "schemes" / "presets"


def list_presets() -> list[str]:
    """Preset names (file names without .yaml), sorted."""
    return sorted(path.stem for path in PRESETS_DIR.glob("*.yaml"))


def load_preset(name: str) -> Scheme:
    """Load and validate a preset by name, e.g. `load_preset("probation-wmt-legacy")`."""
    path = PRESETS_DIR / f"{name}.yaml"
    if name not in list_presets():
        raise SchemeError([("", f"no preset named {name!r} (presets: {', '.join(list_presets())})")])
    return load_scheme_file(path)
