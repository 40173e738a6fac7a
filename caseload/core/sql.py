"""Small SQL building blocks the ORM does not offer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import BooleanField, Expression, F, Func, TextField


def integer_array(values: Iterable[int]) -> str:
    """Integers as a PostgreSQL array's text (`{1,2,3}`), for a `%s::bigint[]` parameter: the driver sends
    one text as it is, where it would adapt a list of thousands of numbers one by one."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"


class Joined(Func):
    """Texts joined with `||`, none of them null (Django's `Concat` guards each part against nulls, which
    costs as much again over a quarter of a million rows). A migration names it (the generated column
    `cases_case.kind_base`), so it stays here, as it is: a generated column's expression cannot be changed in
    place, only by removing the column and adding it again."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = TextField()


class AnyOf(Expression):
    """`field IN (ids)` as a filter condition (`queryset.filter(AnyOf("team_id", ids))`). On PostgreSQL the ids
    travel as one array (`field = ANY(%s::bigint[])`): an `IN` list of thousands of ids costs milliseconds to
    build, to split into parameters and to parse, on every query of a full recalculation. Elsewhere it is an
    ordinary `IN` list. No ids: matches nothing.

    For integer ids only (not model instances, not None), in `filter()`: unlike `__in`, it sends a query
    even for no ids, and in `exclude()` it also leaves out the rows where the field is null."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, ids: Iterable[int]) -> None:
        super().__init__()
        self.column = F(field)
        self.ids = sorted({int(pk) for pk in ids})

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.column,) = exprs

    def resolve_expression(self, *args: Any, **kwargs: Any) -> AnyOf:
        clone = self.copy()
        clone.column = self.column.resolve_expression(*args, **kwargs)
        return clone

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self.ids:
            return "1 = 0", []
        lhs, params = compiler.compile(self.column)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = compiler.compile(self.column)
        return f"{lhs} = ANY(%s::bigint[])", [*params, integer_array(self.ids)]
