"""Tables that are both displayed (sortable by query string, without JavaScript) and exported (CSV/XLSX)
from the same column definitions, so the download always matches the page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

T = TypeVar("T")


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    tag: str | None = None  # a govuk-tag modifier class: the text is shown as a tag
    numeric: bool = False


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its sort key (None: not sortable), the raw value for exports and sorting, and the cell."""

    key: str | None
    label: str
    value: Callable[[T], Any]
    cell: Callable[[T], Cell]
    numeric: bool = False


@dataclass(frozen=True)
class HeaderCell:
    label: str
    numeric: bool
    href: str | None  # sort link
    aria_sort: str | None  # "ascending" / "descending" when the table is sorted by this column


@dataclass(frozen=True)
class Table:
    name: str
    caption: str
    headers: list[HeaderCell]
    rows: list[list[Cell]]
    csv_href: str
    xlsx_href: str
    empty_text: str


def query_href(base: dict[str, str], **changes: str | None) -> str:
    """A query string from the current parameters with some changed (None removes one)."""
    params = {**base, **changes}
    return "?" + urlencode({k: v for k, v in params.items() if v})


def build_table(
    name: str,
    caption: str,
    columns: Sequence[Column[T]],
    items: Sequence[T],
    *,
    query: dict[str, str],
    sort_param: str,
    sort: str,
    empty_text: str,
) -> Table:
    """A displayable table whose sortable headers link to `?<sort_param>=[-]key` (keeping other params)."""
    current = sort.lstrip("-")
    descending = sort.startswith("-")
    headers = []
    for column in columns:
        if column.key is None:
            headers.append(HeaderCell(column.label, column.numeric, None, None))
            continue
        active = column.key == current
        # A click on the sorted column reverses it; numbers sort largest first on the first click.
        if active:
            next_sort = column.key if descending else f"-{column.key}"
        else:
            next_sort = f"-{column.key}" if column.numeric else column.key
        aria = ("descending" if descending else "ascending") if active else None
        headers.append(
            HeaderCell(
                column.label, column.numeric, query_href(query, **{sort_param: next_sort, "page": None}), aria
            )
        )
    export = {k: v for k, v in query.items() if k != "page"}
    return Table(
        name=name,
        caption=caption,
        headers=headers,
        rows=[[column.cell(item) for column in columns] for item in items],
        csv_href=query_href(export, export="csv", table=name),
        xlsx_href=query_href(export, export="xlsx", table=name),
        empty_text=empty_text,
    )


def export_rows(columns: Sequence[Column[T]], items: Sequence[T]) -> tuple[list[str], list[list[Any]]]:
    """Headers and raw values (numbers as numbers) of a table, for `table_download`."""
    return [c.label for c in columns], [[c.value(item) for c in columns] for item in items]


def sort_items(columns: Sequence[Column[T]], items: list[T], sort: str, default: str) -> tuple[list[T], str]:
    """Sort in Python by a column's raw value (missing values last whichever way); unknown keys → default."""
    by_key = {c.key: c for c in columns if c.key}
    key = sort.lstrip("-")
    if key not in by_key:
        sort, key = default, default.lstrip("-")
    column = by_key[key]
    descending = sort.startswith("-")
    present = [i for i in items if column.value(i) is not None]
    missing = [i for i in items if column.value(i) is None]

    def sort_value(item: T) -> Any:
        value = column.value(item)
        return value.casefold() if isinstance(value, str) else value

    return sorted(present, key=sort_value, reverse=descending) + missing, sort


def pagination(page: Any, query: dict[str, str], param: str = "page") -> dict[str, Any] | None:
    """Parameters for GOV.UK's pagination component (None when everything fits on one page)."""
    if page is None or page.paginator.num_pages <= 1:
        return None
    items: list[dict[str, Any]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": str(number),
                    "href": query_href(query, **{param: str(number)}),
                    "current": number == page.number,
                }
            )
    result: dict[str, Any] = {"items": items}
    if page.has_previous():
        result["previous"] = {"href": query_href(query, **{param: str(page.previous_page_number())})}
    if page.has_next():
        result["next"] = {"href": query_href(query, **{param: str(page.next_page_number())})}
    return result
