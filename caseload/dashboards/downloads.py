"""A page's table as a CSV or XLSX download: pages answer `?export=csv|xlsx&table=<name>` on their own URL,
so a download is reached, and refused, exactly as the page is."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import Http404, HttpResponse

from caseload.core.exports import EXPORT_FORMATS, table_download
from caseload.dashboards.pages import TableSource


def wants_download(params: Mapping[str, str]) -> bool:
    return "export" in params


def table_response(sources: Mapping[str, TableSource], params: Mapping[str, str], stem: str) -> HttpResponse:
    """The named table in the asked format, named `<stem>-<table>.<format>`; 404 for another table or format."""
    source = sources.get(params.get("table", ""))
    fmt = params.get("export", "")
    if source is None or fmt not in EXPORT_FORMATS:
        raise Http404("No such table or format.")
    headers, rows = source.export()
    return table_download(f"{stem}-{source.name}", headers, rows, fmt)
