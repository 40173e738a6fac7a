"""The probation WMT extract workbook as an import kind: its sheets are read (sheets.py) and turned into
rows of the generic layouts (translate.py), so checking, the dry run and applying are the framework's.
See docs/imports.md ("The WMT extract workbook") and docs/adr/0005-extract-counts-as-cases.md."""

from __future__ import annotations

import io
import re
import zipfile

from caseload.imports.wmt.sheets import LAYOUT, looks_like_extract

_SHEET_NAME = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"")
_WORKBOOK_PART_LIMIT = 5 * 1024 * 1024

__all__ = ["LAYOUT", "is_extract"]


def is_extract(file_name: str, content: bytes, layout: str = "") -> bool:
    """Whether a file is to be read as a WMT extract: chosen as such, or an .xlsx workbook with the
    extract's `wmt_extract` and `wmt_extract_filtered` sheets. A file that cannot be opened is not (the
    generic reader then says what is wrong with it)."""
    if layout:
        return layout == LAYOUT
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("xl/workbook.xml") as part:
            workbook = part.read(_WORKBOOK_PART_LIMIT)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        return False
    return looks_like_extract([name.decode("utf-8", "replace") for name in _SHEET_NAME.findall(workbook)])
