"""Path-aware reading of parsed YAML/JSON data, collecting every problem as `(path, message)`.

Used by the scheme parser and the workload-file parser so that a bad file is rejected with all of its errors,
each named by its field path, e.g. `categories.community.levels.A3.activities[2].minutes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Problem = tuple[str, str]


class InputError(ValueError):
    """A rejected file or structure; `problems` lists every `(path, message)` found."""

    def __init__(self, problems: list[Problem], what: str = "input") -> None:
        self.problems = problems
        lines = "\n".join(f"  {path or '(top level)'}: {message}" for path, message in problems)
        super().__init__(f"invalid {what}:\n{lines}")


class Node:
    """A value at a path; reads its fields, records problems in a shared list and flags unknown keys."""

    def __init__(self, value: Any, path: str, problems: list[Problem]) -> None:
        self.value = value
        self.path = path
        self.problems = problems

    def problem(self, message: str, key: str | int | None = None) -> None:
        self.problems.append((self._join(key) if key is not None else self.path, message))

    def _join(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def is_mapping(self) -> bool:
        if isinstance(self.value, dict):
            return True
        self.problem("must be a mapping of fields")
        return False

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and self.value.get(key) is not None

    def child(self, key: str | int) -> Node:
        raw = self.value.get(key) if isinstance(self.value, dict) and isinstance(key, str) else None
        if isinstance(key, int) and isinstance(self.value, list):
            raw = self.value[key]
        return Node(raw, self._join(key), self.problems)

    def only(self, *allowed: str) -> None:
        """Report keys this mapping does not know (usually typos)."""
        if isinstance(self.value, dict):
            for key in self.value:
                if key not in allowed:
                    self.problem(f"unknown field (allowed: {', '.join(allowed)})", str(key))

    def items(self, key: str, *, required: bool = False) -> Iterator[tuple[str, Node]]:
        """Entries of a mapping field whose keys are codes (e.g. `categories`), in file order."""
        node = self.child(key)
        if node.value is None:
            if required:
                node.problem("is required")
            return
        if not isinstance(node.value, dict):
            node.problem("must be a mapping of codes to entries")
            return
        for code in node.value:
            if not isinstance(code, str) or not code.strip():
                node.problem("codes must be non-empty text", str(code))
                continue
            yield code, node.child(code)

    def elements(self, key: str, *, required: bool = False) -> Iterator[Node]:
        """Elements of a list field."""
        node = self.child(key)
        if node.value is None:
            if required:
                node.problem("is required")
            return
        if not isinstance(node.value, list):
            node.problem("must be a list")
            return
        for index in range(len(node.value)):
            yield node.child(index)

    def text(self, key: str, default: str | None = None, *, required: bool = True) -> str:
        raw = self.value.get(key) if isinstance(self.value, dict) else None
        if raw is None:
            if default is None and required:
                self.problem("is required", key)
            return default or ""
        if not isinstance(raw, str | int) or isinstance(raw, bool) or not str(raw).strip():
            self.problem("must be non-empty text", key)
            return default or ""
        return str(raw)

    def optional_text(self, key: str) -> str | None:
        return self.text(key, required=False) if self.has(key) else None

    def texts(self, key: str) -> tuple[str, ...]:
        node = self.child(key)
        if node.value is None:
            return ()
        if not isinstance(node.value, list) or not all(isinstance(item, str) for item in node.value):
            node.problem("must be a list of text values")
            return ()
        return tuple(node.value)

    def decimal(
        self, key: str, low: Decimal | int, high: Decimal | int, default: Decimal | int | None = None
    ) -> Decimal:
        value = self.optional_decimal(key, low, high)
        if value is None:
            if default is None:
                if not self.has(key):
                    self.problem("is required", key)
                return Decimal(0)
            return Decimal(default)
        return value

    def optional_decimal(self, key: str, low: Decimal | int, high: Decimal | int) -> Decimal | None:
        if not self.has(key):
            return None
        return self.child(key).as_decimal(low, high)

    def as_decimal(self, low: Decimal | int, high: Decimal | int) -> Decimal | None:
        """This node's own value as a number within [low, high]; None (and a problem) otherwise."""
        number = to_decimal(self.value)
        if number is None or not low <= number <= high:
            self.problem(f"must be a number between {low} and {high}")
            return None
        return number

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self.optional_integer(key, low, high)
        if value is None:
            if default is None:
                if not self.has(key):
                    self.problem("is required", key)
                return low
            return default
        return value

    def optional_integer(self, key: str, low: int, high: int) -> int | None:
        raw = self.value.get(key) if isinstance(self.value, dict) else None
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            self.problem(f"must be a whole number between {low} and {high}", key)
            return None
        return raw

    def boolean(self, key: str, default: bool) -> bool:
        raw = self.value.get(key) if isinstance(self.value, dict) else None
        if raw is None:
            return default
        if not isinstance(raw, bool):
            self.problem("must be true or false", key)
            return default
        return raw

    def date(self, key: str, *, required: bool = True) -> date | None:
        raw = self.value.get(key) if isinstance(self.value, dict) else None
        if raw is None:
            if required:
                self.problem("is required", key)
            return None
        parsed = to_date(raw)
        if parsed is None:
            self.problem("must be a date written YYYY-MM-DD", key)
        return parsed

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str:
        raw = self.value.get(key) if isinstance(self.value, dict) else None
        if raw is None and default is not None:
            return default
        if raw not in options:
            self.problem(f"must be one of: {', '.join(options)}", key)
            return default or options[0]
        return str(raw)


def to_decimal(raw: object) -> Decimal | None:
    """A Decimal from an int, a float (via its shortest text form) or numeric text; None otherwise."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float | str):
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def to_date(raw: object) -> date | None:
    """A date from a `date` (YAML) or ISO `YYYY-MM-DD` text (JSON); None otherwise."""
    if isinstance(raw, datetime):
        return None
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None
